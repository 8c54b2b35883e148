"""Shared pieces of Vigil's side-by-side benchmarks (bench/README.md describes the protocol).

Every benchmark starts vigil-server and Debian's redis-server with the same settings on free
loopback ports, measures both interleaved, and reports medians and the vigil/redis ratio. This
module holds what all of them need: starting and always stopping servers, a tiny RESP client,
running redis-benchmark under a watchdog, medians and table printing.
"""

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


class Server:
    """One server process with the benchmark settings, in its own temporary directory."""

    START_TIMEOUT = 10.0
    STOP_TIMEOUT = 10.0

    def __init__(self, label, binary, extra_args=()):
        self.label = label
        self.binary = binary
        self.extra_args = list(extra_args)
        self.port = None
        self.proc = None
        self.dir = None
        self.argv = None

    def start(self):
        """Starts the server and waits for PONG; retries on a lost port race."""
        self.dir = tempfile.mkdtemp(prefix="vigil-bench-%s-" % self.label)
        logfile = os.path.join(self.dir, "server.log")
        for _ in range(5):
            if os.path.exists(logfile):
                os.unlink(logfile)
            self.port = free_port()
            self.argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                         "--save", "", "--appendonly", "no", "--dir", self.dir,
                         "--logfile", logfile] + self.extra_args
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._wait_ready():
                return
            if "Address already in use" not in self.log_tail():
                raise BenchError("%s did not start:\n%s" % (self.label, self.log_tail()))
        raise BenchError("%s: no free port after 5 attempts" % self.label)

    def _wait_ready(self):
        """True once the server answers PING, False if it exited first; raises on timeout."""
        deadline = time.monotonic() + self.START_TIMEOUT
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
                         % (self.label, self.START_TIMEOUT, tail))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines=20):
        try:
            with open(os.path.join(self.dir, "server.log"), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self):
        """SIGTERM, then SIGKILL after a deadline; always reaps and removes the directory."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(self.STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


def install_signal_handlers():
    """Turns SIGTERM and SIGHUP into SystemExit so `finally` blocks stop the servers."""
    def handler(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


def run_watched(argv, servers, timeout):
    """Runs argv to completion and returns its stdout.

    redis-benchmark spins forever when its server goes away, so the run is killed and reported
    as soon as one of the servers dies, or when the timeout passes.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
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
