"""AOF interoperability with Redis 7.0: redis-check-aof accepts what we
write, redis-server loads our AOF directory, and we load redis-server's."""
import os
import shutil
import signal

import pytest

import harness
from test_aof import (AOF_CONFIG, AOF_DIR, check_aof, fill_dataset, restart,
                      snapshot, start_loaded)


def populated(srv):
    """A dataset spread over a base and an incremental file, then a clean
    stop: the directory is ready to be copied."""
    c = srv.client()
    fill_dataset(c)
    c.bgrewriteaof()
    harness.wait_until(lambda: c.info("persistence")["aof_rewrites"] == 1
                       and c.info("persistence")["aof_rewrite_in_progress"] == 0, 20,
                       message="rewrite")
    c.hset("hash", "late", "field")
    c.zadd("zset", {"late": 99})
    c.set("late", "write")
    c.execute_command("SELECT", 3)
    c.set("late-3", "x")
    expected = snapshot(srv)
    srv.proc.send_signal(signal.SIGTERM)
    srv.proc.wait(10)
    return expected


def copy_into(src_srv):
    def prepare(d):
        shutil.copytree(os.path.join(str(src_srv.dir), AOF_DIR), os.path.join(d, AOF_DIR))
    return prepare


def start_with_dir(binary, config, src_srv):
    srv = harness.ServerProcess(binary, config=config)
    copy_into(src_srv)(str(srv.dir))
    start_loaded(srv)
    return srv


PREAMBLE = pytest.mark.parametrize("preamble", ["no", "yes"])


def with_preamble(preamble):
    return dict(AOF_CONFIG, **{"aof-use-rdb-preamble": preamble})


@PREAMBLE
def test_redis_check_aof_accepts_our_directory(server_factory, preamble):
    srv = server_factory(with_preamble(preamble))
    populated(srv)
    code, out = check_aof(srv)
    assert code == 0, out
    assert "All AOF files and manifest are valid" in out


@PREAMBLE
def test_redis_server_loads_our_directory(server_factory, preamble):
    ours = server_factory(with_preamble(preamble))
    expected = populated(ours)
    theirs = start_with_dir(harness.REDIS_SERVER, with_preamble(preamble), ours)
    try:
        assert snapshot(theirs) == expected
    finally:
        theirs.stop()


@PREAMBLE
def test_we_load_redis_server_directory(redis_peer_factory, preamble):
    theirs = redis_peer_factory(with_preamble(preamble))
    expected = populated(theirs)
    ours = start_with_dir(None, with_preamble(preamble), theirs)
    try:
        assert snapshot(ours) == expected
        c = ours.client()
        c.set("continues", "1")
        expected[(0, b"continues")] = (b"1", False)
        restart(ours)
        assert snapshot(ours) == expected
        assert check_aof(ours)[0] == 0
    finally:
        ours.stop()
