/* dump — DUMP and RESTORE; see dump.h.
 *
 * Payloads from clients are untrusted: the footer is checked first, then
 * the value is read with the same validating reader as RDB files, and it
 * must end exactly where the footer begins.  Vigil validates every payload
 * in full whatever sanitize-dump-payload says (a malformed blob must never
 * reach the type code); the setting only decides what INFO counts as a
 * deep sanitization.
 */
#include "dump.h"

#include "client.h"
#include "config.h"
#include "crc64.h"
#include "db.h"
#include "notify.h"
#include "mem.h"
#include "numconv.h"
#include "propagate.h"
#include "rdb.h"
#include "reply.h"
#include "server.h"

#include <string.h>

#define FOOTER_LEN 10

vstr dump_payload(const vobj *o)
{
    vstr buf = vstr_empty();
    struct rdb_out out;
    rdb_out_init_buffer(&out, &buf);
    out.checksum = 0;
    int type = rdb_value_type(o);
    if (type < 0 || rdb_write_type(&out, (unsigned char)type) < 0 || rdb_write_value(&out, o) < 0) {
        vstr_free(buf);
        return NULL;
    }
    unsigned char footer[FOOTER_LEN];
    footer[0] = RDB_VERSION & 0xFF;
    footer[1] = RDB_VERSION >> 8;
    buf = vstr_cat(buf, footer, 2);
    uint64_t crc = crc64(0, buf, vstr_len(buf));
    for (int i = 0; i < 8; i++)
        footer[2 + i] = (unsigned char)(crc >> (8 * i));
    return vstr_cat(buf, footer + 2, 8);
}

int dump_verify(const char *p, size_t len)
{
    if (len < FOOTER_LEN)
        return -1;
    const unsigned char *footer = (const unsigned char *)p + len - FOOTER_LEN;
    unsigned version = footer[0] | (unsigned)footer[1] << 8;
    if (version > RDB_VERSION)
        return -1;
    uint64_t crc = crc64(0, p, len - 8), stored = 0;
    for (int i = 7; i >= 0; i--)
        stored = stored << 8 | footer[2 + i];
    return crc == stored ? 0 : -1;
}

vobj *dump_load(const char *p, size_t len, int deep)
{
    struct rdb_in in;
    struct rdb_in_buffer src;
    rdb_in_init_buffer(&in, &src, p, len - FOOTER_LEN);
    in.checksum = 0;
    in.count_sanitizations = deep;
    int type = rdb_read_type(&in);
    if (type < 0 || !rdb_is_value_type(type))
        return NULL;
    vobj *o = rdb_read_value(&in, type);
    if (o && src.off != src.len) {
        obj_decr_ref(o);
        return NULL;
    }
    return o;
}

/* ---- commands ---- */

static void dump_command(struct client *c)
{
    vobj *o = db_lookup_read(c->db, client_arg(c, 1), client_arg_len(c, 1));
    if (!o) {
        reply_null(c);
        return;
    }
    vstr payload = dump_payload(o);
    if (!payload) {
        reply_error(c, "Bad data format");
        return;
    }
    reply_bulk(c, payload, vstr_len(payload));
    vstr_free(payload);
}

struct restore_opts {
    int replace, absttl;
    long long idle, freq; /* -1: not given */
};

/* Parses the options after the payload; replies and returns -1 on error.
 * IDLETIME and FREQ exclude each other: the second is a syntax error. */
static int parse_restore_opts(struct client *c, struct restore_opts *o)
{
    *o = (struct restore_opts){0, 0, -1, -1};
    for (int j = 4; j < c->argc; j++) {
        int more = c->argc - j - 1;
        if (client_arg_is(c, j, "replace")) {
            o->replace = 1;
        } else if (client_arg_is(c, j, "absttl")) {
            o->absttl = 1;
        } else if (client_arg_is(c, j, "idletime") && more >= 1 && o->freq == -1) {
            if (numconv_to_ll(client_arg(c, j + 1), client_arg_len(c, j + 1), &o->idle) < 0) {
                reply_error_not_integer(c);
                return -1;
            }
            if (o->idle < 0) {
                reply_error(c, "Invalid IDLETIME value, must be >= 0");
                return -1;
            }
            j++;
        } else if (client_arg_is(c, j, "freq") && more >= 1 && o->idle == -1) {
            if (numconv_to_ll(client_arg(c, j + 1), client_arg_len(c, j + 1), &o->freq) < 0) {
                reply_error_not_integer(c);
                return -1;
            }
            if (o->freq < 0 || o->freq > 255) {
                reply_error(c, "Invalid FREQ value, must be >= 0 and <= 255");
                return -1;
            }
            j++;
        } else {
            reply_error_syntax(c);
            return -1;
        }
    }
    return 0;
}

/* Sanitization as sanitize-dump-payload asks: "clients" spares our primary. */
static int wants_deep_sanitization(struct client *c)
{
    if (cfg.sanitize_dump_payload == SANITIZE_DUMP_CLIENTS)
        return !(c->flags & CLIENT_MASTER);
    return cfg.sanitize_dump_payload == SANITIZE_DUMP_YES;
}

