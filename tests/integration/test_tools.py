"""Debian's client tools against the server under test: redis-cli as a
one-shot command, fed from a pipe, and in --pipe mass-insert mode, and
redis-benchmark."""

import re
import subprocess

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
