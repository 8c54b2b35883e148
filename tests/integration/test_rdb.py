"""RDB persistence of one server: SAVE, BGSAVE, save points, load at start,
LASTSAVE, INFO persistence, stop-writes-on-bgsave-error, DEBUG RELOAD, and
what happens to damaged files and killed children."""

import os
import re
import shutil
import signal
import subprocess
import time

import pytest
import redis

import harness
import rdb_data

REDIS_CHECK_RDB = "/usr/bin/redis-check-rdb"


def info(client):
    return client.info("persistence")


def wait_bgsave_done(client, timeout=30):
    harness.wait_until(lambda: info(client)["rdb_bgsave_in_progress"] == 0, timeout,
                       message="background save to finish")


def start(server_factory, directory, **config):
    conf = {"dir": str(directory)}
    conf.update({k.replace("_", "-"): v for k, v in config.items()})
    return server_factory(config=conf)


def check_rdb(path):
    res = subprocess.run([REDIS_CHECK_RDB, str(path)], capture_output=True, text=True,
                         timeout=60)
    return res.returncode == 0 and "RDB looks OK" in res.stdout


def test_save_then_restart_restores_everything(server_factory, tmp_path):
    srv = start(server_factory, tmp_path)
    c = srv.client()
    rdb_data.populate(c, rdb_data.families(c))
    c.set("expiring", "v", px=600000)
    expected = rdb_data.snapshot(c)
    assert c.save() is True
    srv.stop()
    again = start(server_factory, tmp_path)
    rdb_data.assert_same(expected, rdb_data.snapshot(again.client()))
    loaded = info(again.client())["rdb_last_load_keys_loaded"]
    assert loaded == sum(len(keys) for keys in expected.values())


def test_empty_dataset_saves_and_loads(server_factory, tmp_path):
    srv = start(server_factory, tmp_path)
    assert srv.client().save()
    assert check_rdb(tmp_path / "dump.rdb")
    srv.stop()
    assert start(server_factory, tmp_path).client().dbsize() == 0


def test_bgsave_reports_and_updates_info(server_factory, tmp_path):
    srv = start(server_factory, tmp_path)
    c = srv.client()
    c.set("k", "v")
    before = info(c)
    assert before["rdb_changes_since_last_save"] >= 1
    conn = srv.raw()
    assert conn.command("BGSAVE") == b"+Background saving started\r\n"
    wait_bgsave_done(c)
    after = info(c)
    assert after["rdb_last_bgsave_status"] == "ok"
    assert after["rdb_changes_since_last_save"] == 0
    assert after["rdb_saves"] == before["rdb_saves"] + 1
    assert after["rdb_last_bgsave_time_sec"] >= 0
    assert c.lastsave().timestamp() >= before["rdb_last_save_time"]
    assert check_rdb(tmp_path / "dump.rdb")
    assert conn.command("BGSAVE", "SCHEDULE") == b"+Background saving started\r\n"
    wait_bgsave_done(c)
    conn.close()
    with pytest.raises(redis.ResponseError, match="syntax error"):
        c.execute_command("BGSAVE", "LATER")


def test_second_save_during_bgsave_is_refused(server_factory, tmp_path):
    srv = start(server_factory, tmp_path, rdb_key_save_delay=100000)
    c = srv.client()
    c.mset({f"k{i}": i for i in range(50)})
    c.execute_command("BGSAVE")
    assert info(c)["rdb_bgsave_in_progress"] == 1
    with pytest.raises(redis.ResponseError, match="^Background save already in progress$"):
        c.execute_command("BGSAVE")
    with pytest.raises(redis.ResponseError, match="^Background save already in progress$"):
        c.save()
    assert info(c)["rdb_current_bgsave_time_sec"] >= 0
    c.config_set("rdb-key-save-delay", 0)
    child = child_pid(srv)
    os.kill(child, signal.SIGKILL)
    wait_bgsave_done(c)


def child_pid(srv):
    found = harness.wait_until(
        lambda: re.findall(r"Background saving started by pid (\d+)", srv.log_tail(200)),
        message="the child's pid in the log")
    return int(found[-1])


