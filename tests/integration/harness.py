"""Process and wire helpers for the Vigil integration suite.

ServerProcess starts one server (vigil-server, or Debian's redis-server as the
reference peer) on a free loopback port with a private temp directory, waits
until it answers, and always stops and reaps it.  RawConn talks RESP over a
plain socket and returns the exact reply bytes, for protocol-level and
differential tests.  wait_until() is the only way tests wait: a predicate
polled against a deadline.  conftest.py builds the pytest fixtures on these.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parents[2]
REDIS_SERVER = "/usr/bin/redis-server"
START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0
PORT_ATTEMPTS = 5
LOG_TAIL_LINES = 50

# Every server ever started and not yet reported on; conftest attaches their
# logs to failing tests.
_live_servers = []
_stopped_servers = []


def server_binary():
    """The server under test: $VIGIL_SERVER, else the repo's bin/vigil-server."""
    return os.environ.get("VIGIL_SERVER", str(REPO / "bin" / "vigil-server"))


def is_redis_binary(path):
    """True when path names a real Redis server, not Vigil."""
    return "redis-server" in os.path.basename(path)


def wait_until(predicate, timeout=10.0, interval=0.01, message="condition"):
    """Poll predicate until it returns a truthy value (returned) or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def free_port():
    """A loopback port that was free a moment ago (the caller retries on races)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config_pairs(extra):
    """Normalise per-test config (dict or list of pairs) to a list of pairs."""
    if extra is None:
        return []
    if isinstance(extra, dict):
        return list(extra.items())
    return [tuple(item) for item in extra]


def _option_argv(name, value):
    """['--name', args...]: a list/tuple value gives one argv per element."""
    if isinstance(value, (list, tuple)):
        return ["--" + name] + [str(v) for v in value]
    return ["--" + name, str(value)]


def tail_lines(path, n=LOG_TAIL_LINES):
    """Last n lines of a text file, or '' when it does not exist."""
    try:
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
    except FileNotFoundError:
        return ""
    return "\n".join(lines[-n:])


class ServerStartError(RuntimeError):
    """The server exited or stayed silent before answering PING."""


