"""INFO, COMMAND, SLOWLOG, LATENCY, DEBUG in depth.  Every server here is
started with the settings the test needs, so nothing relies on CONFIG SET
or FLUSHALL; each test also passes against Debian's redis-server 7.0.15
unless marked vigil_only."""

import re
import time

import pytest

from harness import wait_until

# Field names of INFO's fixed sections, in redis-server 7.0.15's order.
INFO_FIELDS = {
    "Server": "redis_version redis_git_sha1 redis_git_dirty redis_build_id redis_mode os "
              "arch_bits monotonic_clock multiplexing_api atomicvar_api gcc_version process_id "
              "process_supervised run_id tcp_port server_time_usec uptime_in_seconds "
              "uptime_in_days hz configured_hz lru_clock executable config_file "
              "io_threads_active",
    "Clients": "connected_clients cluster_connections maxclients "
               "client_recent_max_input_buffer client_recent_max_output_buffer blocked_clients "
               "tracking_clients clients_in_timeout_table",
    "Memory": "used_memory used_memory_human used_memory_rss used_memory_rss_human "
              "used_memory_peak used_memory_peak_human used_memory_peak_perc "
              "used_memory_overhead used_memory_startup used_memory_dataset "
              "used_memory_dataset_perc allocator_allocated allocator_active allocator_resident "
              "total_system_memory total_system_memory_human used_memory_lua "
              "used_memory_vm_eval used_memory_lua_human used_memory_scripts_eval "
              "number_of_cached_scripts number_of_functions number_of_libraries "
              "used_memory_vm_functions used_memory_vm_total used_memory_vm_total_human "
              "used_memory_functions used_memory_scripts used_memory_scripts_human maxmemory "
              "maxmemory_human maxmemory_policy allocator_frag_ratio allocator_frag_bytes "
              "allocator_rss_ratio allocator_rss_bytes rss_overhead_ratio rss_overhead_bytes "
              "mem_fragmentation_ratio mem_fragmentation_bytes mem_not_counted_for_evict "
              "mem_replication_backlog mem_total_replication_buffers mem_clients_slaves "
              "mem_clients_normal mem_cluster_links mem_aof_buffer mem_allocator "
              "active_defrag_running lazyfree_pending_objects lazyfreed_objects",
    "Persistence": "loading async_loading current_cow_peak current_cow_size "
                   "current_cow_size_age current_fork_perc current_save_keys_processed "
                   "current_save_keys_total rdb_changes_since_last_save rdb_bgsave_in_progress "
                   "rdb_last_save_time rdb_last_bgsave_status rdb_last_bgsave_time_sec "
                   "rdb_current_bgsave_time_sec rdb_saves rdb_last_cow_size "
                   "rdb_last_load_keys_expired rdb_last_load_keys_loaded aof_enabled "
                   "aof_rewrite_in_progress aof_rewrite_scheduled aof_last_rewrite_time_sec "
                   "aof_current_rewrite_time_sec aof_last_bgrewrite_status aof_rewrites "
                   "aof_rewrites_consecutive_failures aof_last_write_status aof_last_cow_size "
                   "module_fork_in_progress module_fork_last_cow_size",
    "Stats": "total_connections_received total_commands_processed instantaneous_ops_per_sec "
             "total_net_input_bytes total_net_output_bytes total_net_repl_input_bytes "
             "total_net_repl_output_bytes instantaneous_input_kbps instantaneous_output_kbps "
             "instantaneous_input_repl_kbps instantaneous_output_repl_kbps rejected_connections "
             "sync_full sync_partial_ok sync_partial_err expired_keys expired_stale_perc "
             "expired_time_cap_reached_count expire_cycle_cpu_milliseconds evicted_keys "
             "evicted_clients total_eviction_exceeded_time current_eviction_exceeded_time "
             "keyspace_hits keyspace_misses pubsub_channels pubsub_patterns "
             "pubsubshard_channels latest_fork_usec total_forks migrate_cached_sockets "
             "slave_expires_tracked_keys active_defrag_hits active_defrag_misses "
             "active_defrag_key_hits active_defrag_key_misses total_active_defrag_time "
             "current_active_defrag_time tracking_total_keys tracking_total_items "
             "tracking_total_prefixes unexpected_error_replies total_error_replies "
             "dump_payload_sanitizations total_reads_processed total_writes_processed "
             "io_threaded_reads_processed io_threaded_writes_processed reply_buffer_shrinks "
             "reply_buffer_expands",
    "Replication": "role connected_slaves master_failover_state master_replid master_replid2 "
                   "master_repl_offset second_repl_offset repl_backlog_active "
                   "repl_backlog_size repl_backlog_first_byte_offset repl_backlog_histlen",
    "CPU": "used_cpu_sys used_cpu_user used_cpu_sys_children used_cpu_user_children "
           "used_cpu_sys_main_thread used_cpu_user_main_thread",
    "Modules": "",
    "Cluster": "cluster_enabled",
}
DEFAULT_ORDER = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                 "Modules", "Errorstats", "Cluster", "Keyspace"]
ALL_ORDER = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
             "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"]


