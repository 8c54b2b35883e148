"""Debian's client tools against the server under test: redis-cli as a
one-shot command, interactive on a terminal, fed from a pipe, and in --pipe
mass-insert mode, and redis-benchmark."""

import os
import pty
import re
import select
import subprocess
import time

from harness import encode_command


def cli(server, *args, stdin=None):
    proc = subprocess.run(["redis-cli", "-h", server.host, "-p", str(server.port), *args],
                          input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=60)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def test_redis_cli_one_shot(server, r):
    assert cli(server, "SET", "tool", "hello world") == (0, "OK\n", "")
    assert cli(server, "GET", "tool") == (0, "hello world\n", "")
    assert cli(server, "INCR", "n") == (0, "1\n", "")
    assert cli(server, "GET", "absent") == (0, "\n", "")
    code, out, _ = cli(server, "INCR", "tool")
    assert out.strip() == "ERR value is not an integer or out of range"


class Terminal:
    """A program on a pseudo-terminal, as a person at a keyboard runs it."""

    def __init__(self, argv):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                     close_fds=True, env=dict(os.environ, TERM="xterm"))
        os.close(slave)
        self.screen = b""
        self.seen = 0  # what expect() has matched so far

    def type(self, line):
        os.write(self.master, line.encode() + b"\r")

    def expect(self, pattern, timeout=10):
        """Reads output until pattern (a regex over bytes) appears after
        what was matched before."""
        deadline = time.monotonic() + timeout
        while not re.compile(pattern).search(self.screen, self.seen):
            left = deadline - time.monotonic()
            assert left > 0, f"no {pattern!r} on the terminal; it shows {self.screen[-300:]!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    break
                # linenoise asks where the cursor is; a terminal answers.
                for _ in range(chunk.count(b"\x1b[6n")):
                    os.write(self.master, b"\x1b[1;1R")
                self.screen += chunk.replace(b"\x1b[6n", b"")
        self.seen = re.compile(pattern).search(self.screen, self.seen).end()
        return self.screen

    def close(self):
        self.proc.kill()
        self.proc.wait(timeout=10)
        os.close(self.master)


def test_redis_cli_interactive(server, r):
    term = Terminal(["redis-cli", "-h", server.host, "-p", str(server.port)])
    prompt = rb"%s:%d> " % (server.host.encode(), server.port)
    exchanges = [
        ("SET greeting \"hello there\"", rb"OK"),
        ("GET greeting", rb'"hello there"'),
        ("RPUSH l a b", rb"\(integer\) 2"),
        ("LRANGE l 0 -1", rb'1\) "a"\r\n2\) "b"'),
        ("INCR greeting", rb"\(error\) ERR value is not an integer or out of range"),
    ]
    try:
        # Type only at a fresh prompt: linenoise queries the terminal there.
        term.expect(prompt)
        for line, reply in exchanges:
            term.type(line)
            term.expect(reply)
            term.expect(prompt)
        term.type("SELECT 3")
        term.expect(rb"%s:%d\[3\]> " % (server.host.encode(), server.port))
        term.type("QUIT")
        assert term.proc.wait(timeout=10) == 0
    finally:
        term.close()


def test_redis_cli_reads_commands_from_stdin(server, r):
    script = b"SET a 1\nINCR a\nGET a\nLPUSH a x\nMGET a b\n"
    code, out, _ = cli(server, stdin=script)
    assert code == 0
    lines = [line for line in out.split("\n") if line]
    assert lines == ["OK", "2", "2",
                     "WRONGTYPE Operation against a key holding the wrong kind of value", "2"]


def test_redis_cli_pipe_mass_insert(server, r):
    count = 5000
    payload = b"".join(encode_command("SET", f"mass:{i}", f"value:{i}") for i in range(count))
    code, out, err = cli(server, "--pipe", stdin=payload)
    assert code == 0, err
    assert re.search(rf"errors: 0, replies: {count}\b", out), out
    assert r.dbsize() == count
    assert r.get("mass:4999") == b"value:4999"


def test_redis_cli_pipe_counts_errors(server, r):
    r.rpush("list", "x")
    payload = encode_command("SET", "ok", "1") + encode_command("INCR", "list")
    code, out, _ = cli(server, "--pipe", stdin=payload)
    assert re.search(r"errors: 1, replies: 2\b", out), out


def test_redis_benchmark(server, r):
    proc = subprocess.run(
        ["redis-benchmark", "-h", server.host, "-p", str(server.port), "-q",
         "-n", "2000", "-t", "set,get"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    out = proc.stdout.decode()
    assert proc.returncode == 0, out
    for name in ("SET", "GET"):
        # -q rewrites a progress line with \r before printing the result.
        match = re.search(rf"\b{name}: ([\d.]+) requests per second", out)
        assert match and float(match.group(1)) > 0, out