def test_parent_serves_while_child_saves(server_factory, tmp_path):
    """Writes made during a BGSAVE are served at once and are not in the file."""
    srv = start(server_factory, tmp_path, rdb_key_save_delay=2000)
    c = srv.client()
    c.mset({f"k{i}": i for i in range(500)})
    c.execute_command("BGSAVE")
    started = time.monotonic()
    for i in range(200):
        c.set(f"new{i}", i)
        assert c.get("k1") == b"1"
    assert time.monotonic() - started < 5
    assert info(c)["rdb_bgsave_in_progress"] == 1
    wait_bgsave_done(c, timeout=60)
    assert info(c)["rdb_last_bgsave_status"] == "ok"
    assert info(c)["rdb_changes_since_last_save"] == 200
    srv.stop()
    again = start(server_factory, tmp_path).client()
    assert again.dbsize() == 500
    assert again.get("new0") is None


def test_killed_child_leaves_previous_file(server_factory, tmp_path):
    srv = start(server_factory, tmp_path)
    c = srv.client()
    c.set("old", "generation-1")
    c.save()
    before = (tmp_path / "dump.rdb").read_bytes()
    c.mset({f"big{i}": "x" * 100 for i in range(2000)})
    c.config_set("rdb-key-save-delay", 1000)
    c.execute_command("BGSAVE")
    child = child_pid(srv)
    harness.wait_until(lambda: any(p.startswith("temp-") for p in os.listdir(tmp_path)),
                       message="the child's temp file")
    os.kill(child, signal.SIGKILL)
    wait_bgsave_done(c)
    assert info(c)["rdb_last_bgsave_status"] == "err"
    assert (tmp_path / "dump.rdb").read_bytes() == before
    assert check_rdb(tmp_path / "dump.rdb")
    harness.wait_until(lambda: not any(p.startswith("temp-") for p in os.listdir(tmp_path)),
                       message="the temp file to be removed")
    assert "terminated by signal 9" in srv.log_tail()


def test_failed_bgsave_refuses_writes_until_a_save_succeeds(server_factory, tmp_path):
    srv = start(server_factory, tmp_path, rdb_key_save_delay=100000, save=["3600", "1"])
    c = srv.client()
    c.set("k", "v")
    c.execute_command("BGSAVE")
    os.kill(child_pid(srv), signal.SIGKILL)
    wait_bgsave_done(c)
    with pytest.raises(redis.ResponseError) as err:
        c.set("k2", "v")
    assert str(err.value).startswith("MISCONF Redis is configured to save RDB snapshots")
    with pytest.raises(redis.ResponseError, match="MISCONF"):
        c.ping()
    assert c.get("k") == b"v"
    c.config_set("stop-writes-on-bgsave-error", "no")
    assert c.set("k2", "v")
    c.config_set("stop-writes-on-bgsave-error", "yes")
    c.config_set("rdb-key-save-delay", 0)
    with pytest.raises(redis.ResponseError, match="MISCONF"):
        c.set("k3", "v")
    c.execute_command("BGSAVE")
    wait_bgsave_done(c)
    assert c.set("k3", "v")


def test_save_point_triggers_bgsave(server_factory, tmp_path):
    srv = start(server_factory, tmp_path, save=["1", "2"])
    c = srv.client()
    c.set("a", 1)
    c.set("b", 2)
    harness.wait_until(lambda: (tmp_path / "dump.rdb").exists() and
                       info(c)["rdb_changes_since_last_save"] == 0, timeout=15,
                       message="the save point's BGSAVE")
    assert "2 changes in 1 seconds. Saving..." in srv.log_tail()


def test_no_save_points_no_automatic_save(server_factory, tmp_path):
    srv = start(server_factory, tmp_path, save="")
    c = srv.client()
    c.set("a", 1)
    srv.stop()
    assert not (tmp_path / "dump.rdb").exists()


def test_sigterm_saves_when_save_points_exist(server_factory, tmp_path):
    srv = start(server_factory, tmp_path, save=["3600", "1"])
    srv.client().set("survivor", "yes")
    srv.stop()
    assert start(server_factory, tmp_path).client().get("survivor") == b"yes"


def test_expired_keys_are_dropped_at_load(server_factory, tmp_path):
    srv = start(server_factory, tmp_path)
    c = srv.client()
    c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    c.set("gone", "v", px=50)
    c.set("kept", "v")
    # Untouched, the expired key stays in memory and goes into the file.
    past = time.time() + 0.2
    harness.wait_until(lambda: time.time() > past, message="the key's expiry time")
    c.save()
    srv.stop()
    again = start(server_factory, tmp_path).client()
    assert again.keys("*") == [b"kept"]
    assert info(again)["rdb_last_load_keys_expired"] == 1
    assert info(again)["rdb_last_load_keys_loaded"] == 1


