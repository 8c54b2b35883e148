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
#include "mem.h"
#include "numconv.h"
#include "object.h"
#include "debug_digest.h"
#include "reply.h"
#include "server.h"

#include <lzf.h>
#include <openssl/rand.h>
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

/* Bytes of an RDB length prefix. */
static size_t rdb_len_size(size_t len)
{
    if (len < (1 << 6))
        return 1;
    if (len < (1 << 14))
        return 2;
    return len <= UINT32_MAX ? 5 : 9;
}

/* Bytes of an integer in RDB's compact int encodings, or 0 if it has none. */
static size_t rdb_int_size(long long v)
{
    if (v >= -(1 << 7) && v <= (1 << 7) - 1)
        return 2;
    if (v >= -(1 << 15) && v <= (1 << 15) - 1)
        return 3;
    if (v >= -(1LL << 31) && v <= (1LL << 31) - 1)
        return 5;
    return 0;
}

/* What RDB would spend on a string: a compact integer when the text is a
 * short canonical integer, LZF when that saves space, else length + bytes. */
static size_t rdb_string_size(const char *p, size_t len)
{
    long long v;
    if (len <= 11 && numconv_to_ll(p, len, &v) == 0 && rdb_int_size(v))
        return rdb_int_size(v);
    if (cfg.rdbcompression && len > 20) {
        char out[4096];
        char *buf = len - 4 <= sizeof out ? out : mem_malloc(len - 4);
        unsigned comp = lzf_compress(p, (unsigned)len, buf, (unsigned)(len - 4));
        if (buf != out)
            mem_free(buf);
        if (comp)
            return 1 + rdb_len_size(comp) + rdb_len_size(len) + comp;
    }
    return rdb_len_size(len) + len;
}

/* The serialized length of a value.  Strings follow RDB exactly; the other
 * types are estimated from their memory use until rdb.c can tell. */
static size_t serialized_length(const vobj *o)
{
    if (o->type != OBJ_STRING)
        return obj_mem_usage(o);
    char buf[32];
    size_t len;
    const char *p = obj_string_view(o, buf, &len);
    return rdb_string_size(p, len);
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
    unsigned char bytes[RUN_ID_LEN / 2];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        reply_error(c, "Unable to read random bytes");
        return;
    }
    for (size_t i = 0; i < sizeof bytes; i++)
        snprintf(server.replid + i * 2, 3, "%02x", bytes[i]);
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
        "OBJECT <key>",
        "    Internal details of the value stored at <key>: address, reference count,",
        "    encoding, serialized length and LRU clock.",
        "QUICKLIST-PACKED-THRESHOLD <size>",
        "    List elements of at least <size> bytes are stored in a node of their own.",
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
    {"sleep", 3, debug_sleep},
    {"set-active-expire", 3, debug_set_active_expire},
    {"change-repl-id", 2, debug_change_repl_id},
    {"quicklist-packed-threshold", 3, debug_quicklist_packed_threshold},
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