def info_sections(conn, *args):
    """{section title: [(field, value), ...]} in reply order, plus the order."""
    reply = conn.command("INFO", *args)
    header, body = reply.split(b"\r\n", 1)
    assert header.startswith(b"$") and int(header[1:]) == len(body) - 2
    text = body[:-2].decode()
    sections, order = {}, []
    for line in text.split("\r\n"):
        if line.startswith("# "):
            order.append(line[2:])
            sections[line[2:]] = []
        elif line:
            name, value = line.split(":", 1)
            sections[order[-1]].append((name, value))
    return sections, order


def fields(section):
    return [name for name, _ in section]


def value(sections, title, name):
    return dict(sections[title])[name]


# -- INFO ----------------------------------------------------------------------

def test_info_fields_in_redis_order(server_factory, raw):
    srv = server_factory()
    sections, order = info_sections(raw(srv), "everything")
    assert order == ALL_ORDER
    for title, names in INFO_FIELDS.items():
        got = [n for n in fields(sections[title]) if n != "vigil_version"]
        assert got == names.split(), title


def test_info_section_selection(server_factory, raw):
    conn = raw(server_factory())
    assert info_sections(conn)[1] == DEFAULT_ORDER
    assert info_sections(conn, "default")[1] == DEFAULT_ORDER
    assert info_sections(conn, "all")[1] == ALL_ORDER
    # Order is the server's, whatever the arguments' order and case.
    assert info_sections(conn, "KEYSPACE", "Server")[1] == ["Server", "Keyspace"]
    assert info_sections(conn, "default", "commandstats")[1] == [
        "Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
        "Modules", "Commandstats", "Errorstats", "Cluster", "Keyspace"]
    assert conn.command("INFO", "nosuchsection") == b"$0\r\n\r\n"
    assert conn.command("INFO", "modules") == b"$11\r\n# Modules\r\n\r\n"


def test_info_server_and_replication_values(server_factory, raw):
    srv = server_factory()
    sections, _ = info_sections(raw(srv), "server", "replication")
    server = dict(sections["Server"])
    assert server["redis_version"] == "7.0.15"
    assert int(server["tcp_port"]) == srv.port
    assert int(server["process_id"]) == srv.proc.pid
    assert re.fullmatch(r"[0-9a-f]{40}", server["run_id"])
    assert server["executable"].startswith("/")
    assert abs(int(server["server_time_usec"]) / 1e6 - time.time()) < 5
    repl = dict(sections["Replication"])
    assert repl["role"] == "master" and repl["connected_slaves"] == "0"
    assert re.fullmatch(r"[0-9a-f]{40}", repl["master_replid"])
    assert repl["master_replid"] != server["run_id"]
    assert repl["master_replid2"] == "0" * 40
    assert repl["second_repl_offset"] == "-1"


@pytest.mark.vigil_only
def test_info_vigil_version(server_factory, raw):
    sections, _ = info_sections(raw(server_factory()), "server")
    assert re.fullmatch(r"\d+\.\d+\.\d+", value(sections, "Server", "vigil_version"))


def test_info_counters_follow_commands(server_factory, raw):
    srv = server_factory()
    conn = raw(srv)
    conn.command("SET", "a", "1")
    conn.command("SET", "b", "2")
    conn.command("GET", "a")
    conn.command("GET", "nosuch")
    conn.command("GET")                      # rejected: arity
    conn.command("SELECT", "99")             # failed: error reply
    conn.command("COMMAND", "COUNT")
    sections, _ = info_sections(conn, "everything")
    stats = dict(sections["Commandstats"])
    assert re.fullmatch(r"calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,"
                        r"failed_calls=0", stats["cmdstat_set"])
    assert "calls=2," in stats["cmdstat_get"] and "rejected_calls=1," in stats["cmdstat_get"]
    assert stats["cmdstat_select"].endswith("failed_calls=1")
    assert stats["cmdstat_command|count"].startswith("calls=1,")
    assert re.fullmatch(r"count=[2-9]", dict(sections["Errorstats"])["errorstat_ERR"])
    assert dict(sections["Keyspace"])["db0"] == "keys=2,expires=0,avg_ttl=0"
    latency = dict(sections["Latencystats"])
    assert re.fullmatch(r"p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}",
                        latency["latency_percentiles_usec_set"])
    persistence = dict(sections["Persistence"])
    assert persistence["rdb_changes_since_last_save"] == "2"
    assert persistence["loading"] == "0"
    counters = dict(sections["Stats"])
    assert int(counters["keyspace_hits"]) == 1 and int(counters["keyspace_misses"]) == 1
    assert int(counters["total_error_replies"]) >= 2


