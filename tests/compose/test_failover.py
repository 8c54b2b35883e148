"""Failover of the compose HA group: the primary is killed, paused, cut off the network.

Each scenario starts from whatever node is primary now (the tests run on one group, in turn),
and checks the same things: the three sentinels agree on one new primary and one config
epoch, the remaining replica follows it, a client that asks the sentinels where the primary is
can write there, every write that both replicas acknowledged (WAIT 2) before the fault is
still there, and once the fault is healed the old primary comes back as a replica of the new
one and gets the writes made meanwhile.
"""

import threading

import redis
from redis.sentinel import Sentinel

from group import DATA_NODES, MASTER_NAME, SENTINELS, wait_until

FAILOVER_TIMEOUT = 40
REJOIN_TIMEOUT = 90
REPLICATE_TIMEOUT = 10


class AckedWriter(threading.Thread):
    """Writes numbered keys to one node until it fails, keeping the keys that both replicas
    acknowledged: those are the writes a failover must not lose."""

    def __init__(self, client, prefix):
        super().__init__(daemon=True)
        self.client, self.prefix = client, prefix
        self.acked = []
        self.halt = threading.Event()

    def run(self):
        i = 0
        while not self.halt.is_set():
            key = f"{self.prefix}:{i}"
            try:
                self.client.set(key, i)
                if self.client.execute_command("WAIT", 2, 1000) == 2:
                    self.acked.append(key)
            except redis.RedisError:
                return
            i += 1

    def finish(self):
        self.halt.set()
        self.join(10)
        assert not self.is_alive(), "the writer did not stop"
        return self.acked


def current_primary(group):
    primary = wait_until(group.agreed_primary, 30, "the sentinels to agree on a primary")
    wait_until(lambda: group.healthy(primary), REJOIN_TIMEOUT, f"{primary} to lead a healthy group")
    return primary


def new_primary(group, old):
    """The node every sentinel names, once it is not old and calls itself master."""
    agreed = group.agreed_primary()
    if agreed in (None, old) or group.replication(agreed)["role"] != "master":
        return None
    return agreed


def agreed_epoch(group):
    """The config epoch every sentinel holds for the primary, or None while they differ."""
    epochs = set(group.config_epochs().values())
    return epochs.pop() if len(epochs) == 1 else None


def fail_over(group, fault, heal, name):
    old = current_primary(group)
    epoch_before = max(group.config_epochs().values())
    writer = AckedWriter(group.data(old), f"{name}:acked")
    writer.start()
    wait_until(lambda: len(writer.acked) >= 20, REPLICATE_TIMEOUT, "20 acknowledged writes")

    fault(old)
    try:
        acked = writer.finish()
        new = wait_until(lambda: new_primary(group, old), FAILOVER_TIMEOUT,
                         f"the sentinels to agree on a new primary after {name} of {old}")
        epoch = wait_until(lambda: agreed_epoch(group), FAILOVER_TIMEOUT,
                           "one config epoch on every sentinel")
        assert epoch > epoch_before

        (other,) = set(DATA_NODES) - {old, new}
        wait_until(lambda: group.follows(other, new), FAILOVER_TIMEOUT, f"{other} to follow {new}")

        client = Sentinel(group.sentinel_addrs(), socket_timeout=2).master_for(
            MASTER_NAME, socket_timeout=2, decode_responses=True)
        client.set(f"{name}:after", new)
        assert client.execute_command("ROLE")[0] == "master"
        got = client.mget(acked)
        lost = [k for k, v in zip(acked, got) if v is None]
        assert not lost, f"{len(lost)} of {len(acked)} acknowledged writes lost: {lost[:5]}"
    finally:
        heal(old)

    wait_until(lambda: group.healthy(new), REJOIN_TIMEOUT,
               f"{old} to rejoin as a replica of {new}")
    wait_until(lambda: group.data(old).get(f"{name}:after") == new, REPLICATE_TIMEOUT,
               f"{old} to receive the write made after the failover")


def test_group_comes_up(group):
    primary = current_primary(group)
    assert primary == "primary"
    for s in SENTINELS:
        master = group.sentinel_master(s)
        assert int(master["num-other-sentinels"]) == 2
        assert int(master["num-slaves"]) == 2
        assert "master" in master["flags"]
    group.data(primary).set("up:probe", "1")
    for replica in set(DATA_NODES) - {primary}:
        wait_until(lambda: group.data(replica).get("up:probe") == "1", REPLICATE_TIMEOUT,
                   f"{replica} to receive a write")


def test_kill_primary_then_restart(group):
    fail_over(group, group.kill, group.start, "kill")


def test_pause_primary(group):
    fail_over(group, group.pause, group.unpause, "pause")


def test_disconnect_primary(group):
    fail_over(group, group.disconnect, group.connect, "disconnect")
