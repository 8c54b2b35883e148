"""Driving the docker compose HA group (compose/docker-compose.yml) from the host.

ComposeGroup runs compose/compose.sh under its own project name and /24 (so it never touches a
group a user started by hand), knows each node's fixed address, and talks to the nodes with
redis-py straight over the compose network: the host routes to a user-defined bridge's
container addresses. Faults are plain docker commands (kill, pause, network disconnect).
Every wait is a predicate polled against a deadline (wait_until); nothing sleeps and hopes.
"""

import os
import subprocess
import time
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parents[2]
COMPOSE = str(REPO / "compose" / "compose.sh")
MASTER_NAME = "mymaster"
DATA_PORT = 6379
SENTINEL_PORT = 26379
DATA_NODES = {"primary": 10, "replica1": 11, "replica2": 12}
SENTINELS = {"sentinel1": 21, "sentinel2": 22, "sentinel3": 23}


def wait_until(predicate, timeout, what, interval=0.2):
    """Poll predicate until it returns a true value; fail with `what` and the last
    value or exception seen when the deadline passes."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = predicate()
            if value:
                return value
            last = value
        except (redis.RedisError, OSError, KeyError, ValueError) as e:
            last = e
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")
        time.sleep(interval)


def as_dict(reply):
    """SENTINEL MASTER / REPLICAS entries come as flat name, value lists."""
    if isinstance(reply, dict):
        return reply
    return dict(zip(reply[::2], reply[1::2]))


class ComposeGroup:
    """One compose project: 3 data nodes, 3 sentinels, one network."""

    def __init__(self, project, net_prefix, env=None):
        self.project = project
        self.net_prefix = net_prefix
        self.env = dict(os.environ, COMPOSE_PROJECT_NAME=project, VIGIL_NET_PREFIX=net_prefix,
                        **(env or {}))
        self.network = f"{project}_vigil"

    # ---- compose and docker ----

    def run(self, argv, check):
        """Run a command; a failure that matters shows the command and what it said."""
        done = subprocess.run(argv, env=self.env, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} exited with {done.returncode}:\n"
                                 f"{done.stdout}{done.stderr}")
        return done

    def compose(self, *args, check=True):
        return self.run([COMPOSE, *args], check)

    def docker(self, *args, check=True):
        return self.run(["docker", *args], check)

    def up(self):
        self.compose("up", "-d", "--no-build")

    def down(self):
        self.compose("down", "-v", "--remove-orphans", "-t", "2", check=False)

    def container(self, service):
        out = self.compose("ps", "-q", service).stdout.split()
        if not out:
            raise AssertionError(f"no container for service {service}")
        return out[0]

    def logs(self, tail=40):
        return self.compose("logs", "--no-color", "--tail", str(tail), check=False).stdout

    def kill(self, service):
        self.docker("kill", self.container(service))

    def start(self, service):
        self.docker("start", self.container(service))

    def pause(self, service):
        self.docker("pause", self.container(service))

    def unpause(self, service):
        self.docker("unpause", self.container(service))

    def disconnect(self, service):
        self.docker("network", "disconnect", self.network, self.container(service))

    def connect(self, service):
        # The same address again: the sentinels and replicas know the node by it.
        self.docker("network", "connect", "--ip", self.ip(service), self.network,
                    self.container(service))

    # ---- addresses and clients ----

    def ip(self, service):
        host = DATA_NODES.get(service) or SENTINELS[service]
        return f"{self.net_prefix}.{host}"

    def service_at(self, ip):
        for service in DATA_NODES:
            if self.ip(service) == ip:
                return service
        raise ValueError(f"{ip} is not a data node of the group")

    def data(self, service):
        return redis.Redis(host=self.ip(service), port=DATA_PORT, socket_timeout=2,
                           socket_connect_timeout=2, decode_responses=True)

    def sentinel(self, service):
        return redis.Redis(host=self.ip(service), port=SENTINEL_PORT, socket_timeout=2,
                           socket_connect_timeout=2, decode_responses=True)

    def sentinel_addrs(self):
        return [(self.ip(s), SENTINEL_PORT) for s in SENTINELS]

    # ---- what the group believes ----

    def primary_by_sentinel(self, sentinel):
        host, port = self.sentinel(sentinel).execute_command(
            "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)
        return host, int(port)

    def agreed_primary(self):
        """The service every sentinel names as primary, or None while they differ."""
        answers = {self.primary_by_sentinel(s) for s in SENTINELS}
        if len(answers) != 1:
            return None
        host, port = answers.pop()
        return self.service_at(host) if port == DATA_PORT else None

    def sentinel_master(self, sentinel):
        return as_dict(self.sentinel(sentinel).execute_command("SENTINEL", "MASTER", MASTER_NAME))

    def sentinel_replicas(self, sentinel):
        reply = self.sentinel(sentinel).execute_command("SENTINEL", "REPLICAS", MASTER_NAME)
        return [as_dict(r) for r in reply]

    def replication(self, service):
        return self.data(service).info("replication")

    def follows(self, replica, primary):
        """The replica's link to primary is up."""
        info = self.replication(replica)
        return (info["role"] == "slave" and info["master_host"] == self.ip(primary)
                and info["master_link_status"] == "up")

    def sentinels_settled(self, primary):
        """Every sentinel names primary, sees the two others and both replicas healthy."""
        replicas = {self.ip(s) for s in DATA_NODES if s != primary}
        for s in SENTINELS:
            if self.primary_by_sentinel(s) != (self.ip(primary), DATA_PORT):
                return False
            master = self.sentinel_master(s)
            if int(master["num-other-sentinels"]) != 2 or "s_down" in master["flags"]:
                return False
            healthy = {r["ip"] for r in self.sentinel_replicas(s)
                       if "s_down" not in r["flags"] and "disconnected" not in r["flags"]
                       and r.get("master-link-status") == "ok"}
            if healthy != replicas:
                return False
        return True

    def healthy(self, primary):
        """primary is the only primary, both others replicate from it, sentinels agree."""
        if self.replication(primary)["role"] != "master":
            return False
        others = [s for s in DATA_NODES if s != primary]
        return all(self.follows(r, primary) for r in others) and self.sentinels_settled(primary)

    def config_epochs(self):
        return {s: int(self.sentinel_master(s)["config-epoch"]) for s in SENTINELS}