class ServerProcess:
    """One server process on 127.0.0.1 with its own directory and log."""

    def __init__(self, binary=None, config=None, config_file=None, args=None):
        """config: dict or list of (name, value) given as --name value;
        config_file: text written to TMP/server.conf and passed first;
        args: raw argv appended last."""
        self.binary = binary or server_binary()
        self.config = _config_pairs(config)
        self.config_file_text = config_file
        self.extra_args = list(args or [])
        self.dir = Path(tempfile.mkdtemp(prefix="vigil-it-"))
        self.config_path = self.dir / "server.conf"
        self.log_path = self.dir / "server.log"
        self.stdio_path = self.dir / "stdio.log"
        self.host = "127.0.0.1"
        self.port = None
        self.proc = None
        self.final_log = None

    # -- lifecycle ---------------------------------------------------------

    def argv(self, port):
        """The full command line for a start on port."""
        defaults = [
            ("port", port), ("bind", "127.0.0.1"), ("dir", str(self.dir)),
            ("save", ""), ("appendonly", "no"), ("enable-debug-command", "yes"),
            ("logfile", str(self.log_path)),
        ]
        overridden = {name for name, _ in self.config}
        argv = [self.binary]
        if self.config_file_text is not None:
            self.config_path.write_text(self.config_file_text)
            argv.append(str(self.config_path))
        for name, value in defaults:
            if name not in overridden:
                argv += _option_argv(name, value)
        for name, value in self.config:
            argv += _option_argv(name, value)
        return argv + self.extra_args

    def start(self):
        """Start on a free port, retrying when another process grabbed it first."""
        if not os.path.exists(self.binary):
            self._remove_dir()
            raise ServerStartError(
                f"server binary {self.binary} not found: build it or set VIGIL_SERVER")
        for _ in range(PORT_ATTEMPTS):
            self.port = free_port()
            self._spawn()
            if self._await_ready():
                _live_servers.append(self)
                return self
            if "already in use" not in self.log_tail():
                break
        log = self.log_tail()
        self._remove_dir()
        raise ServerStartError(
            f"{self.binary} did not start (exit {self.proc.returncode}); log:\n{log}")

    def _spawn(self):
        self.log_path.unlink(missing_ok=True)
        with open(self.stdio_path, "wb") as stdio:
            self.proc = subprocess.Popen(
                self.argv(self.port), stdin=subprocess.DEVNULL, stdout=stdio,
                stderr=subprocess.STDOUT, cwd=self.dir)

    def _await_ready(self):
        """True once the server answers; False (process reaped) if it died or hung."""
        def ready_or_dead():
            if self.proc.poll() is not None:
                return "dead"
            return "ready" if self._answers() else None
        try:
            state = wait_until(ready_or_dead, START_TIMEOUT, message="server start")
        except TimeoutError:
            state = "hung"
        if state == "ready":
            return True
        self._kill_and_reap()
        return False

    def _answers(self):
        """Any RESP reply to PING (PONG, NOAUTH, LOADING) means the loop is up."""
        try:
            with socket.create_connection((self.host, self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(1)[:1] in (b"+", b"-")
        except OSError:
            return False

    def stop(self):
        """SIGTERM, SIGKILL after a deadline; always reap and clean up."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._kill_and_reap()
        self.final_log = self.log_tail()
        if self in _live_servers:
            _live_servers.remove(self)
            _stopped_servers.append(self)
        self._remove_dir()

    def _kill_and_reap(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def _remove_dir(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def wait_exit(self, timeout=STOP_TIMEOUT):
        """Wait for the process to exit by itself; returns its exit code."""
        return self.proc.wait(timeout)

    # -- introspection -----------------------------------------------------

    def log_tail(self, n=LOG_TAIL_LINES):
        """Last n lines of stdout/stderr and of the log file."""
        if self.final_log is not None:
            return self.final_log
        parts = [tail_lines(self.stdio_path, n), tail_lines(self.log_path, n)]
        return "\n".join(p for p in parts if p)

    def log_text(self):
        """The whole log file (empty if not written yet)."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def describe(self):
        return f"{os.path.basename(self.binary)} on {self.host}:{self.port}"

    # -- clients -----------------------------------------------------------

    def client(self, **kwargs):
        """A redis-py client returning bytes."""
        kwargs.setdefault("socket_timeout", 30)
        return redis.Redis(host=self.host, port=self.port, decode_responses=False,
                           **kwargs)

    def raw(self, timeout=10.0):
        return RawConn(self.host, self.port, timeout=timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def take_servers_for_report():
    """Servers whose logs belong to the current test report: the live ones and
    those stopped since the last call."""
    stopped = list(_stopped_servers)
    _stopped_servers.clear()
    return list(_live_servers) + stopped


def stop_all():
    """Last-resort cleanup at session end."""
    for srv in list(_live_servers):
        srv.stop()


# -- RESP ------------------------------------------------------------------

def encode_command(*args):
    """RESP multibulk for one command; str args are UTF-8 encoded."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, str):
            arg = arg.encode()
        elif isinstance(arg, int):
            arg = str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(out)


_LINE_TYPES = b"+-:_,#("
_BLOB_TYPES = b"$!="
_AGGREGATE_TYPES = b"*~>"
_PAIR_TYPES = b"%|"


def reply_end(buf, pos=0):
    """Index just past the complete RESP2/RESP3 reply at pos, None if incomplete."""
    nl = buf.find(b"\r\n", pos)
    if nl < 0:
        return None
    kind = buf[pos]
    head = buf[pos + 1:nl]
    after = nl + 2
    if kind in _LINE_TYPES:
        return after
    count = int(head)
    if kind in _BLOB_TYPES:
        if count < 0:
            return after
        end = after + count + 2
        return end if len(buf) >= end else None
    if kind in _AGGREGATE_TYPES or kind in _PAIR_TYPES:
        items = count * 2 if kind in _PAIR_TYPES else max(count, 0)
        for _ in range(items):
            after = reply_end(buf, after)
            if after is None:
                return None
        # An attribute map is followed by the reply it annotates.
        return reply_end(buf, after) if kind == ord("|") else after
    raise ValueError(f"not a RESP reply: {bytes(buf[pos:pos + 40])!r}")


class ConnectionClosed(Exception):
    """The peer closed the connection before a full reply arrived."""


class RawConn:
    """A plain socket speaking RESP; replies are returned as exact bytes."""

    def __init__(self, host="127.0.0.1", port=None, unix_path=None, timeout=10.0):
        if unix_path is not None:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(unix_path)
        else:
            self.sock = socket.create_connection((host, port), timeout=timeout)
        self.timeout = timeout
        self.buf = bytearray()

    def send(self, data):
        self.sock.sendall(data)

    def command(self, *args):
        """Send one command as multibulk and return its reply bytes."""
        self.send(encode_command(*args))
        return self.read_reply()

    def _fill(self, deadline):
        """Read more bytes; ConnectionClosed on EOF, TimeoutError past deadline."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no complete reply before the deadline")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(1 << 20)
        except socket.timeout:
            raise TimeoutError("no complete reply before the deadline") from None
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            raise ConnectionClosed(bytes(self.buf))
        self.buf += chunk

    def read_reply(self, timeout=None):
        """Bytes of exactly one reply."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            end = reply_end(self.buf) if self.buf else None
            if end is not None:
                reply = bytes(self.buf[:end])
                del self.buf[:end]
                return reply
            self._fill(deadline)

    def read_replies(self, count, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        return [self.read_reply(max(deadline - time.monotonic(), 0.001))
                for _ in range(count)]

    def try_read_reply(self, timeout):
        """A reply if one arrives within timeout, else None."""
        try:
            return self.read_reply(timeout)
        except TimeoutError:
            return None

    def read_until_closed(self, timeout=None):
        """All bytes until the server closes; TimeoutError if it never does."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                self._fill(deadline)
            except ConnectionClosed:
                data = bytes(self.buf)
                self.buf.clear()
                return data

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# -- redis-cli quoting -------------------------------------------------------

_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b",
            ord("a"): b"\a"}
_HEX = b"0123456789abcdefABCDEF"


def _parse_double_quoted(line, i):
    """Parse a "..." token starting after the quote; returns (bytes, next index)."""
    out = bytearray()
    while i < len(line):
        c = line[i]
        if c == ord("\\") and i + 3 < len(line) and line[i + 1] == ord("x") \
                and line[i + 2] in _HEX and line[i + 3] in _HEX:
            out.append(int(line[i + 2:i + 4], 16))
            i += 4
        elif c == ord("\\") and i + 1 < len(line):
            out += _ESCAPES.get(line[i + 1], bytes([line[i + 1]]))
            i += 2
        elif c == ord('"'):
            return bytes(out), i + 1
        else:
            out.append(c)
            i += 1
    raise ValueError("unbalanced quotes")


def _parse_single_quoted(line, i):
    """Parse a '...' token starting after the quote; only \\' is an escape."""
    out = bytearray()
    while i < len(line):
        if line[i] == ord("\\") and i + 1 < len(line) and line[i + 1] == ord("'"):
            out.append(ord("'"))
            i += 2
        elif line[i] == ord("'"):
            return bytes(out), i + 1
        else:
            out.append(line[i])
            i += 1
    raise ValueError("unbalanced quotes")


def split_args(text):
    """Split one line the way redis-cli does: spaces separate, "..." takes
    \\n \\t \\xHH escapes, '...' is literal; a closing quote must end the token."""
    line = text.encode() if isinstance(text, str) else text
    args = []
    i = 0
    while True:
        while i < len(line) and line[i:i + 1].isspace():
            i += 1
        if i >= len(line):
            return args
        token = bytearray()
        while i < len(line) and not line[i:i + 1].isspace():
            quote = line[i]
            if quote in (ord('"'), ord("'")):
                parse = _parse_double_quoted if quote == ord('"') else _parse_single_quoted
                part, i = parse(line, i + 1)
                token += part
                if i < len(line) and not line[i:i + 1].isspace():
                    raise ValueError("closing quote must be followed by a space")
            else:
                token.append(quote)
                i += 1
        args.append(bytes(token))
