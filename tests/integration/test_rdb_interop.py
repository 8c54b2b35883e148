"""RDB files exchanged with Debian's redis-server 7.0.15, both ways.

A file written by redis-server must load into Vigil with identical keys,
values and TTLs, and a file written by Vigil must pass redis-check-rdb and
load into redis-server with identical contents.  Older encodings that
Redis 7.0 no longer writes but still loads (ziplists, zipmaps, string
scores, plain lists) are produced here byte by byte and must load into
both servers the same way.
"""

import shutil
import struct
import subprocess

import pytest

import rdb_data

REDIS_CHECK_RDB = "/usr/bin/redis-check-rdb"
pytestmark = pytest.mark.vigil_only


def vigil_types(server_factory, tmp_path):
    probe = server_factory(config={"dir": str(tmp_path)})
    types = rdb_data.families(probe.client())
    probe.stop()
    return types


@pytest.mark.parametrize("compression", ["yes", "no"])
def test_redis_file_loads_in_vigil(server_factory, redis_peer_factory, tmp_path, compression):
    rdir, vdir = tmp_path / "redis", tmp_path / "vigil"
    rdir.mkdir()
    vdir.mkdir()
    types = vigil_types(server_factory, vdir)
    peer = redis_peer_factory(config={"dir": str(rdir), "rdbcompression": compression,
                                      "list-compress-depth": "1"})
    rc = peer.client()
    rdb_data.populate(rc, types)
    expected = rdb_data.snapshot(rc)
    assert rc.save()
    shutil.copy(rdb_data.dump_path(rdir), rdb_data.dump_path(vdir))
    vigil = server_factory(config={"dir": str(vdir)})
    rdb_data.assert_same(expected, rdb_data.snapshot(vigil.client()))


