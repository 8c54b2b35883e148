"""SENTINEL subcommands and INFO, differentially: the same commands go to a
redis-sentinel 7.0 and a vigil-sentinel watching the same primary, and the
replies (or error texts) must be the same.  Values that depend on time or
identity are compared by shape only."""

import pytest
import redis

from harness import wait_until
from sentinel_harness import SentinelGroup

# Run in order on both sentinels; each reply must be identical.
SAME_REPLY = [
    "SENTINEL CKQUORUM mymaster",
    "SENTINEL CONFIG GET *",
    "SENTINEL CONFIG SET resolve-hostnames maybe",
    "SENTINEL CONFIG SET foo bar",
    "SENTINEL CONFIG SET announce-port abc",
    "SENTINEL CONFIG SET announce-port 70000",
    "SENTINEL CONFIG SET announce-ip a b",
    "SENTINEL CONFIG FOO",
    "SENTINEL CONFIG GET",
    "SENTINEL CONFIG SET announce-hostnames YES",
    "SENTINEL CONFIG GET announce-*",
    "SENTINEL CONFIG SET announce-hostnames no",
    "SENTINEL CONFIG SET sentinel-user bob",
    "SENTINEL CONFIG GET SENTINEL-USER",
    "SENTINEL CONFIG SET sentinel-user ''",
    "SENTINEL CONFIG GET sentinel-*",
    "SENTINEL DEBUG",
    "SENTINEL DEBUG foo 1",
    "SENTINEL DEBUG info-period abc",
    "SENTINEL DEBUG info-period -5",
    "SENTINEL DEBUG info-period",
    "SENTINEL CKQUORUM nope",
    "SENTINEL FLUSHCONFIG",
    "SENTINEL FLUSHCONFIG x",
    "SENTINEL HELP",
    "SENTINEL MONITOR m2 127.0.0.1 abc 2",
    "SENTINEL MONITOR m2 127.0.0.1 6379 0",
    "SENTINEL MONITOR m2 127.0.0.1 6379 abc",
    "SENTINEL MONITOR m2 127.0.0.1 70000 1",
    "SENTINEL MONITOR m2 not_a_host 6379 1",
    "SENTINEL MONITOR mymaster 127.0.0.1 6379 1",
    "SENTINEL MONITOR m2 127.0.0.1 1 1",
    "SENTINEL MONITOR m2 127.0.0.1 1 1",
    "SENTINEL SET m2 quorum 0",
    "SENTINEL SET m2 quorum abc",
    "SENTINEL SET m2 quorum 3",
    "SENTINEL SET m2 down-after-milliseconds 0",
    "SENTINEL SET m2 down-after-milliseconds 5000 failover-timeout 1000",
    "SENTINEL SET m2 failover-timeout -1",
    "SENTINEL SET m2 parallel-syncs 0",
    "SENTINEL SET m2 parallel-syncs 5",
    "SENTINEL SET m2 auth-pass secret",
    "SENTINEL SET m2 auth-user bob",
    "SENTINEL SET m2 auth-pass ''",
    "SENTINEL SET m2 master-reboot-down-after-period 10",
    "SENTINEL SET m2 master-reboot-down-after-period -1",
    "SENTINEL SET m2 notification-script /bin/true",
    "SENTINEL SET m2 client-reconfig-script /bin/true",
    "SENTINEL SET m2 rename-command GET",
    "SENTINEL SET m2 rename-command GET G2 quorum 2",
    "SENTINEL SET m2 rename-command GET ''",
    "SENTINEL SET m2 foo bar",
    "SENTINEL SET m2 quorum",
    "SENTINEL SET m2 quorum 2 parallel-syncs",
    "SENTINEL SET nope quorum 2",
    "SENTINEL INFO-CACHE nope",
    "SENTINEL INFO-CACHE",
    "SENTINEL REMOVE nope",
    "SENTINEL REMOVE m2",
    "SENTINEL REMOVE m2",
    "SENTINEL RESET nope*",
    "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 $MP 0 *",
    "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 abc 0 *",
    "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 $MP abc *",
    "SENTINEL IS-MASTER-DOWN-BY-ADDR 1.1.1.1 $MP 0 *",
    "SENTINEL PENDING-SCRIPTS",
    "SENTINEL SIMULATE-FAILURE foo",
    "SENTINEL SIMULATE-FAILURE help",
    "SENTINEL SIMULATE-FAILURE",
    "SENTINEL SIMULATE-FAILURE crash-after-election foo",
    "SENTINEL GET-MASTER-ADDR-BY-NAME nope",
    "SENTINEL GET-MASTER-ADDR-BY-NAME mymaster",
    "SENTINEL SLAVES nope",
    "SENTINEL SENTINELS nope",
    "SENTINEL FAILOVER nope",
    "SENTINEL FAILOVER mymaster",
    "SENTINEL MASTERS x",
    "SENTINEL MYID x",
    "SENTINEL",
    "SENTINEL FOO",
    "ROLE",
    "PING a b",
    "AUTH x",
    "CLIENT FOO",
    "GET x",
    "PUBLISH x y",
]


def split(cmd, mport):
    return ["" if a == "''" else a.replace("$MP", str(mport)) for a in cmd.split()]


def run(client, argv):
    try:
        return client.execute_command(*argv)
    except redis.ResponseError as e:
        return f"ERROR {e}"


