"""Process helpers for the sentinel integration tests.

A SentinelGroup is one primary and N replicas (vigil-server, or Debian's
redis-server with data="redis") plus
sentinels, each either vigil-sentinel ($VIGIL_SENTINEL, else the repo's
bin/vigil-sentinel) or Debian's redis-sentinel, all on free loopback ports
in one temp directory.  Everything started is stopped at teardown, even
when a test stopped a process with SIGSTOP.  Tests wait only through
wait_until (a predicate polled against a deadline).
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import redis

from harness import free_port, wait_until

REPO = Path(__file__).resolve().parents[2]
REDIS_SERVER = "/usr/bin/redis-server"
REDIS_SENTINEL = "/usr/bin/redis-sentinel"
START_TIMEOUT = 10.0


def vigil_server_binary():
    return os.environ.get("VIGIL_SERVER", str(REPO / "bin" / "vigil-server"))


# The data nodes' server: "vigil" (vigil-server, the default) or "redis"
# (Debian's redis-server), so every scenario can run on both.
DATA_SERVERS = {"vigil": vigil_server_binary, "redis": lambda: REDIS_SERVER}


def vigil_sentinel_binary():
    return os.environ.get("VIGIL_SENTINEL", str(REPO / "bin" / "vigil-sentinel"))


class Proc:
    """One child process with a port, a log file and a client."""

    def __init__(self, name, port, argv, log, cwd, password=None):
        self.name, self.port, self.log = name, port, log
        self.argv, self.cwd = argv, cwd
        self.password = password
        self.popen = None

    def start(self):
        self.popen = subprocess.Popen(self.argv, cwd=self.cwd, stdout=subprocess.DEVNULL,
                                      stderr=open(self.log + ".stderr", "wb"))
        wait_until(self.answers, START_TIMEOUT, 0.02, f"{self.name} to answer PING")
        return self

    def client(self, **kw):
        kw.setdefault("password", self.password)
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2,
                           decode_responses=True, **kw)

    def answers(self):
        if self.popen.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.popen.returncode}:\n" +
                               self.log_tail())
        try:
            return self.client().ping()
        except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError):
            return False

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def kill9(self):
        if self.alive():
            self.popen.send_signal(signal.SIGCONT)
            self.popen.kill()
            self.popen.wait(5)

    def pause(self):
        self.popen.send_signal(signal.SIGSTOP)

    def resume(self):
        self.popen.send_signal(signal.SIGCONT)

    def stop(self):
        if not self.alive():
            return
        self.popen.send_signal(signal.SIGCONT)
        self.popen.terminate()
        try:
            self.popen.wait(5)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)

    def log_tail(self, n=60):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""


class SentinelGroup:
    """1 primary + replicas + sentinels on loopback, in a temp directory."""

    def __init__(self, kinds=("vigil", "vigil", "vigil"), replicas=2, quorum=2,
                 down_after=1000, failover_timeout=6000, replica_priorities=None,
                 master_name="mymaster", server_conf="", server_password=None,
                 sentinel_extra="", sentinel_password=None, data="vigil"):
        """server_conf and sentinel_extra are lines appended to every data
        node's and every sentinel's config; the passwords are what the
        test's clients authenticate with."""
        self.dir = tempfile.mkdtemp(prefix="vigil-sentinel-")
        self.kinds, self.quorum = list(kinds), quorum
        self.data = data
        self.down_after, self.failover_timeout = down_after, failover_timeout
        self.nreplicas = replicas
        self.priorities = replica_priorities or [100] * replicas
        self.name = master_name
        self.servers, self.sentinels = [], []
        self.server_conf, self.server_password = server_conf, server_password
        self.sentinel_extra, self.sentinel_password = sentinel_extra, sentinel_password

    # -- data nodes ------------------------------------------------------
    def _server(self, idx, port, replicaof=None, priority=100):
        d = os.path.join(self.dir, f"redis-{port}")
        os.makedirs(d, exist_ok=True)
        conf = os.path.join(d, "redis.conf")
        with open(conf, "w") as f:
            f.write(f"port {port}\nbind 127.0.0.1\nsave \"\"\nappendonly no\n"
                    f"dir {d}\nlogfile {d}/redis.log\nreplica-priority {priority}\n"
                    "repl-diskless-sync-delay 0\n" + self.server_conf)
            if replicaof:
                f.write(f"replicaof 127.0.0.1 {replicaof}\n")
        return Proc(f"{self.data}-server:{port}", port, [DATA_SERVERS[self.data](), conf],
                    f"{d}/redis.log", d, self.server_password)

    def restart_server(self, proc):
        """Starts a stopped data node again with its own (rewritten) config."""
        proc.start()
        return proc

    # -- sentinels -------------------------------------------------------
    def sentinel_conf(self, port, master_port):
        return (f"port {port}\nbind 127.0.0.1\ndir {self.dir}\n"
                f"logfile {self.dir}/sentinel-{port}.log\n"
                f"sentinel monitor {self.name} 127.0.0.1 {master_port} {self.quorum}\n"
                f"sentinel down-after-milliseconds {self.name} {self.down_after}\n"
                f"sentinel failover-timeout {self.name} {self.failover_timeout}\n" +
                self.sentinel_extra)

    def _sentinel(self, kind, port, master_port):
        conf = os.path.join(self.dir, f"sentinel-{port}.conf")
        if not os.path.exists(conf):
            with open(conf, "w") as f:
                f.write(self.sentinel_conf(port, master_port))
        binary = vigil_sentinel_binary() if kind == "vigil" else REDIS_SENTINEL
        p = Proc(f"{kind}-sentinel:{port}", port, [binary, conf],
                 f"{self.dir}/sentinel-{port}.log", self.dir, self.sentinel_password)
        p.kind, p.conf = kind, conf
        return p

    def start(self):
        mport = free_port()
        self.master = self._server(0, mport).start()
        self.servers.append(self.master)
        for i in range(self.nreplicas):
            s = self._server(i + 1, free_port(), mport, self.priorities[i]).start()
            self.servers.append(s)
        self.replicas = self.servers[1:]
        wait_until(lambda: self._replicas_linked(), 10, 0.05, "replicas to sync")
        for kind in self.kinds:
            self.sentinels.append(self._sentinel(kind, free_port(), mport).start())
        return self

    def _replicas_linked(self):
        info = self.master.client().info("replication")
        return info.get("connected_slaves") == self.nreplicas

    def restart_sentinel(self, s):
        s.start()
        return s

    def stop(self):
        for p in self.sentinels + self.servers:
            p.stop()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def logs(self):
        out = []
        for p in self.sentinels + self.servers:
            out.append(f"==== {p.name}\n{p.log_tail()}")
        return "\n".join(out)

    # -- queries ---------------------------------------------------------
    def live_sentinels(self):
        return [s for s in self.sentinels if s.alive()]

    def addr_from(self, s):
        try:
            a = s.client().sentinel_get_master_addr_by_name(self.name)
        except (redis.ConnectionError, redis.TimeoutError):
            return None
        return (a[0], int(a[1])) if a else None

    def agreed_master(self, sentinels=None):
        """The address every given sentinel reports, or None if they differ."""
        addrs = {self.addr_from(s) for s in (sentinels or self.live_sentinels())}
        return addrs.pop() if len(addrs) == 1 else None

    def server_at(self, port):
        return next(p for p in self.servers if p.port == port)

    def wait_discovery(self, timeout=15):
        n = len(self.sentinels)

        def done():
            for s in self.sentinels:
                c = s.client()
                m = c.sentinel_master(self.name)
                if m["num-slaves"] != self.nreplicas or m["num-other-sentinels"] != n - 1:
                    return False
            return True

        wait_until(done, timeout, 0.05, "replicas and sentinels discovered by all")

    def wait_failover(self, old_port, timeout=30):
        def moved():
            a = self.agreed_master()
            return a if a and a[1] != old_port else None

        return wait_until(moved, timeout, 0.05, "all sentinels to agree on a new primary")


def role(proc):
    try:
        return proc.client().info("replication")
    except (redis.ConnectionError, redis.TimeoutError):
        return None


def wait_replicating_to(proc, port, timeout=30):
    def ok():
        info = role(proc)
        return info and info.get("role") == "slave" and info.get("master_port") == port and \
            info.get("master_link_status") == "up"

    wait_until(ok, timeout, 0.05, f"{proc.name} to replicate from {port}")


def count_events(sentinel_proc, event):
    """Lines of the sentinel's log that carry the event name."""
    try:
        with open(sentinel_proc.log, errors="replace") as f:
            return sum(1 for line in f if f" {event} " in line)
    except OSError:
        return 0


def now():
    return time.monotonic()
