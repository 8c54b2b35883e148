/* debug — DEBUG: test hooks into the server's internals.
 *
 * DEBUG is a single command parsing its own subcommand (as in Redis, whose
 * COMMAND INFO shows no subcommands for it).  It is refused unless
 * enable-debug-command is "yes", or "local" and the client is on loopback
 * or the unix socket; the check comes before anything else so that even a
 * bad subcommand does not reveal what exists.
 */
#include "debug.h"

#include "client.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "numconv.h"
#include "object.h"
#include "debug_digest.h"
#include "rand.h"
#include "rdb.h"
#include "reply.h"
#include "server.h"
#include "snapshot.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LRU_CLOCK_MAX ((1u << OBJ_LRU_BITS) - 1)
/* Redis refuses packed thresholds of 4 GB (less 1 MB) and more. */
#define PACKED_THRESHOLD_MAX ((1ULL << 32) - (1ULL << 20))
#define PACKED_THRESHOLD_DEFAULT (1ULL << 30)
#define DEBUG_SLEEP_MAX 1e9

static int client_is_local(const struct client *c)
{
    return (c->flags & CLIENT_UNIX_SOCKET) || strncmp(c->addr, "127.0.0.1:", 10) == 0 ||
           strncmp(c->addr, "[::1]:", 6) == 0;
}

static int debug_allowed(const struct client *c)
{
    return cfg.enable_debug_command == CONFIG_ACCESS_YES ||
           (cfg.enable_debug_command == CONFIG_ACCESS_LOCAL && client_is_local(c));
}

/* ---- DEBUG OBJECT ---- */

static int count_only(void *ctx, const void *p, size_t len)
{
    (void)ctx;
    (void)p;
    (void)len;
    return 0;
}

/* The serialized length: the bytes the value's RDB body takes. */
static size_t serialized_length(const vobj *o)
{
    struct rdb_out out;
    rdb_out_init(&out, count_only, NULL);
    out.checksum = 0;
    return rdb_write_value(&out, o) == 0 ? (size_t)out.bytes : 0;
}

static unsigned long long idle_seconds(const vobj *o)
{
    unsigned now = server.lruclock;
    unsigned then = o->lru;
    return now >= then ? now - then : now + (LRU_CLOCK_MAX - then);
}

static void debug_object(struct client *c)
{
    vobj *o = db_lookup(c->db, client_arg(c, 2), client_arg_len(c, 2),
                        LOOKUP_NOTOUCH | LOOKUP_NONOTIFY | LOOKUP_NOSTATS);
    if (!o) {
        reply_error_no_such_key(c);
        return;
    }
    char line[256];
    snprintf(line, sizeof line,
             "Value at:%p refcount:%d encoding:%s serializedlength:%zu lru:%u "
             "lru_seconds_idle:%llu",
             (void *)o, o->refcount, obj_encoding_name(o->encoding), serialized_length(o),
             (unsigned)o->lru, idle_seconds(o));
    reply_status(c, line);
}

/* ---- other subcommands ---- */

static void debug_sleep(struct client *c)
{
    double seconds = strtod(client_arg(c, 2), NULL);
    /* Absurd durations (inf, 1e300) would overflow time_t. */
    if (seconds > DEBUG_SLEEP_MAX)
        seconds = DEBUG_SLEEP_MAX;
    if (seconds > 0) {
        struct timespec ts = {.tv_sec = (time_t)seconds,
                              .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9)};
        nanosleep(&ts, NULL);
    }
    reply_ok(c);
}

static void debug_set_active_expire(struct client *c)
{
    server.active_expire_enabled = atoi(client_arg(c, 2));
    reply_ok(c);
}

/* A new random replication id, forgetting the previous one, as Redis's
 * DEBUG CHANGE-REPL-ID does. */
static void debug_change_repl_id(struct client *c)
{
    if (rand_hex(server.replid, RUN_ID_LEN) < 0) {
        reply_error(c, "Unable to read random bytes");
        return;
    }
    memset(server.replid2, '0', RUN_ID_LEN);
    server.replid2[RUN_ID_LEN] = '\0';
    server.second_replid_offset = -1;
    reply_ok(c);
}

static void debug_quicklist_packed_threshold(struct client *c)
{
    long long size;
    if (numconv_to_ll(client_arg(c, 2), client_arg_len(c, 2), &size) < 0 || size < 0 ||
        (unsigned long long)size >= PACKED_THRESHOLD_MAX) {
        reply_error(c, "argument must be a memory value bigger than 1 and smaller than 4gb");
        return;
    }
    server.quicklist_packed_threshold = size ? (size_t)size : PACKED_THRESHOLD_DEFAULT;
    reply_ok(c);
}

/* RELOAD [NOFLUSH] [NOSAVE]: saves, empties the keyspace and loads the
 * file back, which checks the round trip of every value. */
