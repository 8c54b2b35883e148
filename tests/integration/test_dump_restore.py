"""DUMP and RESTORE: options, errors, TTLs, events, and payloads exchanged
with Debian's redis-server in both directions."""

import struct
import time

import pytest
import redis

import harness
import rdb_data


def crc64(data):
    """Redis's CRC-64 (Jones polynomial, reflected), bit by bit."""
    poly = 0x95AC9329AC4BC9B5  # 0xad93d23594c935a9 reflected
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
    return crc


def payload(body, version=10):
    """A DUMP payload around an RDB type byte and value body."""
    data = body + struct.pack("<H", version)
    return data + struct.pack("<Q", crc64(data))


def test_dump_missing_key_is_nil(r):
    assert r.dump("nope") is None


def test_round_trip_every_type(r):
    rdb_data.populate(r, rdb_data.families(r))
    expected = rdb_data.snapshot(r, dbs=(0,))[0]
    for key, (t, value, _) in expected.items():
        r.restore(b"copy:" + key, 0, r.dump(key))
        assert rdb_data.read_value(r, b"copy:" + key) == (t, value)
        assert r.object("encoding", b"copy:" + key) == r.object("encoding", key)


def test_payload_footer_is_version_and_crc(r):
    r.set("k", "hello")
    data = r.dump("k")
    assert data[:1] == b"\x00"
    assert data[-10:-8] == b"\x0a\x00"
    assert struct.unpack("<Q", data[-8:])[0] == crc64(data[:-8])


def test_busykey_and_replace(r):
    r.set("src", "v1")
    r.set("dst", "old")
    data = r.dump("src")
    with pytest.raises(redis.ResponseError, match="^BUSYKEY Target key name already exists.$"):
        r.restore("dst", 0, data)
    assert r.restore("dst", 0, data, replace=True)
    assert r.get("dst") == b"v1"


def test_ttl_relative_and_absolute(r):
    r.set("src", "v")
    data = r.dump("src")
    r.restore("rel", 100000, data)
    assert 90000 < r.pttl("rel") <= 100000
    when = int(time.time() * 1000) + 200000
    r.restore("abs", when, data, absttl=True)
    assert 190000 < r.pttl("abs") <= 200000
    r.restore("none", 0, data)
    assert r.pttl("none") == -1


def test_past_absolute_ttl_creates_nothing_and_deletes_replaced(r):
    r.set("src", "v")
    data = r.dump("src")
    assert r.restore("gone", 1, data, absttl=True)
    assert r.exists("gone") == 0
    r.set("victim", "x")
    assert r.restore("victim", 1, data, absttl=True, replace=True)
    assert r.exists("victim") == 0


def test_option_errors(r):
    r.set("src", "v")
    data = r.dump("src")
    cases = [
        (("k", -1, data), "^Invalid TTL value, must be >= 0$"),
        (("k", "x", data), "^value is not an integer or out of range$"),
        (("k", 0, data, "IDLETIME", -1), "^Invalid IDLETIME value, must be >= 0$"),
        (("k", 0, data, "FREQ", 256), r"^Invalid FREQ value, must be >= 0 and <= 255$"),
        (("k", 0, data, "IDLETIME", 1, "FREQ", 1), "^syntax error$"),
        (("k", 0, data, "FREQ", 1, "IDLETIME", 1), "^syntax error$"),
        (("k", 0, data, "IDLETIME"), "^syntax error$"),
        (("k", 0, data, "BOGUS"), "^syntax error$"),
    ]
    for args, message in cases:
        with pytest.raises(redis.ResponseError, match=message):
            r.execute_command("RESTORE", *args)
    assert r.exists("k") == 0


def test_idletime_and_freq_are_applied(r):
    r.set("src", "v")
    data = r.dump("src")
    r.restore("idle", 0, data, idletime=1000)
    assert r.object("idletime", "idle") >= 1000
    r.config_set("maxmemory-policy", "allkeys-lfu")
    try:
        r.restore("hot", 0, data, frequency=200)
        assert r.object("freq", "hot") == 200
    finally:
        r.config_set("maxmemory-policy", "noeviction")