@pytest.fixture(scope="module")
def pair():
    g = SentinelGroup(kinds=("redis", "vigil"), replicas=0, quorum=2).start()
    g.wait_discovery()
    clients = [s.client() for s in g.sentinels]
    for c in clients:
        wait_until(lambda c=c: str(run(c, ["SENTINEL", "CKQUORUM", "mymaster"])).startswith("OK"),
                   10, 0.05, "both sentinels linked to each other")
    yield g, clients
    g.cleanup()


def test_replies_match_redis_sentinel(pair):
    g, (ref, vig) = pair
    mismatches = []
    for cmd in SAME_REPLY:
        argv = split(cmd, g.master.port)
        want, got = run(ref, argv), run(vig, argv)
        if want != got:
            mismatches.append(f"{cmd}\n  redis: {want!r}\n  vigil: {got!r}")
    assert not mismatches, "\n".join(mismatches)


def field_names(reply):
    return reply[0::2]


def linked(c):
    s = c.execute_command("SENTINEL", "SENTINELS", "mymaster")
    return s and dict(zip(s[0][0::2], s[0][1::2]))["flags"] == "sentinel"


def test_instance_reply_fields_match(pair):
    g, (ref, vig) = pair
    # CONFIG SET sentinel-user above made both drop their sentinel links.
    for c in (ref, vig):
        wait_until(lambda c=c: linked(c), 5, 0.05, "sentinel links up again")
    for cmd in ("SENTINEL MASTER mymaster", "SENTINEL SENTINELS mymaster"):
        argv = split(cmd, g.master.port)
        want, got = run(ref, argv), run(vig, argv)
        if cmd.endswith("SENTINELS mymaster"):
            want, got = want[0], got[0]
        assert field_names(want) == field_names(got), cmd
        assert dict(zip(want[0::2], want[1::2]))["flags"] == \
            dict(zip(got[0::2], got[1::2]))["flags"]


def test_monitor_set_remove_are_saved_and_published(pair):
    g, (_, vig) = pair
    conf = g.sentinels[1].conf
    p = vig.pubsub()
    p.psubscribe("*")
    wait_until(lambda: p.get_message(timeout=0.1), 5, 0, "psubscribe confirmation")
    assert vig.execute_command("SENTINEL", "MONITOR", "m3", "127.0.0.1", "1", "2") == "OK"
    assert vig.execute_command("SENTINEL", "SET", "m3", "quorum", "1", "auth-pass", "pw",
                               "rename-command", "CONFIG", "CFG") == "OK"
    seen = []

    def got(kind, text):
        m = p.get_message(timeout=0.1)
        if m and m["type"] == "pmessage":
            seen.append((m["channel"], m["data"]))
        return any(c == kind and text in d for c, d in seen)

    wait_until(lambda: got("+monitor", "master m3 127.0.0.1 1 quorum 2"), 5, 0, "+monitor")
    wait_until(lambda: got("+set", "master m3 127.0.0.1 1 auth-pass ******"), 5, 0, "+set")
    wait_until(lambda: got("+set", "master m3 127.0.0.1 1 rename-command CONFIG CFG"), 5, 0,
               "+set rename-command")
    with open(conf) as f:
        text = f.read()
    assert "sentinel monitor m3 127.0.0.1 1 1" in text
    assert "sentinel auth-pass m3 pw" in text
    assert "sentinel rename-command m3 CONFIG CFG" in text
    m = dict(zip(*[iter(vig.execute_command("SENTINEL", "MASTER", "m3"))] * 2))
    assert m["quorum"] == "1"
    assert vig.execute_command("SENTINEL", "REMOVE", "m3") == "OK"
    wait_until(lambda: got("-monitor", "master m3 127.0.0.1 1"), 5, 0, "-monitor")
    with open(conf) as f:
        assert "m3" not in f.read()
    p.close()


def test_reset_forgets_and_rediscovers(pair):
    g, (_, vig) = pair
    assert vig.execute_command("SENTINEL", "RESET", "my*") == 1
    m = dict(zip(*[iter(vig.execute_command("SENTINEL", "MASTER", "mymaster"))] * 2))
    assert m["num-other-sentinels"] == "0"
    # The other sentinel's hellos bring it back.
    wait_until(lambda: len(vig.execute_command("SENTINEL", "SENTINELS", "mymaster")) == 1, 10,
               0.05, "the other sentinel rediscovered")


def test_config_set_is_saved(pair):
    g, (_, vig) = pair
    assert vig.execute_command("SENTINEL", "CONFIG", "SET", "announce-port", "4242") == "OK"
    try:
        with open(g.sentinels[1].conf) as f:
            assert "sentinel announce-port 4242" in f.read()
        assert vig.execute_command("SENTINEL", "CONFIG", "GET", "announce-port") == \
            ["announce-port", "4242"]
    finally:
        vig.execute_command("SENTINEL", "CONFIG", "SET", "announce-port", "0")


def test_info_sections_and_fields_match(pair):
    _, (ref, vig) = pair

    def layout(c, *section):
        c.set_response_callback("INFO", lambda r, **kw: r)
        text = c.execute_command("INFO", *section)
        return [line.split(":")[0] for line in text.splitlines() if line]

    for section in ((), ("all",), ("server",), ("clients",), ("stats",), ("cpu",),
                    ("sentinel",), ("server", "sentinel")):
        assert layout(ref, *section) == layout(vig, *section), section
    vig.set_response_callback("INFO", redis.Redis.RESPONSE_CALLBACKS["INFO"])
    info = vig.info("stats")
    assert info["total_commands_processed"] > 0 and info["total_net_input_bytes"] > 0
