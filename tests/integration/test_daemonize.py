"""daemonize yes and pidfile, for both daemons (common/proc.c): the command
we start returns at once, the daemon keeps serving in a new session, and
the pid file names it.  Run against redis-server too, the server half holds
for Redis."""

import os
import signal
import subprocess

import pytest
import redis

from harness import free_port, server_binary, wait_until
from sentinel_harness import vigil_sentinel_binary


def read_pid(path):
    try:
        with open(path) as f:
            text = f.read()
    except FileNotFoundError:
        return None
    return int(text) if text.endswith("\n") and text.strip().isdigit() else None


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def answers(port):
    try:
        return redis.Redis(port=port, socket_timeout=1).ping()
    except redis.ConnectionError:
        return False


def start_daemon(argv, pidfile, port):
    """Runs argv, which must exit promptly (the parent of the fork), then
    waits for the daemon's pid file and its first PONG."""
    launcher = subprocess.run(argv, timeout=10, capture_output=True)
    assert launcher.returncode == 0, launcher.stderr
    pid = wait_until(lambda: read_pid(pidfile), message="the pid file")
    wait_until(lambda: answers(port), message="the daemon to answer")
    return pid


def stop_daemon(pid):
    if alive(pid):
        os.kill(pid, signal.SIGTERM)
        wait_until(lambda: not alive(pid), message="the daemon to exit")


@pytest.fixture
def daemons():
    pids = []
    yield pids
    for pid in pids:
        try:
            stop_daemon(pid)
        except TimeoutError:
            os.kill(pid, signal.SIGKILL)


def test_server_daemonizes_and_writes_its_pid(tmp_path, daemons):
    port = free_port()
    pidfile = tmp_path / "server.pid"
    argv = [server_binary(), "--port", str(port), "--daemonize", "yes",
            "--pidfile", str(pidfile), "--logfile", str(tmp_path / "log"),
            "--dir", str(tmp_path), "--save", ""]
    pid = start_daemon(argv, pidfile, port)
    daemons.append(pid)
    assert redis.Redis(port=port).info("server")["process_id"] == pid
    assert os.getsid(pid) == pid
    stop_daemon(pid)


@pytest.mark.vigil_only
def test_sentinel_daemonizes_and_writes_its_pid(tmp_path, daemons):
    port = free_port()
    pidfile = tmp_path / "sentinel.pid"
    conf = tmp_path / "sentinel.conf"
    conf.write_text(f"port {port}\ndaemonize yes\npidfile {pidfile}\n"
                    f"logfile {tmp_path / 'log'}\ndir {tmp_path}\n")
    pid = start_daemon([vigil_sentinel_binary(), str(conf)], pidfile, port)
    daemons.append(pid)
    assert redis.Redis(port=port).info("server")["process_id"] == pid
    assert os.getsid(pid) == pid
    stop_daemon(pid)
