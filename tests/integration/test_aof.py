"""AOF persistence: Redis 7.0's multi-part directory, reloading, rewrites,
runtime CONFIG SET appendonly, truncated and broken files, INFO fields.

Every test runs against Debian's redis-server too (VIGIL_SERVER=...); where
Redis would write an RDB base, the test asks for aof-use-rdb-preamble no.
The helpers at the top are shared with test_aof_interop.py and
test_aof_crash.py."""
import os
import signal
import subprocess
import time

import pytest
import redis

import harness

AOF_DIR = "appendonlydir"
PREFIX = "appendonly.aof"
MANIFEST = f"{PREFIX}.manifest"
AOF_CONFIG = {"appendonly": "yes", "aof-use-rdb-preamble": "no",
              "auto-aof-rewrite-percentage": "0"}


def aof_path(srv, name=""):
    return os.path.join(str(srv.dir), AOF_DIR, name)


def read_manifest(srv):
    with open(aof_path(srv, MANIFEST)) as f:
        return f.read()


def manifest_files(srv):
    """[(name, seq, type)] as the manifest lists them."""
    out = []
    for line in read_manifest(srv).splitlines():
        parts = line.split()
        fields = dict(zip(parts[::2], parts[1::2]))
        out.append((fields["file"], int(fields["seq"]), fields["type"]))
    return out


def incr_file(srv):
    return aof_path(srv, [n for n, _, t in manifest_files(srv) if t == "i"][-1])


def info_persistence(client):
    return client.info("persistence")


def wait_rewrite_done(client, rewrites=None, timeout=20):
    def done():
        info = info_persistence(client)
        if info["aof_rewrite_in_progress"] or info.get("aof_rewrite_scheduled"):
            return False
        return rewrites is None or info["aof_rewrites"] >= rewrites
    harness.wait_until(done, timeout, message="AOF rewrite to finish")


def restart(srv, kill=False):
    """Stops the process (SIGTERM, or SIGKILL when kill) and starts it again
    in the same directory; returns a new client."""
    if kill:
        srv.proc.kill()
    else:
        srv.proc.send_signal(signal.SIGTERM)
    srv.proc.wait(10)
    start_loaded(srv)
    return srv.client()


def start_loaded(srv):
    """Starts srv and waits until it has loaded its data (PING may answer
    -LOADING before that)."""
    srv.start()
    c = srv.client()

    def loaded():
        try:
            return c.ping()
        except redis.exceptions.BusyLoadingError:
            return False
    harness.wait_until(loaded, 20, message="dataset loaded")


def start_fails(srv):
    """True when srv refuses to start: it exits before or after answering."""
    try:
        srv.start()
    except harness.ServerStartError:
        return True
    try:
        return srv.proc.wait(10) != 0
    except subprocess.TimeoutExpired:
        return False


def start_prepared(binary, config, prepare):
    """A server whose directory is filled by prepare(dir) before it starts."""
    srv = harness.ServerProcess(binary, config=config)
    prepare(str(srv.dir))
    start_loaded(srv)
    return srv


def fill_dataset(c):
    """Keys of every type the AOF rewrite covers, in two databases."""
    c.set("str", "hello")
    c.set("int", 12345)
    c.set("bin", b"a\x00b\r\n")
    c.set("ttl", "v", px=600000)
    c.incr("counter")
    c.incr("counter")
    c.hset("hash", mapping={f"f{i}": f"v{i}" for i in range(100)})
    c.hset("smallhash", "a", "1")
    c.zadd("zset", {f"m{i}": i / 3 for i in range(150)})
    c.zadd("smallzset", {"x": float("inf"), "y": -2.5})
    c.rpush("list", *[i if i % 2 else f"e{i}" for i in range(150)])
    c.lpush("smalllist", "a", "b")
    c.sadd("intset", *range(100))
    c.sadd("set", *[f"s{i}" for i in range(100)])
    c.set("deleted", "x")
    c.delete("deleted")
    c.execute_command("SELECT", 3)
    c.set("in-db-3", "yes")
    c.execute_command("SELECT", 0)


