"""Shared pieces of Vigil's side-by-side benchmarks (bench/README.md describes the protocol).

Every benchmark starts vigil-server and Debian's redis-server with the same settings on free
loopback ports, measures both interleaved, and reports medians and the vigil/redis ratio. This
module holds what all of them need: starting and always stopping servers, a tiny RESP client,
running redis-benchmark and redis-cli under a watchdog, waiting on conditions with deadlines,
medians, the machine description and table printing.
"""

import datetime
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REDIS_SERVER = "/usr/bin/redis-server"
REDIS_BENCHMARK = "/usr/bin/redis-benchmark"
REDIS_CLI = "/usr/bin/redis-cli"
REDIS_SENTINEL = "/usr/bin/redis-sentinel"


class BenchError(Exception):
    """A benchmark could not run as intended; the message says why."""


def log(msg):
    """Progress goes to stderr so stdout holds only the command lines and the tables."""
    print(msg, file=sys.stderr, flush=True)


def free_port():
    """A port that was free a moment ago; Server.start retries if another process wins it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def resp_command(port, *args, timeout=5.0):
    """Sends one command over a fresh connection and returns the raw first reply line."""
    payload = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        payload += b"$%d\r\n%s\r\n" % (len(a), a)
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(payload)
        reply = b""
        while not reply.endswith(b"\r\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
    return reply.decode(errors="replace").strip()


def encode_command(args):
    """One command as a RESP multibulk request."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a.encode() if isinstance(a, str) else b"%d" % a if isinstance(a, int) else a
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class ReplyError(Exception):
    """An error reply (-ERR ...) from the server; the message is the reply text."""


class Client:
    """A small blocking RESP2 client: enough for INFO, SENTINEL, SAVE and friends.

    Replies are decoded as text: str for status and bulk replies, int, None for nil, lists for
    arrays; an error reply raises ReplyError. Any socket problem raises OSError.
    """

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.reader = self.sock.makefile("rb")

    def close(self):
        self.reader.close()
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()

    def call(self, *args):
        self.sock.sendall(encode_command(args))
        return self._read_reply()

    def _read_line(self):
        line = self.reader.readline()
        if not line.endswith(b"\r\n"):
            raise ConnectionError("connection closed mid-reply")
        return line[:-2]

    def _read_reply(self):
        line = self._read_line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode(errors="replace")
        if kind == b"-":
            raise ReplyError(rest.decode(errors="replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.reader.read(n + 2)
            if len(data) != n + 2:
                raise ConnectionError("connection closed mid-reply")
            return data[:-2].decode(errors="replace")
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._read_reply() for _ in range(n)]
        raise ConnectionError("unexpected reply line %r" % line[:80])


def call(port, *args, timeout=5.0):
    """One command over a fresh connection; returns the decoded reply (see Client)."""
    with Client(port, timeout) as c:
        return c.call(*args)


def info(port, section="everything", timeout=5.0):
    """INFO as a dict of field -> string value."""
    fields = {}
    for line in call(port, "INFO", section, timeout=timeout).splitlines():
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            fields[k] = v
    return fields


def wait_until(predicate, timeout, what, interval=0.01):
    """Polls predicate until it returns a true value, which is returned; raises at the deadline.

    Connection errors count as "not yet": the condition often involves a process restarting.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
            if value:
                return value
        except (OSError, ReplyError):
            pass
        if time.monotonic() > deadline:
            raise BenchError("timed out after %.0fs waiting for %s" % (timeout, what))
        time.sleep(interval)


class Server:
    """One server process with the benchmark settings, in its own temporary directory."""

    START_TIMEOUT = 10.0
    STOP_TIMEOUT = 10.0

    def __init__(self, label, binary, settings=None):
        """settings: redis.conf directives as command-line pairs, overriding the defaults."""
        self.label = label
        self.binary = binary
        self.settings = {"save": "", "appendonly": "no"}
        self.settings.update(settings or {})
        self.port = None
        self.proc = None
        self.dir = None
        self.argv = None

    def start(self, timeout=None):
        """Starts the server and waits for PONG; retries on a lost port race.

        A server started again after stop(keep_dir=True) reuses its directory, so it finds
        the files it wrote there (a dump to load at start).
        """
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix="vigil-bench-%s-" % self.label)
        logfile = os.path.join(self.dir, "server.log")
        for _ in range(5):
            if os.path.exists(logfile):
                os.unlink(logfile)
            self.port = free_port()
            self.argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            for name, value in self.settings.items():
                self.argv += ["--" + name, value]
            self.argv += ["--dir", self.dir, "--logfile", logfile]
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._wait_ready(timeout or self.START_TIMEOUT):
                return
            if "Address already in use" not in self.log_tail():
                raise BenchError("%s did not start:\n%s" % (self.label, self.log_tail()))
        raise BenchError("%s: no free port after 5 attempts" % self.label)

    def _wait_ready(self, timeout):
        """True once the server answers PING, False if it exited first; raises on timeout.

        A server still loading its dataset answers -LOADING, which counts as not ready.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if resp_command(self.port, "PING", timeout=1.0) == "+PONG":
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        tail = self.log_tail()
        self.stop()
        raise BenchError("%s did not answer PING within %.0fs:\n%s"
                         % (self.label, timeout, tail))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines=20):
        try:
            with open(os.path.join(self.dir, "server.log"), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"

    def rss_bytes(self):
        """Resident set size of the process, from /proc, independent of what INFO says."""
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise BenchError("%s: no VmRSS in /proc/%d/status" % (self.label, self.proc.pid))

    def stop(self, keep_dir=False):
        """SIGTERM, then SIGKILL after a deadline; always reaps, and removes the directory
        unless keep_dir (then remove_dir must follow)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(self.STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not keep_dir:
            self.remove_dir()

    def remove_dir(self):
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


def install_signal_handlers():
    """Turns SIGTERM and SIGHUP into SystemExit so `finally` blocks stop the servers."""
    def handler(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


def run_watched(argv, servers, timeout, stdin_path=None):
    """Runs argv to completion, its stdin from stdin_path if given, and returns its stdout.

    redis-benchmark spins forever when its server goes away, so the run is killed and reported
    as soon as one of the servers dies, or when the timeout passes.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            open(stdin_path or os.devnull, "rb") as stdin:
        proc = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=err)
        deadline = time.monotonic() + timeout
        try:
            while proc.poll() is None:
                dead = [s for s in servers if not s.alive()]
                if dead:
                    raise BenchError("%s died during: %s\n%s" % (
                        dead[0].label, shlex.join(argv), dead[0].log_tail()))
                if time.monotonic() > deadline:
                    raise BenchError("timed out after %.0fs: %s" % (timeout, shlex.join(argv)))
                time.sleep(0.1)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise BenchError("exit status %d: %s\n%s" % (
                proc.returncode, shlex.join(argv), err.read().decode(errors="replace")))
        return out.read().decode(errors="replace")


