/* Unit tests for server/config and the notify-keyspace-events flags: defaults as
 * redis-server 7.0.15 reports them, parsing and error texts, aliases,
 * atomic multi-parameter CONFIG SET, loading and CONFIG REWRITE. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "notify.h"
#include "log.h"
#include "mem.h"

/* ---------- helpers ---------- */

static char tmpdir[] = "/tmp/vigil-config-XXXXXX";
static char *start_cwd;

static void setup(void)
{
    strcpy(tmpdir, "/tmp/vigil-config-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    start_cwd = getcwd(NULL, 0);
    config_init_defaults();
}

static void teardown(void)
{
    ck_assert_int_eq(chdir(start_cwd), 0);
    free(start_cwd);
    vstr cmd = vstr_catfmt(vstr_empty(), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
    vstr_free(cmd);
}

static vstr write_tmp(const char *name, const char *content)
{
    vstr path = vstr_catfmt(vstr_empty(), "%s/%s", tmpdir, name);
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(content, fp);
    fclose(fp);
    return path;
}

static vstr read_all(const char *path)
{
    FILE *fp = fopen(path, "r");
    ck_assert_ptr_nonnull(fp);
    vstr s = vstr_empty();
    char buf[1024];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
        s = vstr_cat(s, buf, n);
    fclose(fp);
    return s;
}

/* CONFIG SET with one pair; returns the error text or NULL on success. */
static vstr set1(const char *name, const char *value)
{
    size_t nl = strlen(name), vl = strlen(value);
    vstr err = NULL;
    if (config_set(1, &name, &nl, &value, &vl, &err) == 0)
        return NULL;
    ck_assert_ptr_nonnull(err);
    return err;
}

static void assert_set_ok(const char *name, const char *value)
{
    vstr err = set1(name, value);
    ck_assert_msg(err == NULL, "CONFIG SET %s %s failed: %s", name, value, err);
}

static void assert_set_error(const char *name, const char *value, const char *expected)
{
    vstr err = set1(name, value);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err, expected);
    vstr_free(err);
}

static void assert_value(const char *name, const char *expected)
{
    vstr v = config_render(name);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(v, expected);
    vstr_free(v);
}

/* Gathers CONFIG GET output as "name=value;" in emission order. */
static void gather(void *ctx, const char *name, const vstr value)
{
    vstr *out = ctx;
    *out = vstr_catfmt(*out, "%s=%s;", name, value);
}

static vstr get(const char *pattern)
{
    vstr out = vstr_empty();
    config_get(pattern, strlen(pattern), gather, &out);
    return out;
}

/* ---------- defaults ---------- */

START_TEST(defaults_match_redis)
{
    /* Observed with `CONFIG GET *` on redis-server 7.0.15. */
    static const char *const expected[][2] = {
        {"port", "6379"},
        {"bind", "* -::*"},
        {"protected-mode", "yes"},
        {"tcp-backlog", "511"},
        {"timeout", "0"},
        {"tcp-keepalive", "300"},
        {"maxclients", "10000"},
        {"unixsocketperm", "0"},
        {"daemonize", "no"},
        {"loglevel", "notice"},
        {"logfile", ""},
        {"pidfile", ""},
        {"databases", "16"},
        {"save", "3600 1 300 100 60 10000"},
        {"dbfilename", "dump.rdb"},
        {"appendonly", "no"},
        {"appendfilename", "appendonly.aof"},
        {"appenddirname", "appendonlydir"},
        {"appendfsync", "everysec"},
        {"auto-aof-rewrite-min-size", "67108864"},
        {"proto-max-bulk-len", "536870912"},
        {"client-query-buffer-limit", "1073741824"},
        {"client-output-buffer-limit",
         "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
        {"hz", "10"},
        {"dynamic-hz", "yes"},
        {"maxmemory", "0"},
        {"maxmemory-policy", "noeviction"},
        {"maxmemory-samples", "5"},
        {"slowlog-log-slower-than", "10000"},
        {"slowlog-max-len", "128"},
        {"latency-monitor-threshold", "0"},
        {"latency-tracking-info-percentiles", "50 99 99.9"},
        {"hash-max-listpack-entries", "512"},
        {"list-max-listpack-size", "-2"},
        {"zset-max-listpack-value", "64"},
        {"repl-backlog-size", "1048576"},
        {"replica-priority", "100"},
        {"replicaof", ""},
        {"notify-keyspace-events", ""},
        {"oom-score-adj-values", "0 200 800"},
        {"enable-debug-command", "no"},
        {"shutdown-on-sigint", "default"},
        {"proc-title-template", "{title} {listen-addr} {server-mode}"},
        {"syslog-ident", "redis"},
        {"requirepass", ""},
    };
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
        assert_value(expected[i][0], expected[i][1]);
    ck_assert_int_eq(cfg.port, 6379);
    ck_assert_ptr_null(cfg.requirepass);
    ck_assert_int_eq(cfg.bind_count, 2);
    ck_assert_str_eq(cfg.bind[1], "-::*");
    ck_assert_int_eq(cfg.save_params_count, 3);
    ck_assert_int_eq(cfg.client_obuf_limits[CLIENT_CLASS_REPLICA].soft, 64 * 1024 * 1024);
    ck_assert_int_eq(cfg.maxmemory_policy, MAXMEMORY_NO_EVICTION);
    ck_assert_int_eq(cfg.enable_debug_command, CONFIG_ACCESS_NO);
}
END_TEST

START_TEST(get_star_lists_names_and_aliases)
{
    vstr all = get("*");
    int count = 0;
    for (const char *p = all; (p = strchr(p, ';')) != NULL; p++)
        count++;
    /* redis-server 7.0.15 answers 192 parameters to CONFIG GET *. */
    ck_assert_int_eq(count, 192);
    ck_assert_ptr_nonnull(strstr(all, "slaveof=;"));
    ck_assert_ptr_nonnull(strstr(all, "lua-time-limit=5000;"));
    ck_assert_ptr_null(strstr(all, "key-load-delay"));
    ck_assert_ptr_null(strstr(all, "rename-command"));
    vstr_free(all);
}
END_TEST

/* ---------- values and errors ---------- */

START_TEST(memory_units)
{
    static const char *const cases[][2] = {
        {"1k", "1000"},       {"1K", "1000"},       {"1kb", "1024"},
        {"1KB", "1024"},      {"1m", "1000000"},    {"1mb", "1048576"},
        {"1g", "1000000000"}, {"1Gb", "1073741824"}, {"10b", "10"},
        {"20gb", "21474836480"}, {"", "0"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_set_ok("maxmemory", cases[i][0]);
        assert_value("maxmemory", cases[i][1]);
    }
    const char *bad[] = {"1.5g", "+5", "-1", "10x", " 10", "1kbb"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_set_error("maxmemory", bad[i],
                         "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - "
                         "argument must be a memory value");
    int err;
    ck_assert_int_eq(config_parse_memory("2mb", &err), 2 * 1024 * 1024);
    ck_assert_int_eq(err, 0);
    config_parse_memory("2tb", &err);
    ck_assert_int_eq(err, 1);
}
END_TEST

START_TEST(integer_bounds_and_parsing)
{
    assert_set_error("port", "70000",
                     "ERR CONFIG SET failed (possibly related to argument 'port') - argument must "
                     "be between 0 and 65535 inclusive");
    assert_set_error("port", "01",
                     "ERR CONFIG SET failed (possibly related to argument 'port') - argument "
                     "couldn't be parsed into an integer");
    assert_set_error("timeout", "-1",
                     "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument "
                     "must be between 0 and 2147483647 inclusive");
    assert_set_error("proto-max-bulk-len", "10",
                     "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - "
                     "argument must be between 1048576 and 9223372036854775807 inclusive");
    assert_set_error("hash-max-listpack-entries", "-1",
                     "ERR CONFIG SET failed (possibly related to argument "
                     "'hash-max-listpack-entries') - argument must be between 0 and "
                     "9223372036854775807 inclusive");
    assert_set_ok("slowlog-log-slower-than", "-1");
    ck_assert_int_eq(cfg.slowlog_log_slower_than, -1);
    assert_set_ok("port", "7000");
    ck_assert_int_eq(cfg.port, 7000);
    /* Redis clamps hz silently. */
    assert_set_ok("hz", "0");
    assert_value("hz", "1");
    assert_set_ok("hz", "1000");
    ck_assert_int_eq(cfg.hz, 500);
}
END_TEST

START_TEST(bool_enum_and_immutable_errors)
{
    assert_set_error("appendonly", "maybe",
                     "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument "
                     "must be 'yes' or 'no'");
    assert_set_error("maxmemory-policy", "bad",
                     "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - "
                     "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
                     "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
                     "noeviction");
    assert_set_error("databases", "3",
                     "ERR CONFIG SET failed (possibly related to argument 'databases') - can't "
                     "set immutable config");
    assert_set_error("slaveof", "a 1",
                     "ERR CONFIG SET failed (possibly related to argument 'slaveof') - can't set "
                     "immutable config");
    assert_set_error("dir", "/tmp",
                     "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set "
                     "protected config");
    assert_set_error("foo", "bar", "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
    assert_set_error("rename-command", "a b",
                     "ERR Unknown option or number of arguments for CONFIG SET - "
                     "'rename-command'");
    assert_set_ok("appendfsync", "ALWAYS");
    assert_value("appendfsync", "always");
    ck_assert_int_eq(cfg.appendfsync, APPENDFSYNC_ALWAYS);
    assert_set_ok("activerehashing", "NO");
    ck_assert_int_eq(cfg.activerehashing, 0);
    assert_set_ok("maxmemory-clients", "5%");
    assert_value("maxmemory-clients", "5%");
    assert_set_error("maxmemory-clients", "101%",
                     "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - "
                     "percentage argument must be less or equal to 100");
}
END_TEST

START_TEST(special_parameters)
{
    assert_set_ok("save", "");
    assert_value("save", "");
    ck_assert_int_eq(cfg.save_params_count, 0);
    assert_set_error("save", "100 1 10",
                     "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save "
                     "parameters");
    assert_set_error("save", "0 0",
                     "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save "
                     "parameters");
    assert_set_ok("save", "900 1 60 0");
    ck_assert_int_eq(cfg.save_params[1].seconds, 60);

    assert_set_ok("client-output-buffer-limit", "normal 1mb 2k 3");
    assert_value("client-output-buffer-limit",
                 "normal 1048576 2000 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
    assert_set_ok("client-output-buffer-limit", "replica 1 2 3 pubsub 4 5 6");
    ck_assert_int_eq(cfg.client_obuf_limits[CLIENT_CLASS_REPLICA].hard, 1);
    assert_set_error("client-output-buffer-limit", "foo 1 2 3",
                     "ERR CONFIG SET failed (possibly related to argument "
                     "'client-output-buffer-limit') - Invalid client class specified in buffer "
                     "limit configuration.");

    assert_set_ok("bind", "127.0.0.1 -::1");
    ck_assert_int_eq(cfg.bind_count, 2);
    ck_assert_str_eq(cfg.bind[0], "127.0.0.1");

    assert_set_ok("oom-score-adj-values", "-1 2 3");
    assert_value("oom-score-adj-values", "-1 2 3");
    assert_set_error("oom-score-adj-values", "1 2 3000",
                     "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') "
                     "- Invalid oom-score-adj-values, elements must be between -2000 and 2000.");

    assert_set_ok("shutdown-on-sigint", "nosave now");
    assert_value("shutdown-on-sigint", "nosave now");
    assert_set_error("shutdown-on-sigterm", "save nosave",
                     "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigterm') "
                     "- shutdown options SAVE and NOSAVE can't be used simultaneously");

    assert_set_ok("latency-tracking-info-percentiles", "99.999999 0.5 100");
    assert_value("latency-tracking-info-percentiles", "99.999999 0.5 100");
}
END_TEST

START_TEST(notify_keyspace_events_normalised)
{
    /* Input -> what redis-server 7.0.15 shows back. */
    static const char *const cases[][2] = {
        {"A", "A"},         {"KEA", "AKE"},      {"Kx", "xK"},  {"g$lshzxetd", "A"},
        {"KAmn", "AKm"},    {"nK", "nK"},        {"ngE", "gnE"}, {"dtexzhsl$n", "$lshzxetdn"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_set_ok("notify-keyspace-events", cases[i][0]);
        assert_value("notify-keyspace-events", cases[i][1]);
    }
    assert_set_error("notify-keyspace-events", "kz",
                     "ERR CONFIG SET failed (possibly related to argument "
                     "'notify-keyspace-events') - Invalid event class character. Use "
                     "'Ag$lshzxeKEtmdn'.");
    ck_assert_int_eq(notify_flags_parse("Kg"), NOTIFY_KEYSPACE | NOTIFY_GENERIC);
    ck_assert_int_eq(notify_flags_parse("A") & NOTIFY_KEY_MISS, 0);
    ck_assert_int_eq(notify_flags_parse("K?"), -1);
    vstr r = notify_flags_render(NOTIFY_KEYEVENT | NOTIFY_EXPIRED);
    ck_assert_str_eq(r, "xE");
    vstr_free(r);
}
END_TEST

/* ---------- aliases and CONFIG GET ---------- */

START_TEST(aliases)
{
    assert_set_ok("slave-priority", "5");
    assert_value("replica-priority", "5");
    ck_assert_int_eq(cfg.replica_priority, 5);
    assert_set_ok("hash-max-ziplist-entries", "99");
    ck_assert_int_eq(cfg.hash_max_listpack_entries, 99);

    vstr out = get("slave-pri*");
    ck_assert_str_eq(out, "slave-priority=5;");
    vstr_free(out);
    out = get("*-priority");
    ck_assert_str_eq(out, "replica-priority=5;slave-priority=5;");
    vstr_free(out);
    /* An exact name is echoed as asked, hidden parameters included. */
    out = get("SLAVEOF");
    ck_assert_str_eq(out, "SLAVEOF=;");
    vstr_free(out);
    out = get("key-load-delay");
    ck_assert_str_eq(out, "key-load-delay=0;");
    vstr_free(out);
    out = get("no-such-thing");
    ck_assert_str_eq(out, "");
    vstr_free(out);
}
END_TEST

START_TEST(get_multi_emits_each_once)
{
    const char *patterns[] = {"port", "PORT", "po*"};
    size_t lens[] = {4, 4, 3};
    vstr out = vstr_empty();
    config_get_multi(3, patterns, lens, gather, &out);
    ck_assert_str_eq(out, "port=6379;");
    vstr_free(out);
}
END_TEST

START_TEST(sensitive_flags)
{
    ck_assert_int_eq(config_is_sensitive("requirepass", 11), 1);
    ck_assert_int_eq(config_is_sensitive("MASTERAUTH", 10), 1);
    ck_assert_int_eq(config_is_sensitive("port", 4), 0);
}
END_TEST

/* ---------- atomic CONFIG SET ---------- */

static int hook_calls;
static int failing_hook(const char **err)
{
    hook_calls++;
    *err = "Unable to apply for the test";
    return -1;
}

static int counting_hook(const char **err)
{
    (void)err;
    hook_calls++;
    return 0;
}

START_TEST(multi_set_rolls_back_on_bad_value)
{
    const char *names[] = {"maxmemory", "port", "save", "hz"};
    const char *values[] = {"10mb", "7001", "", "abc"};
    size_t nl[] = {9, 4, 4, 2}, vl[] = {4, 4, 0, 3};
    vstr err = NULL;
    ck_assert_int_eq(config_set(4, names, nl, values, vl, &err), -1);
    ck_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument 'hz') - argument "
                          "couldn't be parsed into an integer");
    vstr_free(err);
    ck_assert_int_eq(cfg.maxmemory, 0);
    ck_assert_int_eq(cfg.port, 6379);
    ck_assert_int_eq(cfg.save_params_count, 3);

    values[3] = "20";
    ck_assert_int_eq(config_set(4, names, nl, values, vl, &err), 0);
    ck_assert_int_eq(cfg.maxmemory, 10 * 1024 * 1024);
    ck_assert_int_eq(cfg.port, 7001);
    ck_assert_int_eq(cfg.hz, 20);
}
END_TEST

START_TEST(multi_set_duplicates_and_hook_rollback)
{
    const char *names[] = {"port", "maxmemory-policy", "port"};
    const char *values[] = {"1", "allkeys-lru", "2"};
    size_t nl[] = {4, 16, 4}, vl[] = {1, 11, 1};
    vstr err = NULL;
    ck_assert_int_eq(config_set(3, names, nl, values, vl, &err), -1);
    ck_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument 'port') - "
                          "duplicate parameter");
    vstr_free(err);

    ck_assert_int_eq(config_register_apply("maxmemory-policy", failing_hook), 0);
    ck_assert_int_eq(config_register_apply("no-such-parameter", failing_hook), -1);
    hook_calls = 0;
    ck_assert_int_eq(config_set(2, names, nl, values, vl, &err), -1);
    ck_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument "
                          "'maxmemory-policy') - Unable to apply for the test");
    vstr_free(err);
    ck_assert_int_eq(cfg.port, 6379);
    ck_assert_int_eq(cfg.maxmemory_policy, MAXMEMORY_NO_EVICTION);
    ck_assert_int_ge(hook_calls, 1);
    config_register_apply("maxmemory-policy", NULL);

    /* A hook runs once per CONFIG SET, and only when its value changed. */
    config_register_apply("port", counting_hook);
    hook_calls = 0;
    ck_assert_int_eq(config_set(1, names, nl, values, vl, &err), 0);
    ck_assert_int_eq(hook_calls, 1);
    ck_assert_int_eq(config_set(1, names, nl, values, vl, &err), 0);
    ck_assert_int_eq(hook_calls, 1);
    config_register_apply("port", NULL);
}
END_TEST

START_TEST(protected_config_levels)
{
    const char *name = "dbfilename", *value = "other.rdb";
    size_t nl = strlen(name), vl = strlen(value);
    vstr err = NULL;
    cfg.enable_protected_configs = CONFIG_ACCESS_LOCAL;
    ck_assert_int_eq(config_set_ex(1, &name, &nl, &value, &vl, 0, &err), -1);
    vstr_free(err);
    ck_assert_int_eq(config_set_ex(1, &name, &nl, &value, &vl, 1, &err), 0);
    ck_assert_str_eq(cfg.dbfilename, "other.rdb");
    value = "a/b";
    vl = 3;
    ck_assert_int_eq(config_set_ex(1, &name, &nl, &value, &vl, 1, &err), -1);
    ck_assert_str_eq(err, "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - "
                          "dbfilename can't be a path, just a filename");
    vstr_free(err);
}
END_TEST

/* ---------- loading ---------- */

START_TEST(load_file_and_command_line)
{
    vstr path = write_tmp("a.conf", "# test\nport 7000\nsave 100 1\nsave 200 2\n"
                                    "slaveof 10.0.0.1 6380\nmaxmemory 2mb\n"
                                    "rename-command DEBUG \"\"\n");
    char *argv[] = {"--port", "7001", "--requirepass", "s3cret"};
    vstr err = NULL;
    ck_assert_int_eq(config_load(path, 4, argv, &err), 0);
    ck_assert_int_eq(cfg.port, 7001);
    ck_assert_str_eq(cfg.requirepass, "s3cret");
    ck_assert_str_eq(cfg.replicaof_host, "10.0.0.1");
    ck_assert_int_eq(cfg.replicaof_port, 6380);
    assert_value("save", "100 1 200 2");
    ck_assert_int_eq(cfg.maxmemory, 2 * 1024 * 1024);
    ck_assert_str_eq(config_file_path(), path);
    config_log_ignored();
    vstr_free(path);
}
END_TEST

START_TEST(load_errors_name_the_file)
{
    vstr path = write_tmp("bad.conf", "port 1\nfoo bar\n");
    vstr err = NULL;
    ck_assert_int_eq(config_load(path, 0, NULL, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "*** FATAL CONFIG FILE ERROR (Vigil "));
    ck_assert_ptr_nonnull(strstr(err, ">>> 'foo bar'\nBad directive or wrong number of arguments"));
    vstr line = vstr_catfmt(vstr_empty(), "Reading the configuration file %s, at line 2\n", path);
    ck_assert_ptr_nonnull(strstr(err, line));
    vstr_free(line);
    vstr_free(err);

    char *argv[] = {"--port", "abc"};
    ck_assert_int_eq(config_load(NULL, 2, argv, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, ">>> 'port \"abc\"'\nargument couldn't be parsed into an integer"));
    vstr_free(err);

    char *missing[] = {"--masterauth"};
    ck_assert_int_eq(config_load(NULL, 1, missing, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "wrong number of arguments"));
    vstr_free(err);
    vstr_free(path);
}
END_TEST

/* ---------- rewrite ---------- */

START_TEST(rewrite_without_file)
{
    vstr err = NULL;
    ck_assert_int_eq(config_rewrite(&err), -1);
    ck_assert_str_eq(err, "ERR The server is running without a config file");
    vstr_free(err);
}
END_TEST

START_TEST(rewrite_round_trip)
{
    vstr path = write_tmp("r.conf", "# top comment\n"
                                    "port 0\n"
                                    "\n"
                                    "# mid comment\n"
                                    "slaveof 10.0.0.1 6380\n"
                                    "maxmemory 100mb\n"
                                    "maxmemory 200mb\n"
                                    "save 100 1\n"
                                    "hash-max-ziplist-entries 100\n"
                                    "rename-command DEBUG \"\"\n"
                                    "appendonly no\n");
    vstr err = NULL;
    ck_assert_int_eq(config_load(path, 0, NULL, &err), 0);
    assert_set_ok("maxmemory", "3gb");
    assert_set_ok("hash-max-listpack-entries", "128");
    assert_set_ok("client-output-buffer-limit", "pubsub 1mb 2 3");
    assert_set_ok("notify-keyspace-events", "KEA");
    assert_set_ok("masterauth", "x y");
    assert_set_ok("loglevel", "warning");
    ck_assert_int_eq(config_rewrite(&err), 0);

    vstr text = read_all(path);
    const char *expected_head = "# top comment\n"
                                "port 0\n"
                                "\n"
                                "# mid comment\n"
                                "replicaof 10.0.0.1 6380\n"
                                "maxmemory 3gb\n"
                                "\n"
                                "save 100 1\n"
                                "hash-max-listpack-entries 128\n"
                                "rename-command DEBUG \"\"\n"
                                "appendonly no\n"
                                "\n"
                                "# Generated by CONFIG REWRITE\n";
    ck_assert_msg(strncmp(text, expected_head, strlen(expected_head)) == 0, "got:\n%s", text);
    const char *tail = text + strlen(expected_head);
    ck_assert_ptr_nonnull(strstr(tail, "dir \""));
    ck_assert_ptr_nonnull(strstr(tail, "loglevel warning\n"));
    ck_assert_ptr_nonnull(strstr(tail, "masterauth \"x y\"\n"));
    ck_assert_ptr_nonnull(strstr(tail, "notify-keyspace-events \"AKE\"\n"));
    ck_assert_ptr_nonnull(strstr(tail, "client-output-buffer-limit pubsub 1mb 2 3\n"));
    ck_assert_ptr_null(strstr(tail, "client-output-buffer-limit normal"));
    ck_assert_ptr_null(strstr(tail, "maxmemory-policy"));
    vstr_free(text);

    /* Reloading the rewritten file gives back the same values. */
    config_init_defaults();
    ck_assert_int_eq(config_load(path, 0, NULL, &err), 0);
    ck_assert_int_eq(cfg.maxmemory, 3ULL * 1024 * 1024 * 1024);
    ck_assert_int_eq(cfg.hash_max_listpack_entries, 128);
    ck_assert_str_eq(cfg.masterauth, "x y");
    ck_assert_int_eq(cfg.loglevel, LOG_WARNING);
    assert_value("notify-keyspace-events", "AKE");
    assert_value("save", "100 1");
    ck_assert_int_eq(cfg.client_obuf_limits[CLIENT_CLASS_PUBSUB].hard, 1024 * 1024);

    /* A second rewrite with nothing changed is stable. */
    vstr before = read_all(path);
    ck_assert_int_eq(config_rewrite(&err), 0);
    vstr after = read_all(path);
    ck_assert_str_eq(before, after);
    vstr_free(before);
    vstr_free(after);

    /* Dropping the replica role removes its line. */
    mem_free(cfg.replicaof_host);
    cfg.replicaof_host = NULL;
    ck_assert_int_eq(config_rewrite(&err), 0);
    text = read_all(path);
    ck_assert_ptr_null(strstr(text, "replicaof"));
    vstr_free(text);
    vstr_free(path);
}
END_TEST

START_TEST(rewrite_keeps_buffer_limit_lines_by_class)
{
    vstr path = write_tmp("o.conf", "client-output-buffer-limit normal 0 0 0\n"
                                    "client-output-buffer-limit pubsub 32mb 8mb 60\n");
    vstr err = NULL;
    ck_assert_int_eq(config_load(path, 0, NULL, &err), 0);
    assert_set_ok("client-output-buffer-limit", "normal 1mb 1mb 1");
    ck_assert_int_eq(config_rewrite(&err), 0);
    vstr text = read_all(path);
    ck_assert_msg(strncmp(text, "client-output-buffer-limit normal 1mb 1mb 1\n"
                                "client-output-buffer-limit pubsub 32mb 8mb 60\n", 90) == 0,
                  "got:\n%s", text);
    ck_assert_ptr_null(strstr(text, "replica"));
    vstr_free(text);
    vstr_free(path);
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, defaults_match_redis);
    tcase_add_test(tc, get_star_lists_names_and_aliases);
    tcase_add_test(tc, memory_units);
    tcase_add_test(tc, integer_bounds_and_parsing);
    tcase_add_test(tc, bool_enum_and_immutable_errors);
    tcase_add_test(tc, special_parameters);
    tcase_add_test(tc, notify_keyspace_events_normalised);
    tcase_add_test(tc, aliases);
    tcase_add_test(tc, get_multi_emits_each_once);
    tcase_add_test(tc, sensitive_flags);
    tcase_add_test(tc, multi_set_rolls_back_on_bad_value);
    tcase_add_test(tc, multi_set_duplicates_and_hook_rollback);
    tcase_add_test(tc, protected_config_levels);
    tcase_add_test(tc, load_file_and_command_line);
    tcase_add_test(tc, load_errors_name_the_file);
    tcase_add_test(tc, rewrite_without_file);
    tcase_add_test(tc, rewrite_round_trip);
    tcase_add_test(tc, rewrite_keeps_buffer_limit_lines_by_class);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(config_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