static void debug_reload(struct client *c)
{
    int flush = 1, save = 1;
    for (int i = 2; i < c->argc; i++) {
        if (client_arg_is(c, i, "noflush")) {
            flush = 0;
        } else if (client_arg_is(c, i, "nosave")) {
            save = 0;
        } else {
            reply_error(c, "DEBUG RELOAD only supports the NOFLUSH and NOSAVE options.");
            return;
        }
    }
    if (save && snapshot_save(cfg.dbfilename) < 0) {
        reply_error(c, "-ERR");
        return;
    }
    if (flush)
        db_empty(-1, 0);
    if (snapshot_load(cfg.dbfilename) != 0) {
        reply_error(c, "Error trying to load the RDB dump, check server logs.");
        return;
    }
    log_warning("DB reloaded by DEBUG RELOAD");
    reply_ok(c);
}

/* One dict's part of DEBUG HTSTATS, in Redis's layout. */
static vstr htstats_dict(vstr s, const char *title, dict *d)
{
    size_t size[2], used[2];
    dict_table_stats(d, size, used);
    s = vstr_catfmt(s, "[%s]\n", title);
    if (used[0] + used[1] == 0)
        return vstr_cat_cstr(s, "Hash table 0 stats (main hash table):\n"
                                "No stats available for empty dictionaries\n");
    static const char *const names[] = {"main hash table", "rehashing target"};
    for (int t = 0; t <= 1; t++) {
        if (size[t] == 0)
            continue;
        s = vstr_catfmt(s, "Hash table %d stats (%s):\n table size: %zu\n number of elements: %zu\n",
                        t, names[t], size[t], used[t]);
    }
    return s;
}

static void debug_htstats(struct client *c)
{
    long long id;
    if (numconv_to_ll(client_arg(c, 2), client_arg_len(c, 2), &id) < 0 || id < 0 ||
        id >= cfg.databases) {
        reply_error(c, "Out of range database");
        return;
    }
    struct db *db = db_get((int)id);
    vstr s = htstats_dict(vstr_empty(), "Dictionary HT", db->keys);
    s = htstats_dict(s, "Expires HT", db->expires);
    reply_verbatim(c, s, vstr_len(s));
    vstr_free(s);
}

static void debug_help(struct client *c)
{
    static const char *const lines[] = {
        "CHANGE-REPL-ID",
        "    Give the server a new random replication id and forget the previous one.",
        "    Only for testing replication.",
        "DIGEST",
        "    Output a hex signature representing the current DB content.",
        "DIGEST-VALUE <key> [<key> ...]",
        "    Output a hex signature of the values of all the specified keys.",
        "HTSTATS <dbid>",
        "    Sizes and element counts of the hash tables of database <dbid>.",
        "OBJECT <key>",
        "    Internal details of the value stored at <key>: address, reference count,",
        "    encoding, serialized length and LRU clock.",
        "QUICKLIST-PACKED-THRESHOLD <size>",
        "    List elements of at least <size> bytes are stored in a node of their own.",
        "RELOAD [NOFLUSH] [NOSAVE]",
        "    Save the RDB on disk and reload it back to memory. NOFLUSH keeps the",
        "    current keys, NOSAVE loads the file as it is.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Switch the active expire cycle off (0) or on (1); lazy expiry still runs.",
        "SLEEP <seconds>",
        "    Block the whole server for <seconds> (decimals allowed).",
        NULL,
    };
    reply_help(c, lines);
}

static const struct {
    const char *name;
    int argc; /* including DEBUG and the subcommand; negative: at least -argc */
    void (*fn)(struct client *c);
} subcommands[] = {
    {"help", 2, debug_help},
    {"object", 3, debug_object},
    {"htstats", 3, debug_htstats},
    {"htstats", 4, debug_htstats},
    {"sleep", 3, debug_sleep},
    {"set-active-expire", 3, debug_set_active_expire},
    {"change-repl-id", 2, debug_change_repl_id},
    {"quicklist-packed-threshold", 3, debug_quicklist_packed_threshold},
    {"reload", 2, debug_reload},
    {"reload", 3, debug_reload},
    {"reload", 4, debug_reload},
    {"digest", 2, debug_digest},
    {"digest-value", -2, debug_digest_value},
};

static void debug_command(struct client *c)
{
    if (!debug_allowed(c)) {
        reply_error(c, "DEBUG command not allowed. If the enable-debug-command option is set to "
                       "\"local\", you can run it from a local connection, otherwise you need to "
                       "set this option in the configuration file, and then restart the server.");
        return;
    }
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++) {
        int argc = subcommands[i].argc;
        int arity_ok = argc > 0 ? c->argc == argc : c->argc >= -argc;
        if (client_arg_is(c, 1, subcommands[i].name) && arity_ok) {
            subcommands[i].fn(c);
            return;
        }
    }
    reply_subcommand_syntax_error(c);
}

struct command debug_commands[] = {
    {.name = "debug",
     .proc = debug_command,
     .arity = -2,
     .flags = "admin noscript loading stale protected",
     .group = "server",
     .since = "1.0.0",
     .summary = "A container for debugging commands",
     .complexity = "Depends on subcommand.",
     .doc_flags = "syscmd"},
    {0},
};