def require_executables(parser, paths):
    """Stops argument parsing with a clear message if a binary is missing."""
    for path in paths:
        if not os.access(path, os.X_OK):
            parser.error("not an executable: %s" % path)


def parse_parts(parser, value, known):
    """The comma-separated --parts list, each one of known."""
    parts = [x for x in value.split(",") if x]
    if not parts or any(x not in known for x in parts):
        parser.error("--parts takes %s or %s" % (", ".join(known), ",".join(known)))
    return parts


def median(values):
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def tool_version(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def print_machine():
    """Core count and load average, with a warning when the figures will be noisy."""
    cores = os.cpu_count()
    load = os.getloadavg()
    print("machine: %d cores, shared by the client and the servers under test; "
          "load average %.2f %.2f %.2f at start" % ((cores,) + load))
    if load[0] > cores / 2:
        print("warning: the machine is busy (load %.2f on %d cores): expect noisy figures"
              % (load[0], cores))


def print_command(argv):
    print("$ " + shlex.join(argv), flush=True)


def ratio(vigil, redis):
    return "%.2f" % (vigil / redis) if redis else "n/a"


def format_text_table(header, rows):
    """Fixed-width table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    lines = []
    for r in [header] + rows:
        cells = [str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i])
                 for i, c in enumerate(r)]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(lines)


def print_tables(tables):
    """[(caption, header, rows)]: each as a plain table, then all again in Markdown."""
    for caption, header, rows in tables:
        print()
        print(caption + ":")
        print()
        print(format_text_table(header, rows))
    print()
    print("Markdown:")
    for caption, header, rows in tables:
        print()
        print("%s, %s, %d cores, load average %.2f at the end:"
              % (datetime.date.today().isoformat(), caption, os.cpu_count(),
                 os.getloadavg()[0]))
        print()
        print(format_markdown_table(header, rows))