def snapshot(srv):
    """Every key of db 0 and 3 with its value and whether it has a TTL."""
    out = {}
    for db in (0, 3):
        c = srv.client(db=db)
        for key in c.keys("*"):
            kind = c.type(key)
            if kind == b"string":
                val = c.get(key)
            elif kind == b"hash":
                val = c.hgetall(key)
            elif kind == b"zset":
                val = c.zrange(key, 0, -1, withscores=True)
            elif kind == b"list":
                val = c.lrange(key, 0, -1)
            elif kind == b"set":
                val = sorted(c.smembers(key))
            else:
                val = kind
            out[(db, key)] = (val, c.pttl(key) > 0)
        c.close()
    return out


def check_aof(srv):
    """redis-check-aof's verdict on the directory (the tool wants to run
    from the directory holding the manifest)."""
    proc = subprocess.run(["redis-check-aof", MANIFEST], cwd=aof_path(srv),
                          capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout + proc.stderr


# ---------------------------------------------------------------------------


def test_layout_at_start(server_factory):
    srv = server_factory(AOF_CONFIG)
    assert manifest_files(srv) == [(f"{PREFIX}.1.base.aof", 1, "b"),
                                   (f"{PREFIX}.1.incr.aof", 1, "i")]
    assert read_manifest(srv) == (f"file {PREFIX}.1.base.aof seq 1 type b\n"
                                  f"file {PREFIX}.1.incr.aof seq 1 type i\n")
    c = srv.client()
    c.execute_command("set", "a", "1")
    with open(incr_file(srv), "rb") as f:
        assert f.read() == (b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
                            b"*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n")


def test_dataset_survives_restart(server_factory):
    srv = server_factory(AOF_CONFIG)
    fill_dataset(srv.client())
    before = snapshot(srv)
    restart(srv)
    assert snapshot(srv) == before
    assert check_aof(srv)[0] == 0


def test_bgrewriteaof_rotates_and_compacts(server_factory):
    srv = server_factory(AOF_CONFIG)
    c = srv.client()
    fill_dataset(c)
    for i in range(200):
        c.set("overwritten", i)
    before = snapshot(srv)
    assert c.bgrewriteaof() in (True, b"Background append only file rewriting started")
    wait_rewrite_done(c, rewrites=1)
    c.set("after-rewrite", "1")
    before[(0, b"after-rewrite")] = (b"1", False)
    assert manifest_files(srv) == [(f"{PREFIX}.2.base.aof", 2, "b"),
                                   (f"{PREFIX}.2.incr.aof", 2, "i")]
    harness.wait_until(lambda: sorted(os.listdir(aof_path(srv))) == sorted(
        [f"{PREFIX}.2.base.aof", f"{PREFIX}.2.incr.aof", MANIFEST]), 10,
        message="history files removed")
    with open(aof_path(srv, f"{PREFIX}.2.base.aof"), "rb") as f:
        base = f.read()
    assert base.count(b"overwritten") == 1
    info = info_persistence(c)
    assert info["aof_last_bgrewrite_status"] == "ok"
    assert info["aof_rewrites"] == 1
    assert info["aof_base_size"] > 0
    assert check_aof(srv)[0] == 0
    restart(srv)
    assert snapshot(srv) == before


def test_rdb_preamble_base(server_factory):
    srv = server_factory(dict(AOF_CONFIG, **{"aof-use-rdb-preamble": "yes"}))
    assert manifest_files(srv)[0] == (f"{PREFIX}.1.base.rdb", 1, "b")
    c = srv.client()
    fill_dataset(c)
    c.bgrewriteaof()
    wait_rewrite_done(c, rewrites=1)
    c.set("after", "1")
    assert manifest_files(srv)[0] == (f"{PREFIX}.2.base.rdb", 2, "b")
    with open(aof_path(srv, f"{PREFIX}.2.base.rdb"), "rb") as f:
        assert f.read(5) == b"REDIS"
    before = snapshot(srv)
    assert check_aof(srv)[0] == 0
    restart(srv)
    assert snapshot(srv) == before


def test_bgrewriteaof_during_bgsave_is_scheduled(server_factory):
    srv = server_factory(dict(AOF_CONFIG, **{"rdb-key-save-delay": "20000"}))
    c = srv.client()
    for i in range(30):
        c.set(f"k{i}", i)
    c.bgsave()
    assert c.info("persistence")["rdb_bgsave_in_progress"] == 1
    assert c.bgrewriteaof() in (True, b"Background append only file rewriting scheduled")
    info = c.info("persistence")
    assert info["aof_rewrite_scheduled"] == 1
    assert info["aof_rewrite_in_progress"] == 0
    c.config_set("rdb-key-save-delay", 0)
    wait_rewrite_done(c, rewrites=1)
    restart(srv)
    assert srv.client().dbsize() == 30


def test_bgsave_during_rewrite_is_refused_or_scheduled(server_factory):
    srv = server_factory(dict(AOF_CONFIG, **{"rdb-key-save-delay": "20000"}))
    c = srv.client()
    for i in range(30):
        c.set(f"k{i}", i)
    c.bgrewriteaof()
    assert c.info("persistence")["aof_rewrite_in_progress"] == 1
    # redis-py's bgsave() adds SCHEDULE: send the bare command.
    with pytest.raises(redis.ResponseError, match="Another child process is active"):
        c.execute_command("BGSAVE")
    assert c.execute_command("BGSAVE", "SCHEDULE")  # "+Background saving scheduled"
    assert c.info("persistence")["rdb_bgsave_in_progress"] == 0
    c.config_set("rdb-key-save-delay", 0)
    wait_rewrite_done(c, rewrites=1)
    # The scheduled save runs once the rewrite child is gone (LASTSAVE has
    # one-second resolution: watch the changes it saved instead).
    assert c.info("persistence")["rdb_changes_since_last_save"] > 0
    harness.wait_until(lambda: c.info("persistence")["rdb_changes_since_last_save"] == 0, 20,
                       message="the scheduled BGSAVE")


def test_writes_during_rewrite_survive(server_factory):
    srv = server_factory(dict(AOF_CONFIG, **{"rdb-key-save-delay": "20000"}))
    c = srv.client()
    for i in range(50):
        c.set(f"k{i}", i)
    c.bgrewriteaof()
    assert info_persistence(c)["aof_rewrite_in_progress"] == 1
    with pytest.raises(Exception, match="already in progress"):
        c.bgrewriteaof()
    for i in range(50, 80):
        c.set(f"k{i}", i)
    c.set("k0", "changed")
    c.config_set("rdb-key-save-delay", 0)
    wait_rewrite_done(c, rewrites=1)
    restart(srv)
    c = srv.client()
    assert c.dbsize() == 80
    assert c.get("k0") == b"changed"
    assert c.get("k79") == b"79"


def test_config_set_appendonly_at_runtime(server_factory):
    srv = server_factory({"appendonly": "no", "aof-use-rdb-preamble": "no"})
    c = srv.client()
    fill_dataset(c)
    assert info_persistence(c)["aof_enabled"] == 0
    assert not os.path.exists(aof_path(srv))
    c.config_set("appendonly", "yes")
    wait_rewrite_done(c)
    c.set("after-enable", "1")
    files = manifest_files(srv)
    assert [t for _, _, t in files] == ["b", "i"]
    assert files[0][0].endswith(".base.aof")
    before = snapshot(srv)
    c.config_set("appendonly", "no")
    assert info_persistence(c)["aof_enabled"] == 0
    c.set("not-logged", "1")
    srv.config = [(k, v) for k, v in srv.config if k != "appendonly"] + [("appendonly", "yes")]
    restart(srv)
    assert snapshot(srv) == before


def test_config_set_appendonly_twice_retires_old_files(server_factory):
    srv = server_factory({"appendonly": "no", "aof-use-rdb-preamble": "no"})
    c = srv.client()
    c.config_set("appendonly", "yes")
    wait_rewrite_done(c)
    c.config_set("appendonly", "no")
    c.config_set("appendonly", "yes")
    wait_rewrite_done(c)
    names = [n for n, _, _ in manifest_files(srv)]
    assert names == [f"{PREFIX}.2.base.aof", f"{PREFIX}.2.incr.aof"]


def test_bgrewriteaof_in_a_transaction_is_scheduled(server_factory):
    srv = server_factory(AOF_CONFIG)
    c = srv.client()
    pipe = c.pipeline(transaction=True)
    pipe.set("a", "1")
    pipe.bgrewriteaof()
    pipe.set("b", "2")
    assert pipe.execute()[1] in (True, b"Background append only file rewriting scheduled")
    wait_rewrite_done(c, rewrites=1)
    restart(srv)
    assert srv.client().mget("a", "b") == [b"1", b"2"]


def test_transaction_is_logged_atomically(server_factory):
    srv = server_factory(AOF_CONFIG)
    c = srv.client()
    pipe = c.pipeline(transaction=True)
    pipe.set("x", "1")
    pipe.incr("n")
    pipe.execute()
    with open(incr_file(srv), "rb") as f:
        data = f.read().upper()
    assert data.index(b"MULTI") < data.index(b"INCR") < data.index(b"EXEC")
    restart(srv)
    assert srv.client().mget("x", "n") == [b"1", b"1"]


def test_bgrewriteaof_with_aof_off_writes_base_only(server_factory):
    srv = server_factory({"appendonly": "no", "aof-use-rdb-preamble": "no"})
    c = srv.client()
    c.set("x", "1")
    c.bgrewriteaof()
    wait_rewrite_done(c, rewrites=1)
    assert manifest_files(srv) == [(f"{PREFIX}.1.base.aof", 1, "b")]


def test_truncated_tail_is_cut_and_loaded(server_factory):
    srv = server_factory(AOF_CONFIG)
    c = srv.client()
    c.set("kept", "1")
    srv.proc.send_signal(signal.SIGTERM)
    srv.proc.wait(10)
    path = incr_file(srv)
    good_size = os.path.getsize(path)
    with open(path, "ab") as f:
        f.write(b"*3\r\n$3\r\nSET\r\n$4\r\nlost\r\n$1")
    start_loaded(srv)
    c = srv.client()
    assert c.get("kept") == b"1"
    assert c.get("lost") is None
    assert os.path.getsize(path) == good_size
    assert check_aof(srv)[0] == 0


def test_truncated_tail_refused_when_disabled(server_factory):
    srv = server_factory(dict(AOF_CONFIG, **{"aof-load-truncated": "no"}))
    srv.client().set("kept", "1")
    srv.proc.send_signal(signal.SIGTERM)
    srv.proc.wait(10)
    with open(incr_file(srv), "ab") as f:
        f.write(b"*3\r\n$3\r\nSET\r\n")
    assert start_fails(srv)


def test_bad_format_refuses_start(server_factory):
    srv = server_factory(AOF_CONFIG)
    srv.proc.send_signal(signal.SIGTERM)
    srv.proc.wait(10)
    with open(incr_file(srv), "ab") as f:
        f.write(b"this is not resp\r\n")
    assert start_fails(srv)


def test_transactions_in_the_file(server_factory):
    srv = server_factory(AOF_CONFIG)
    srv.proc.send_signal(signal.SIGTERM)
    srv.proc.wait(10)
    cmd = harness.encode_command
    with open(incr_file(srv), "ab") as f:
        f.write(cmd("SELECT", "0") + cmd("MULTI") + cmd("SET", "a", "1") +
                cmd("SET", "b", "2") + cmd("EXEC"))
        f.write(cmd("MULTI") + cmd("SET", "c", "3"))
    start_loaded(srv)
    c = srv.client()
    assert c.mget("a", "b", "c") == [b"1", b"2", None]


def test_timestamp_annotations(server_factory):
    srv = server_factory(dict(AOF_CONFIG, **{"aof-timestamp-enabled": "yes"}))
    c = srv.client()
    c.set("a", "1")
    second = int(time.time())
    while int(time.time()) == second:
        time.sleep(0.01)
    c.set("b", "1")
    with open(incr_file(srv), "rb") as f:
        assert b"#TS:" in f.read()
    restart(srv)
    assert srv.client().mget("a", "b") == [b"1", b"1"]


def test_old_single_file_is_upgraded():
    def prepare(d):
        with open(os.path.join(d, PREFIX), "wb") as f:
            f.write(harness.encode_command("SET", "old", "style"))
    srv = start_prepared(None, AOF_CONFIG, prepare)
    try:
        assert srv.client().get("old") == b"style"
        files = manifest_files(srv)
        assert files[0] == (PREFIX, 1, "b")
        assert os.path.exists(aof_path(srv, PREFIX))
        assert not os.path.exists(os.path.join(str(srv.dir), PREFIX))
    finally:
        srv.stop()


def test_auto_rewrite_on_growth(server_factory):
    srv = server_factory(dict(AOF_CONFIG, **{"auto-aof-rewrite-percentage": "100",
                                             "auto-aof-rewrite-min-size": "4096"}))
    c = srv.client()
    for i in range(300):
        c.set("same-key", "x" * 50)
    harness.wait_until(lambda: info_persistence(c)["aof_rewrites"] >= 1, 10,
                       message="automatic rewrite")
    # A rewrite may start while the writes are still coming; the writes
    # after it grow the new incr file until cron starts the next automatic
    # rewrite.  Once writes stop, the AOF must end up compacted.
    harness.wait_until(lambda: info_persistence(c)["aof_current_size"] < 4096, 20,
                       message="the AOF to be compacted below 4096 bytes")
    wait_rewrite_done(c)
    assert info_persistence(c)["aof_current_size"] < 4096


PERSISTENCE_AOF_FIELDS = [
    "aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled",
    "aof_last_rewrite_time_sec", "aof_current_rewrite_time_sec",
    "aof_last_bgrewrite_status", "aof_rewrites", "aof_rewrites_consecutive_failures",
    "aof_last_write_status", "aof_last_cow_size", "module_fork_in_progress",
    "module_fork_last_cow_size"]
ENABLED_ONLY_FIELDS = ["aof_current_size", "aof_base_size", "aof_pending_rewrite",
                       "aof_buffer_length", "aof_pending_bio_fsync", "aof_delayed_fsync"]


def info_field_names(srv):
    with srv.raw() as conn:
        text = conn.command("INFO", "persistence").decode()
    return [line.split(":")[0] for line in text.splitlines()
            if ":" in line and (line.startswith("aof_") or line.startswith("module_fork"))]


def test_info_fields(server_factory):
    srv = server_factory({"appendonly": "no"})
    assert info_field_names(srv) == PERSISTENCE_AOF_FIELDS
    srv2 = server_factory(AOF_CONFIG)
    c2 = srv2.client()
    assert info_field_names(srv2) == PERSISTENCE_AOF_FIELDS + ENABLED_ONLY_FIELDS
    info = info_persistence(c2)
    assert info["aof_enabled"] == 1
    assert info["aof_last_write_status"] == "ok"
    assert info["aof_last_rewrite_time_sec"] == -1


def test_appendfsync_policies_all_persist(server_factory):
    for policy in ("always", "everysec", "no"):
        srv = server_factory(dict(AOF_CONFIG, appendfsync=policy))
        c = srv.client()
        c.set("p", policy)
        restart(srv)
        assert srv.client().get("p") == policy.encode()
