"""Self-tests of harness.py: port-race retry, start failures that show the
log, deadline waits, and the RESP framing the raw tests rely on."""

import os
import socket

import pytest

import harness


def test_start_retries_when_port_is_taken(monkeypatch):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        ports = iter([taken])
        real_free_port = harness.free_port
        monkeypatch.setattr(harness, "free_port", lambda: next(ports, None) or real_free_port())
        with harness.ServerProcess() as srv:
            assert srv.port != taken
            assert srv.client().ping()


def test_start_failure_reports_the_log():
    srv = harness.ServerProcess(config={"no-such-directive": "1"})
    with pytest.raises(harness.ServerStartError, match="Bad directive"):
        srv.start()
    assert not srv.dir.exists()


def test_stop_reaps_and_reports_exit(server_factory):
    srv = server_factory()
    pid = srv.proc.pid
    srv.stop()
    assert srv.proc.returncode is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_wait_until_returns_value_or_times_out():
    assert harness.wait_until(lambda: 42, 1) == 42
    with pytest.raises(TimeoutError, match="never"):
        harness.wait_until(lambda: False, 0.05, message="never")


@pytest.mark.parametrize("data, end", [
    (b"+OK\r\n", 5), (b"$3\r\nabc\r\n", 9), (b"$3\r\nab", None), (b"$-1\r\n", 5),
    (b"*2\r\n:1\r\n", None), (b"*2\r\n:1\r\n$-1\r\n", 13), (b"*-1\r\n", 5),
    (b"%1\r\n+a\r\n:1\r\n", 12), (b"|1\r\n+k\r\n+v\r\n:5\r\n", 16), (b":1", None),
])
def test_reply_end(data, end):
    assert harness.reply_end(data) == end


def test_encode_command():
    assert harness.encode_command("SET", b"k", 5) == b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n5\r\n"