def test_info_instantaneous_ops(server_factory, raw):
    conn = raw(server_factory())

    def busy():
        for _ in range(50):
            conn.command("PING")
        sections, _ = info_sections(conn, "stats")
        return int(value(sections, "Stats", "instantaneous_ops_per_sec")) > 0

    wait_until(busy, 10, message="instantaneous_ops_per_sec > 0")


# -- COMMAND -------------------------------------------------------------------

def plain_client(srv):
    """A redis-py client that returns COMMAND replies unparsed."""
    client = srv.client()
    client.set_response_callback("COMMAND", lambda response, **options: response)
    return client


def test_command_list_and_count_agree(server_factory):
    client = plain_client(server_factory())
    names = client.execute_command("COMMAND", "LIST")
    top = [n for n in names if b"|" not in n]
    assert client.execute_command("COMMAND", "COUNT") == len(top)
    assert len(client.execute_command("COMMAND")) == len(top)
    assert b"slowlog|get" in names and b"latency|latest" in names
    assert client.execute_command("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch") == []
    assert client.execute_command("COMMAND", "LIST", "FILTERBY", "MODULE", "x") == []
    admin = client.execute_command("COMMAND", "LIST", "FILTERBY", "ACLCAT", "dangerous")
    assert {b"debug", b"info", b"lastsave", b"slowlog|get"} <= set(admin)
    assert b"get" not in admin
    client.close()


def test_command_docs_all_and_unknown(server_factory):
    client = plain_client(server_factory())
    docs = client.execute_command("COMMAND", "DOCS")
    assert len(docs) == 2 * client.execute_command("COMMAND", "COUNT")
    assert client.execute_command("COMMAND", "DOCS", "nosuch") == []
    client.close()


# -- SLOWLOG -------------------------------------------------------------------

def test_slowlog_entry_shape_and_truncation(server_factory, raw):
    srv = server_factory({"slowlog-log-slower-than": "0"})
    conn = raw(srv)
    conn.command("DEL", *["k%d" % i for i in range(40)])
    conn.command("ECHO", "x" * 200)
    entries = srv.client().execute_command("SLOWLOG", "GET", "2")
    echo, dele = entries
    assert echo[0] == dele[0] + 1
    assert abs(echo[1] - time.time()) < 5 and echo[2] >= 0
    assert echo[3] == [b"ECHO", b"x" * 128 + b"... (72 more bytes)"]
    assert len(dele[3]) == 32
    assert dele[3][:2] == [b"DEL", b"k0"] and dele[3][30] == b"k29"
    assert dele[3][31] == b"... (10 more arguments)"
    assert re.fullmatch(rb"127\.0\.0\.1:\d+", echo[4]) and echo[5] == b""


def test_slowlog_len_reset_and_limits(server_factory):
    srv = server_factory({"slowlog-log-slower-than": "0", "slowlog-max-len": "3"})
    client = srv.client()
    for i in range(10):
        client.execute_command("ECHO", str(i))
    assert client.execute_command("SLOWLOG", "LEN") == 3
    entries = client.execute_command("SLOWLOG", "GET", "-1")
    assert len(entries) == 3
    assert [e[0] for e in entries] == sorted((e[0] for e in entries), reverse=True)
    assert client.execute_command("SLOWLOG", "GET", "0") == []
    assert client.execute_command("SLOWLOG", "RESET") == b"OK"
    # The RESET itself ran slower than 0 µs and is the only entry.
    assert client.execute_command("SLOWLOG", "LEN") == 1
    client.close()


def test_slowlog_disabled_by_negative_threshold(server_factory):
    srv = server_factory({"slowlog-log-slower-than": "-1"})
    client = srv.client()
    client.execute_command("DEBUG", "SLEEP", "0.02")
    assert client.execute_command("SLOWLOG", "LEN") == 0
    client.close()


def test_slowlog_threshold(server_factory):
    srv = server_factory({"slowlog-log-slower-than": "20000"})
    client = srv.client()
    client.execute_command("PING")
    client.execute_command("DEBUG", "SLEEP", "0.03")
    entries = client.execute_command("SLOWLOG", "GET")
    assert [e[3] for e in entries] == [[b"DEBUG", b"SLEEP", b"0.03"]]
    assert entries[0][2] >= 30000
    client.close()