def test_debug_reload_keeps_data(server_factory, tmp_path):
    srv = start(server_factory, tmp_path)
    c = srv.client()
    rdb_data.populate(c, rdb_data.families(c))
    expected = rdb_data.snapshot(c)
    assert c.execute_command("DEBUG", "RELOAD") == b"OK"
    rdb_data.assert_same(expected, rdb_data.snapshot(c))


def test_dump_rdb_in_configured_dir_and_name(server_factory, tmp_path):
    srv = start(server_factory, tmp_path, dbfilename="other.rdb")
    srv.client().set("k", "v")
    srv.client().save()
    assert (tmp_path / "other.rdb").exists()
    assert not list(p for p in os.listdir(tmp_path) if p.startswith("temp-"))


# ---- damaged files are refused at start, with the file and offset named ----

def good_file(server_factory, tmp_path):
    srv = start(server_factory, tmp_path, rdbcompression="no")
    c = srv.client()
    rdb_data.populate(c, rdb_data.families(c))
    c.save()
    srv.stop()
    return (tmp_path / "dump.rdb").read_bytes()


def assert_refused(server_factory, directory, data, needle=None):
    (directory / "dump.rdb").write_bytes(data)
    with pytest.raises(harness.ServerStartError) as err:
        start(server_factory, directory)
    text = str(err.value)
    assert "exit 1" in text, text
    assert "dump.rdb" in text and "offset" in text, text
    if needle:
        assert needle in text, text


def test_truncated_file_is_refused(server_factory, tmp_path):
    data = good_file(server_factory, tmp_path)
    for cut in (5, 9, 40, len(data) // 2, len(data) - 1):
        assert_refused(server_factory, tmp_path, data[:cut])


def test_bit_flip_is_caught_by_the_checksum(server_factory, tmp_path):
    data = bytearray(good_file(server_factory, tmp_path))
    data[len(data) // 2] ^= 0x10
    assert_refused(server_factory, tmp_path, bytes(data))


@pytest.mark.vigil_only  # redis-server names neither the file nor an offset here
def test_foreign_and_future_files_are_refused(server_factory, tmp_path):
    assert_refused(server_factory, tmp_path, b"PK\x03\x04 this is a zip file, not an rdb",
                   "Wrong signature")
    assert_refused(server_factory, tmp_path, b"REDIS0011\xff" + b"\0" * 8, "version")


def test_garbage_without_checksum_never_crashes(server_factory, tmp_path):
    """With the CRC out of the way every validator is exercised: each damaged
    file must be refused with exit 1 (never a signal) or load cleanly."""
    data = good_file(server_factory, tmp_path)
    body = bytearray(data[:-8]) + b"\0" * 8
    rng = __import__("random").Random(7)
    for _ in range(25):
        mutated = bytearray(body)
        for _ in range(3):
            pos = rng.randrange(9, len(mutated) - 9)
            mutated[pos] = rng.randrange(256)
        (tmp_path / "dump.rdb").write_bytes(bytes(mutated))
        try:
            srv = start(server_factory, tmp_path)
        except harness.ServerStartError as err:
            assert "exit 1" in str(err), str(err)
            continue
        srv.client().dbsize()
        srv.stop()


def test_unwritable_dir_fails_saves(server_factory, tmp_path):
    work = tmp_path / "gone"
    work.mkdir()
    srv = start(server_factory, work, save=["3600", "1"], enable_protected_configs="yes")
    c = srv.client()
    c.set("k", "v")
    shutil.rmtree(work)
    conn = srv.raw()
    assert conn.command("SAVE") == b"-ERR\r\n"
    # Only a background save failing stops writes.
    assert info(c)["rdb_last_bgsave_status"] == "ok"
    assert c.set("k", "w")
    assert conn.command("BGSAVE") == b"+Background saving started\r\n"
    wait_bgsave_done(c)
    assert info(c)["rdb_last_bgsave_status"] == "err"
    with pytest.raises(redis.ResponseError, match="MISCONF"):
        c.set("k", "w")
    # The process's working directory is gone for good: point it elsewhere.
    work.mkdir()
    c.config_set("dir", str(work))
    assert conn.command("SAVE") == b"+OK\r\n"
    assert c.set("k", "w")
    conn.close()