def test_bad_payloads(r):
    r.hset("h", mapping={"a": "1", "b": "2"})
    good = r.dump("h")
    flipped = bytearray(good)
    flipped[4] ^= 0x01
    wrong_version = payload(good[:-10], version=11)
    bad = [
        (b"", "DUMP payload version or checksum are wrong"),
        (b"short", "DUMP payload version or checksum are wrong"),
        (bytes(flipped), "DUMP payload version or checksum are wrong"),
        (wrong_version, "DUMP payload version or checksum are wrong"),
        (payload(b"\x63junk"), "Bad data format"),
        (payload(b"\x10\x03abc"), "Bad data format"),  # not a listpack
        (payload(b"\x04\x00"), "Bad data format"),  # empty hash
        (payload(b"\x0f\x00"), "Bad data format"),  # stream
    ]
    for data, message in bad:
        with pytest.raises(redis.ResponseError, match=f"^{message}$"):
            r.restore("x", 0, data)
    assert r.exists("x") == 0


DUPLICATE_FIELD = payload(b"\x04\x02\x01a\x011\x01a\x012")


def test_deep_sanitization_rejects_duplicates(r):
    r.hset("h", mapping={"a": "1", "b": "2"})
    good = r.dump("h")
    before = r.info("stats")["dump_payload_sanitizations"]
    r.restore("unchecked", 0, good)
    assert r.info("stats")["dump_payload_sanitizations"] == before
    r.config_set("sanitize-dump-payload", "yes")
    try:
        with pytest.raises(redis.ResponseError, match="^Bad data format$"):
            r.restore("x", 0, DUPLICATE_FIELD)
        r.restore("checked", 0, good)
        assert r.info("stats")["dump_payload_sanitizations"] > before
    finally:
        r.config_set("sanitize-dump-payload", "no")


@pytest.mark.vigil_only
def test_vigil_validates_every_payload_in_full(r):
    """Stricter than Redis, which reads a short value on into the footer,
    ignores bytes after the value and, without deep sanitization, accepts
    repeated hash fields."""
    r.set("s", "v")
    bad = [payload(b"\x00\x05ab"), payload(r.dump("s")[:-10] + b"extra"), DUPLICATE_FIELD]
    for data in bad:
        with pytest.raises(redis.ResponseError, match="^Bad data format$"):
            r.restore("x", 0, data)


def test_restore_counts_dirty(r):
    r.set("src", "v")
    before = r.info("persistence")["rdb_changes_since_last_save"]
    r.restore("dst", 0, r.dump("src"))
    assert r.info("persistence")["rdb_changes_since_last_save"] == before + 1


def test_restore_notifies(r):
    if not rdb_data.supports(r, "psubscribe"):
        pytest.skip("no pub/sub in this build")
    r.config_set("notify-keyspace-events", "KEA")
    p = r.pubsub()
    p.psubscribe("__keyspace@0__:dst")
    harness.wait_until(lambda: p.get_message(timeout=0.1), message="psubscribe ack")
    r.set("src", "v")
    r.restore("dst", 0, r.dump("src"))
    msg = harness.wait_until(lambda: p.get_message(timeout=0.1), message="restore event")
    assert msg["data"] == b"restore"
    p.close()
    r.config_set("notify-keyspace-events", "")


@pytest.mark.vigil_only
def test_payloads_cross_between_servers(server, redis_peer_factory):
    """Every value DUMPed by one server RESTOREs into the other unchanged."""
    vigil = server.client()
    vigil.flushall()
    peer = redis_peer_factory(config={"list-compress-depth": "1"}).client()
    types = rdb_data.families(vigil)
    rdb_data.populate(vigil, types)
    rdb_data.populate(peer, types)
    for src, dst in ((vigil, peer), (peer, vigil)):
        expected = rdb_data.snapshot(src, dbs=(0,))[0]
        for key, (t, value, _) in expected.items():
            dst.restore(b"x:" + key, 0, src.dump(key), replace=True)
            assert rdb_data.read_value(dst, b"x:" + key) == (t, value), key
            assert dst.object("encoding", b"x:" + key) == src.object("encoding", key), key