@pytest.mark.parametrize("compression,checksum", [("yes", "yes"), ("no", "no")])
def test_vigil_file_loads_in_redis(server_factory, redis_peer_factory, tmp_path, compression,
                                   checksum):
    rdir, vdir = tmp_path / "redis", tmp_path / "vigil"
    rdir.mkdir()
    vdir.mkdir()
    vigil = server_factory(config={"dir": str(vdir), "rdbcompression": compression,
                                   "rdbchecksum": checksum})
    vc = vigil.client()
    rdb_data.populate(vc, rdb_data.families(vc))
    expected = rdb_data.snapshot(vc)
    assert vc.save()
    check = subprocess.run([REDIS_CHECK_RDB, rdb_data.dump_path(vdir)], capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "RDB looks OK" in check.stdout
    shutil.copy(rdb_data.dump_path(vdir), rdb_data.dump_path(rdir))
    peer = redis_peer_factory(config={"dir": str(rdir)})
    rdb_data.assert_same(expected, rdb_data.snapshot(peer.client()))


def test_vigil_file_round_trips_through_redis(server_factory, redis_peer_factory, tmp_path):
    """Vigil -> redis-server -> Vigil keeps every key."""
    rdir, vdir = tmp_path / "redis", tmp_path / "vigil"
    rdir.mkdir()
    vdir.mkdir()
    vigil = server_factory(config={"dir": str(vdir)})
    vc = vigil.client()
    rdb_data.populate(vc, rdb_data.families(vc))
    expected = rdb_data.snapshot(vc)
    vc.save()
    vigil.stop()
    shutil.copy(rdb_data.dump_path(vdir), rdb_data.dump_path(rdir))
    peer = redis_peer_factory(config={"dir": str(rdir)})
    peer.client().save()
    shutil.copy(rdb_data.dump_path(rdir), rdb_data.dump_path(vdir))
    again = server_factory(config={"dir": str(vdir)})
    rdb_data.assert_same(expected, rdb_data.snapshot(again.client()))


# ---- hand-made files in the encodings Redis 7.0 only reads ----

def rdb_len(n):
    if n < 64:
        return bytes([n])
    if n < 16384:
        return bytes([0x40 | n >> 8, n & 0xFF])
    return b"\x80" + struct.pack(">I", n)


def rdb_str(s):
    s = s.encode() if isinstance(s, str) else s
    return rdb_len(len(s)) + s


def ziplist(entries):
    """A ziplist of str/bytes/int entries, as Redis before 7.0 wrote them."""
    body, prev, tail = b"", 0, 10
    for e in entries:
        prevlen = bytes([prev]) if prev < 254 else b"\xfe" + struct.pack("<I", prev)
        if isinstance(e, int):
            if 0 <= e <= 12:
                enc = bytes([0xF1 + e])
            elif -128 <= e < 128:
                enc = b"\xfe" + struct.pack("<b", e)
            elif -32768 <= e < 32768:
                enc = b"\xc0" + struct.pack("<h", e)
            elif -2**23 <= e < 2**23:
                enc = b"\xf0" + struct.pack("<i", e)[:3]
            elif -2**31 <= e < 2**31:
                enc = b"\xd0" + struct.pack("<i", e)
            else:
                enc = b"\xe0" + struct.pack("<q", e)
        else:
            data = e.encode() if isinstance(e, str) else e
            if len(data) < 64:
                enc = bytes([len(data)]) + data
            elif len(data) < 16384:
                enc = bytes([0x40 | len(data) >> 8, len(data) & 0xFF]) + data
            else:
                enc = b"\x80" + struct.pack(">I", len(data)) + data
        entry = prevlen + enc
        tail = 10 + len(body)
        body += entry
        prev = len(entry)
    total = 10 + len(body) + 1
    return struct.pack("<IIH", total, tail, len(entries)) + body + b"\xff"


def zipmap(pairs):
    out = bytes([len(pairs)])
    for k, v in pairs:
        out += bytes([len(k)]) + k.encode() + bytes([len(v), 0]) + v.encode()
    return out + b"\xff"


LEGACY_KEYS = [
    (10, "old:list-ziplist", lambda: rdb_str(ziplist(["a", 5, -7, 300, 70000, 2**40, "b" * 70]))),
    (14, "old:quicklist", lambda: rdb_len(2) + rdb_str(ziplist(["x", "y", 1])) +
     rdb_str(ziplist(["z" * 100, -2**35]))),
    (1, "old:plain-list", lambda: rdb_len(3) + rdb_str("p") + rdb_str("q") + rdb_str("12")),
    (13, "old:hash-ziplist", lambda: rdb_str(ziplist(["f1", "v1", "f2", 42, "n", -1]))),
    (9, "old:hash-zipmap", lambda: rdb_str(zipmap([("k1", "v1"), ("k2", "value2")]))),
    (12, "old:zset-ziplist", lambda: rdb_str(ziplist(["m1", 1, "m2", "2.5", "m3", "-inf"]))),
    (3, "old:zset-strscores", lambda: rdb_len(3) + rdb_str("a") + b"\x031.5" + rdb_str("b") +
     b"\xfe" + rdb_str("c") + b"\x02-2"),
    (11, "old:intset", lambda: rdb_str(struct.pack("<II", 2, 3) + struct.pack("<hhh", -5, 3, 900))),
]
LEGACY_TYPE_FAMILY = {10: "list", 14: "list", 1: "list", 11: "set"}


def legacy_file(types):
    """An RDB version 9 file with one key per legacy encoding of the given
    value families; checksum 0, which loaders do not check."""
    out = b"REDIS0009" + b"\xfe\x00"
    for t, key, body in LEGACY_KEYS:
        if LEGACY_TYPE_FAMILY.get(t, "string") in types or t not in LEGACY_TYPE_FAMILY:
            out += bytes([t]) + rdb_str(key) + body()
    return out + b"\xff" + b"\x00" * 8


def test_legacy_encodings_load_like_redis(server_factory, redis_peer_factory, tmp_path):
    rdir, vdir = tmp_path / "redis", tmp_path / "vigil"
    rdir.mkdir()
    vdir.mkdir()
    data = legacy_file(vigil_types(server_factory, vdir))
    (rdir / "dump.rdb").write_bytes(data)
    (vdir / "dump.rdb").write_bytes(data)
    peer = redis_peer_factory(config={"dir": str(rdir)})
    vigil = server_factory(config={"dir": str(vdir)})
    expected = rdb_data.snapshot(peer.client(), dbs=(0,))
    assert len(expected[0]) >= 4
    rdb_data.assert_same(expected, rdb_data.snapshot(vigil.client(), dbs=(0,)))