# -- LATENCY -------------------------------------------------------------------

def test_latency_monitor_records_spikes(server_factory):
    srv = server_factory({"latency-monitor-threshold": "20"})
    client = srv.client()
    client.execute_command("PING")
    client.execute_command("DEBUG", "SLEEP", "0.05")
    latest = client.execute_command("LATENCY", "LATEST")
    assert [row[0] for row in latest] == [b"command"]
    name, when, last, worst = latest[0]
    assert abs(when - time.time()) < 5 and last >= 50 and worst == last
    history = client.execute_command("LATENCY", "HISTORY", "command")
    assert history == [[when, last]]
    assert client.execute_command("LATENCY", "HISTORY", "nosuch") == []
    assert isinstance(client.execute_command("LATENCY", "DOCTOR"), bytes)
    assert client.execute_command("LATENCY", "RESET", "nosuch") == 0
    assert client.execute_command("LATENCY", "RESET", "command") == 1
    assert client.execute_command("LATENCY", "LATEST") == []
    client.close()


def test_latency_monitor_off_by_default(server_factory):
    client = server_factory().client()
    client.execute_command("DEBUG", "SLEEP", "0.02")
    assert client.execute_command("LATENCY", "LATEST") == []
    assert client.execute_command("LATENCY", "RESET") == 0
    client.close()


def test_latency_histogram(server_factory):
    client = server_factory().client()
    for _ in range(5):
        client.execute_command("SET", "k", "v")
    reply = client.execute_command("LATENCY", "HISTOGRAM", "set", "nosuch")
    assert reply[0] == b"set"
    body = dict(zip(reply[1][::2], reply[1][1::2]))
    assert body[b"calls"] == 5
    buckets = body[b"histogram_usec"]
    counts = buckets[1::2]
    assert counts == sorted(counts) and counts[-1] == 5
    client.close()


# -- DEBUG ---------------------------------------------------------------------

@pytest.mark.parametrize("stored, encoding, length", [
    ("hello", "embstr", 6), ("12345", "int", 3), ("100000", "int", 5),
    ("99999999999", "int", 12), ("-5", "int", 2), ("a" * 100, "raw", 13),
    ("abcdefghijklmnopqrstuvwxyz0123456789", "embstr", 37), ("x" * 21, "embstr", 9),
    ("0123456789012345678901", "embstr", 23), ("b" * 20000, "raw", 242),
])
def test_debug_object_matches_redis(server_factory, raw, stored, encoding, length):
    conn = raw(server_factory())
    conn.command("SET", "k", stored)
    reply = conn.command("DEBUG", "OBJECT", "k")
    m = re.fullmatch(rb"\+Value at:0x[0-9a-f]+ refcount:(\d+) encoding:(\S+) "
                     rb"serializedlength:(\d+) lru:\d+ lru_seconds_idle:\d+\r\n", reply)
    assert m, reply
    assert m.group(2).decode() == encoding and int(m.group(3)) == length


def test_debug_change_repl_id(server_factory, raw):
    conn = raw(server_factory())
    before, _ = info_sections(conn, "replication")
    assert conn.command("DEBUG", "CHANGE-REPL-ID") == b"+OK\r\n"
    after, _ = info_sections(conn, "replication")
    old_id = value(before, "Replication", "master_replid")
    new_id = value(after, "Replication", "master_replid")
    assert new_id != old_id and re.fullmatch(r"[0-9a-f]{40}", new_id)
    assert value(after, "Replication", "master_replid2") == "0" * 40


def test_debug_argument_errors(server_factory, raw):
    conn = raw(server_factory())
    assert conn.command("DEBUG", "SLEEP") == (
        b"-ERR unknown subcommand or wrong number of arguments for 'SLEEP'. "
        b"Try DEBUG HELP.\r\n")
    assert conn.command("DEBUG", "OBJECT", "a", "b").startswith(b"-ERR unknown subcommand")
    assert conn.command("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100") == b"+OK\r\n"
    assert conn.command("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5gb") == (
        b"-ERR argument must be a memory value bigger than 1 and smaller than 4gb\r\n")
    assert conn.command("DEBUG", "HELP").startswith(b"*")


def test_debug_refused_even_for_bad_subcommands(server_factory, raw):
    conn = raw(server_factory({"enable-debug-command": "no"}))
    assert conn.command("DEBUG", "NOSUCH").startswith(b"-ERR DEBUG command not allowed.")
    assert conn.command("DEBUG") == b"-ERR wrong number of arguments for 'debug' command\r\n"