static vstr *copy_args(struct client *c, int extra)
{
    vstr *argv = mem_malloc(sizeof(vstr) * (size_t)(c->argc + extra));
    for (int i = 0; i < c->argc; i++)
        argv[i] = vstr_new(client_arg(c, i), client_arg_len(c, i));
    return argv;
}

/* Replicas and the AOF get the TTL as a time, not a delay, so a later
 * replay does not extend the key's life. */
static void propagate_absolute_ttl(struct client *c, long long when)
{
    if (!propagate_active())
        return;
    vstr *argv = copy_args(c, 1);
    vstr_free(argv[2]);
    argv[2] = vstr_from_ll(when);
    argv[c->argc] = vstr_from("ABSTTL");
    propagate_rewrite(c, c->argc + 1, argv);
}

static void propagate_delete(struct client *c, const char *key, size_t klen)
{
    if (!propagate_active())
        return;
    vstr *argv = mem_malloc(2 * sizeof(vstr));
    argv[0] = vstr_from(cfg.lazyfree_lazy_server_del ? "UNLINK" : "DEL");
    argv[1] = vstr_new(key, klen);
    propagate_rewrite(c, 2, argv);
}

/* A restore whose TTL is already past only deletes what it replaces. */
static void restore_expired(struct client *c, const char *key, size_t klen, int deleted)
{
    if (deleted) {
        propagate_delete(c, key, klen);
        db_signal_modified_key(c, c->db, key, klen);
        notify_keyspace_event(NOTIFY_GENERIC, "del", key, klen, c->db->id);
        server.dirty++;
    }
    reply_ok(c);
}

static void restore_command(struct client *c)
{
    struct restore_opts opts;
    const char *key = client_arg(c, 1);
    size_t klen = client_arg_len(c, 1);
    long long ttl;
    if (parse_restore_opts(c, &opts) < 0)
        return;
    if (!opts.replace && db_lookup_write(c->db, key, klen)) {
        reply_error(c, "-BUSYKEY Target key name already exists.");
        return;
    }
    if (numconv_to_ll(client_arg(c, 2), client_arg_len(c, 2), &ttl) < 0) {
        reply_error_not_integer(c);
        return;
    }
    if (ttl < 0) {
        reply_error(c, "Invalid TTL value, must be >= 0");
        return;
    }
    const char *payload = client_arg(c, 3);
    size_t plen = client_arg_len(c, 3);
    if (dump_verify(payload, plen) < 0) {
        reply_error(c, "DUMP payload version or checksum are wrong");
        return;
    }
    vobj *o = dump_load(payload, plen, wants_deep_sanitization(c));
    if (!o) {
        reply_error(c, "Bad data format");
        return;
    }
    int deleted = opts.replace && db_delete(c->db, key, klen);
    if (ttl && !opts.absttl)
        ttl += server.mstime;
    if (ttl && ttl <= server.mstime && !server_is_replica()) {
        obj_decr_ref(o);
        restore_expired(c, key, klen, deleted);
        return;
    }
    db_add(c->db, key, klen, o);
    if (ttl) {
        db_set_expire(c, c->db, key, klen, ttl);
        if (!opts.absttl)
            propagate_absolute_ttl(c, ttl);
    }
    rdb_set_access_time(o, opts.idle, (int)opts.freq);
    db_signal_modified_key(c, c->db, key, klen);
    notify_keyspace_event(NOTIFY_GENERIC, "restore", key, klen, c->db->id);
    server.dirty++;
    reply_ok(c);
}

struct command dump_commands[] = {
    {.name = "dump",
     .proc = dump_command,
     .arity = 2,
     .flags = "readonly",
     .acl = "@keyspace",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .tips = "nondeterministic_output",
     .group = "generic",
     .since = "2.6.0",
     .summary = "Return a serialized version of the value stored at the specified key.",
     .complexity = "O(1) to access the key and additional O(N*M) to serialize it, where N is "
                   "the number of Redis objects composing the value and M their average size. "
                   "For small string values the time complexity is thus O(1)+O(1*M) where M is "
                   "small, so simply O(1)."},
    {.name = "restore",
     .proc = restore_command,
     .arity = -4,
     .flags = "write denyoom",
     .acl = "@keyspace @dangerous",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .key_specs = "OW update|index 1|range 0 1 0",
     .args = "key:key#0 ttl:integer serialized-value:string ?replace:pure-token=REPLACE@3.0.0 "
             "?absttl:pure-token=ABSTTL@5.0.0 ?seconds:integer=IDLETIME@5.0.0 "
             "?frequency:integer=FREQ@5.0.0",
     .history = "3.0.0 Added the `REPLACE` modifier.\n5.0.0 Added the `ABSTTL` modifier.\n"
                "5.0.0 Added the `IDLETIME` and `FREQ` options.",
     .group = "generic",
     .since = "2.6.0",
     .summary = "Create a key using the provided serialized value, previously obtained using "
                "DUMP.",
     .complexity = "O(1) to create the new key and additional O(N*M) to reconstruct the "
                   "serialized value, where N is the number of Redis objects composing the "
                   "value and M their average size. For small string values the time "
                   "complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However "
                   "for sorted set values the complexity is O(N*M*log(N)) because inserting "
                   "values into sorted sets is O(log(N))."},
    {0},
};
