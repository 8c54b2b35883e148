/* t_string — the string commands over the int/embstr/raw encodings.
 *
 * Values are created the way Redis creates them, because OBJECT ENCODING
 * shows it: SET/MSET/GETSET store canonical integers int-encoded (0..9999
 * as the shared objects), APPEND and SETRANGE turn the value into a private
 * raw string they can grow in place, INCRBYFLOAT stores the formatted text.
 * Every write signals WATCH, sends its keyspace event and counts in
 * server.dirty, with Redis's event names.
 */
#include "t_string.h"

#include "client.h"
#include "db.h"
#include "mem.h"
#include "notify.h"
#include "numconv.h"
#include "propagate.h"
#include "reply.h"
#include "server.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- SET / GETEX options ---- */

#define OPT_NX (1u << 0)
#define OPT_XX (1u << 1)
#define OPT_GET (1u << 2)
#define OPT_KEEPTTL (1u << 3)
#define OPT_PERSIST (1u << 4)
#define OPT_EX (1u << 5)
#define OPT_PX (1u << 6)
#define OPT_EXAT (1u << 7)
#define OPT_PXAT (1u << 8)
#define OPT_ANY_EXPIRE (OPT_EX | OPT_PX | OPT_EXAT | OPT_PXAT)

/* Which command is parsing: the option sets differ. */
#define FOR_SET 1u
#define FOR_GETEX 2u

struct string_option {
    const char *name;
    unsigned flag;
    unsigned conflicts; /* options already given that make this one a syntax error */
    unsigned commands;  /* FOR_SET and/or FOR_GETEX */
    int takes_arg;
};

/* Repeating an option is accepted (the last time wins), mixing exclusive
 * ones is a syntax error, exactly as Redis parses them. */
static const struct string_option string_options[] = {
    {"nx", OPT_NX, OPT_XX, FOR_SET, 0},
    {"xx", OPT_XX, OPT_NX, FOR_SET, 0},
    {"get", OPT_GET, 0, FOR_SET, 0},
    {"keepttl", OPT_KEEPTTL, OPT_PERSIST | OPT_ANY_EXPIRE, FOR_SET, 0},
    {"persist", OPT_PERSIST, OPT_KEEPTTL | OPT_ANY_EXPIRE, FOR_GETEX, 0},
    {"ex", OPT_EX, OPT_KEEPTTL | OPT_PERSIST | (OPT_ANY_EXPIRE & ~OPT_EX), FOR_SET | FOR_GETEX, 1},
    {"px", OPT_PX, OPT_KEEPTTL | OPT_PERSIST | (OPT_ANY_EXPIRE & ~OPT_PX), FOR_SET | FOR_GETEX, 1},
    {"exat", OPT_EXAT, OPT_KEEPTTL | OPT_PERSIST | (OPT_ANY_EXPIRE & ~OPT_EXAT),
     FOR_SET | FOR_GETEX, 1},
    {"pxat", OPT_PXAT, OPT_KEEPTTL | OPT_PERSIST | (OPT_ANY_EXPIRE & ~OPT_PXAT),
     FOR_SET | FOR_GETEX, 1},
};

/* Parses options from argument `first` on.  *expire_arg is the index of the
 * time argument (0 if none).  Replies and returns -1 on a syntax error. */
static int parse_string_options(struct client *c, int first, unsigned command, unsigned *flags,
                                int *expire_arg)
{
    *flags = 0;
    *expire_arg = 0;
    for (int j = first; j < c->argc; j++) {
        const struct string_option *opt = NULL;
        for (size_t k = 0; k < sizeof string_options / sizeof string_options[0]; k++) {
            if (client_arg_is(c, j, string_options[k].name)) {
                opt = &string_options[k];
                break;
            }
        }
        if (!opt || !(opt->commands & command) || (*flags & opt->conflicts) ||
            (opt->takes_arg && j + 1 >= c->argc)) {
            reply_error_syntax(c);
            return -1;
        }
        *flags |= opt->flag;
        if (opt->takes_arg)
            *expire_arg = ++j;
    }
    return 0;
}

static void reply_invalid_expire(struct client *c)
{
    reply_error_fmt(c, "invalid expire time in '%s' command", c->cmd->fullname);
}

/* Turns the time argument into an absolute unix time in ms, with Redis's
 * checks: an integer, positive, and no overflow once scaled and offset. */
static int parse_expire_time(struct client *c, unsigned flags, int arg, long long *when)
{
    long long v;
    if (numconv_to_ll(client_arg(c, arg), client_arg_len(c, arg), &v) < 0) {
        reply_error_not_integer(c);
        return -1;
    }
    int seconds = (flags & (OPT_EX | OPT_EXAT)) != 0;
    if (v <= 0 || (seconds && v > LLONG_MAX / 1000)) {
        reply_invalid_expire(c);
        return -1;
    }
    if (seconds)
        v *= 1000;
    if (flags & (OPT_EX | OPT_PX)) {
        if (v > LLONG_MAX - server.mstime) {
            reply_invalid_expire(c);
            return -1;
        }
        v += server.mstime;
    }
    *when = v;
    return 0;
}

/* ---- shared helpers ---- */

/* Replies the string value of key (nil when missing): GET and the GET
 * part of GETSET, GETDEL and SET ... GET.  -1 after a WRONGTYPE error. */
static int reply_string_value(struct client *c, const char *key, size_t klen)
{
    vobj *o = db_lookup_read(c->db, key, klen);
    if (!o) {
        reply_null(c);
        return 0;
    }
    if (o->type != OBJ_STRING) {
        reply_error_wrongtype(c);
        return -1;
    }
    reply_bulk_obj(c, o);
    return 0;
}

/* The string of a write lookup: NULL for a missing key; replies WRONGTYPE
 * and sets *wrong for another type. */
static vobj *lookup_string_write(struct client *c, const char *key, size_t klen, int *wrong)
{
    vobj *o = db_lookup_write(c->db, key, klen);
    *wrong = o && o->type != OBJ_STRING;
    if (*wrong)
        reply_error_wrongtype(c);
    return o;
}

/* Strings are bounded by proto-max-bulk-len (replicated writes excepted,
 * the primary already checked) and by what a vstr header can describe. */
static int check_string_length(struct client *c, unsigned long long size, size_t add)
{
    unsigned long long total = size + add;
    int too_big = total > UINT32_MAX || (!(c->flags & CLIENT_MASTER) &&
                                         total > (unsigned long long)cfg.proto_max_bulk_len);
    if (too_big) {
        reply_error(c, "string exceeds maximum allowed size (proto-max-bulk-len)");
        return -1;
    }
    return 0;
}

/* A private raw copy of the key's value, installed in the db, so APPEND and
 * SETRANGE can modify it in place without touching shared objects. */
static vobj *unshare_value(struct client *c, const char *key, size_t klen, vobj *o)
{
    vobj *priv = obj_unshare_string(o);
    if (priv != o)
        db_overwrite(c->db, key, klen, priv);
    return priv;
}

static void signal_write(struct client *c, int type, const char *event, const char *key,
                         size_t klen)
{
    db_signal_modified_key(c, c->db, key, klen);
    notify_keyspace_event(type, event, key, klen, c->db->id);
    server.dirty++;
}

/* ---- GET family ---- */

static void get_command(struct client *c)
{
    vobj *o = db_lookup_read_or_reply(c, client_arg(c, 1), client_arg_len(c, 1), OBJ_STRING);
    if (o)
        reply_bulk_obj(c, o);
}

static void getdel_command(struct client *c)
{
    const char *key = client_arg(c, 1);
    size_t klen = client_arg_len(c, 1);
    if (reply_string_value(c, key, klen) < 0)
        return;
    if (db_delete(c->db, key, klen)) {
        signal_write(c, NOTIFY_GENERIC, "del", key, klen);
        propagate_rewrite_key(c, "DEL", key, klen, -1);
    }
}

/* An absolute time already reached deletes the key (GETEX EXAT/PXAT),
 * except while loading or on a replica, which wait for the primary's DEL. */
static int expire_time_passed(long long when)
{
    return when <= server.mstime && !server.loading && !server_is_replica();
}

static void getex_command(struct client *c)
{
    const char *key = client_arg(c, 1);
    size_t klen = client_arg_len(c, 1);
    unsigned flags;
    int expire_arg;
    long long when = 0;
    if (parse_string_options(c, 2, FOR_GETEX, &flags, &expire_arg) < 0)
        return;
    /* Unlike SET, the key is looked up before the time is validated: a
     * missing key answers nil whatever the time says. */
    vobj *o = db_lookup_read_or_reply(c, key, klen, OBJ_STRING);
    if (!o)
        return;
    if (expire_arg && parse_expire_time(c, flags, expire_arg, &when) < 0)
        return;
    reply_bulk_obj(c, o);
    /* Replicas get the effect: a deletion, an absolute time, a PERSIST. */
    if ((flags & (OPT_EXAT | OPT_PXAT)) && expire_time_passed(when)) {
        db_delete(c->db, key, klen);
        signal_write(c, NOTIFY_GENERIC, "del", key, klen);
        propagate_rewrite_key(c, propagate_expire_del_name(), key, klen, -1);
    } else if (expire_arg) {
        db_set_expire(c, c->db, key, klen, when);
        signal_write(c, NOTIFY_GENERIC, "expire", key, klen);
        propagate_rewrite_key(c, "PEXPIREAT", key, klen, when);
    } else if ((flags & OPT_PERSIST) && db_remove_expire(c->db, key, klen)) {
        signal_write(c, NOTIFY_GENERIC, "persist", key, klen);
        propagate_rewrite_key(c, "PERSIST", key, klen, -1);
    }
}

/* ---- SET family ---- */

/* A relative (or seconds) expiry reaches replicas as SET key value PXAT
 * <ms>: the same instant whenever they apply it. */
static void propagate_set_pxat(struct client *c, int value_arg, long long when)
{
    char ms[24];
    int n = snprintf(ms, sizeof ms, "%lld", when);
    struct resp_arg argv[5] = {{"SET", 3},
                               c->argv[1],
                               c->argv[value_arg],
                               {"PXAT", 4},
                               {ms, (size_t)n}};
    propagate_rewrite_args(c, 5, argv);
}

/* How SETNX-style commands answer (1/0) versus SET (OK/nil). */
enum set_reply { SET_REPLY_OK, SET_REPLY_INT };

/* The common path of SET, SETNX, SETEX and PSETEX: key is argument 1, the
 * value argument value_arg, the time argument expire_arg (0: none). */
static void set_generic(struct client *c, unsigned flags, int value_arg, int expire_arg,
                        enum set_reply style)
{
    const char *key = client_arg(c, 1);
    size_t klen = client_arg_len(c, 1);
    long long when = 0;
    if (expire_arg && parse_expire_time(c, flags, expire_arg, &when) < 0)
        return;
    if ((flags & OPT_GET) && reply_string_value(c, key, klen) < 0)
        return;
    int found = db_lookup_write(c->db, key, klen) != NULL;
    if (((flags & OPT_NX) && found) || ((flags & OPT_XX) && !found)) {
        if (flags & OPT_GET)
            return;
        if (style == SET_REPLY_INT)
            reply_ll(c, 0);
        else
            reply_null(c);
        return;
    }
    vobj *val = obj_new_string_encoded(client_arg(c, value_arg), client_arg_len(c, value_arg));
    int setflags = (flags & OPT_KEEPTTL) ? SETKEY_KEEPTTL : 0;
    setflags |= found ? SETKEY_ALREADY_EXIST : SETKEY_DOESNT_EXIST;
    db_set_key(c, c->db, key, klen, val, setflags);
    server.dirty++;
    notify_keyspace_event(NOTIFY_STRING, "set", key, klen, c->db->id);
    if (expire_arg) {
        db_set_expire(c, c->db, key, klen, when);
        notify_keyspace_event(NOTIFY_GENERIC, "expire", key, klen, c->db->id);
        if (!(flags & OPT_PXAT))
            propagate_set_pxat(c, value_arg, when);
    }
    if (flags & OPT_GET)
        return;
    if (style == SET_REPLY_INT)
        reply_ll(c, 1);
    else
        reply_ok(c);
}

static void set_command(struct client *c)
{
    unsigned flags = 0;
    int expire_arg = 0;
    if (c->argc > 3 && parse_string_options(c, 3, FOR_SET, &flags, &expire_arg) < 0)
        return;
    set_generic(c, flags, 2, expire_arg, SET_REPLY_OK);
}

static void setnx_command(struct client *c)
{
    set_generic(c, OPT_NX, 2, 0, SET_REPLY_INT);
}

static void setex_command(struct client *c)
{
    set_generic(c, OPT_EX, 3, 2, SET_REPLY_OK);
}

static void psetex_command(struct client *c)
{
    set_generic(c, OPT_PX, 3, 2, SET_REPLY_OK);
}

static void getset_command(struct client *c)
{
    const char *key = client_arg(c, 1);
    size_t klen = client_arg_len(c, 1);
    if (reply_string_value(c, key, klen) < 0)
        return;
    vobj *val = obj_new_string_encoded(client_arg(c, 2), client_arg_len(c, 2));
    db_set_key(c, c->db, key, klen, val, 0);
    notify_keyspace_event(NOTIFY_STRING, "set", key, klen, c->db->id);
    server.dirty++;
}

/* ---- multi-key ---- */

static void mget_command(struct client *c)
{
    reply_array_len(c, c->argc - 1);
    for (int j = 1; j < c->argc; j++) {
        vobj *o = db_lookup_read(c->db, client_arg(c, j), client_arg_len(c, j));
        if (o && o->type == OBJ_STRING)
            reply_bulk_obj(c, o);
        else
            reply_null(c);
    }
}

static int mset_generic(struct client *c, int nx)
{
    if (c->argc % 2 == 0) {
        reply_error_arity(c);
        return -1;
    }
    /* MSETNX is all or nothing: one existing key and nothing is set. */
    for (int j = 1; nx && j < c->argc; j += 2) {
        if (db_lookup_write(c->db, client_arg(c, j), client_arg_len(c, j))) {
            reply_ll(c, 0);
            return -1;
        }
    }
    /* No SETKEY_DOESNT_EXIST hint even for MSETNX: a key may repeat. */
    for (int j = 1; j < c->argc; j += 2) {
        vobj *val = obj_new_string_encoded(client_arg(c, j + 1), client_arg_len(c, j + 1));
        db_set_key(c, c->db, client_arg(c, j), client_arg_len(c, j), val, 0);
        notify_keyspace_event(NOTIFY_STRING, "set", client_arg(c, j), client_arg_len(c, j),
                              c->db->id);
    }
    server.dirty += (c->argc - 1) / 2;
    return 0;
}

static void mset_command(struct client *c)
{
    if (mset_generic(c, 0) == 0)
        reply_ok(c);
}

static void msetnx_command(struct client *c)
{
    if (mset_generic(c, 1) == 0)
        reply_ll(c, 1);
}

/* ---- counters ---- */

static void incr_generic(struct client *c, long long delta)
{
    const char *key = client_arg(c, 1);
    size_t klen = client_arg_len(c, 1);
    int wrong;
    vobj *o = lookup_string_write(c, key, klen, &wrong);
    if (wrong)
        return;
    long long value = 0;
    if (o && obj_get_ll(o, &value) < 0) {
        reply_error_not_integer(c);
        return;
    }
    if ((delta < 0 && value < 0 && delta < LLONG_MIN - value) ||
        (delta > 0 && value > 0 && delta > LLONG_MAX - value)) {
        reply_error(c, "increment or decrement would overflow");
        return;
    }
    value += delta;
    /* Update in place when nobody else holds the object; a result in the
     * shared range is better served by the shared object. */
    if (o && o->refcount == 1 && o->encoding == OBJ_ENC_INT &&
        (value < 0 || value >= OBJ_SHARED_INTEGERS)) {
        o->ptr = (void *)(intptr_t)value;
    } else if (o) {
        db_overwrite(c->db, key, klen, obj_new_string_from_ll(value));
    } else {
        db_add(c->db, key, klen, obj_new_string_from_ll(value));
    }
    signal_write(c, NOTIFY_STRING, "incrby", key, klen);
    reply_ll(c, value);
}

static int parse_delta(struct client *c, long long *delta)
{
    if (numconv_to_ll(client_arg(c, 2), client_arg_len(c, 2), delta) < 0) {
        reply_error_not_integer(c);
        return -1;
    }
    return 0;
}

static void incr_command(struct client *c)
{
    incr_generic(c, 1);
}

static void decr_command(struct client *c)
{
    incr_generic(c, -1);
}

static void incrby_command(struct client *c)
{
    long long delta;
    if (parse_delta(c, &delta) == 0)
        incr_generic(c, delta);
}

static void decrby_command(struct client *c)
{
    long long delta;
    if (parse_delta(c, &delta) < 0)
        return;
    if (delta == LLONG_MIN) {
        reply_error(c, "decrement would overflow");
        return;
    }
    incr_generic(c, -delta);
}

/* Room for any finite long double in fixed notation. */
#define LONG_DOUBLE_STR_SIZE 5120

static void incrbyfloat_command(struct client *c)
{
    const char *key = client_arg(c, 1);
    size_t klen = client_arg_len(c, 1);
    int wrong;
    vobj *o = lookup_string_write(c, key, klen, &wrong);
    if (wrong)
        return;
    long double value = 0, incr;
    if ((o && obj_get_long_double(o, &value) < 0) ||
        numconv_to_long_double(client_arg(c, 2), client_arg_len(c, 2), &incr) < 0) {
        reply_error_not_float(c);
        return;
    }
    value += incr;
    if (isnan(value) || isinf(value)) {
        reply_error(c, "increment would produce NaN or Infinity");
        return;
    }
    char buf[LONG_DOUBLE_STR_SIZE];
    size_t len = numconv_long_double_to_str(buf, sizeof buf, value);
    /* The formatted text is stored as is, never int-encoded, as Redis does. */
    vobj *val = obj_new_string(buf, len);
    if (o)
        db_overwrite(c->db, key, klen, val);
    else
        db_add(c->db, key, klen, val);
    signal_write(c, NOTIFY_STRING, "incrbyfloat", key, klen);
    reply_bulk(c, buf, len);
    /* The float formatting must not be redone downstream. */
    struct resp_arg argv[4] = {{"SET", 3}, c->argv[1], {buf, len}, {"KEEPTTL", 7}};
    propagate_rewrite_args(c, 4, argv);
}

/* ---- APPEND, STRLEN, ranges ---- */

static void append_command(struct client *c)
{
    const char *key = client_arg(c, 1), *add = client_arg(c, 2);
    size_t klen = client_arg_len(c, 1), alen = client_arg_len(c, 2), total;
    int wrong;
    vobj *o = lookup_string_write(c, key, klen, &wrong);
    if (wrong)
        return;
    if (!o) {
        db_add(c->db, key, klen, obj_new_string_encoded(add, alen));
        total = alen;
    } else {
        if (check_string_length(c, obj_string_len(o), alen) < 0)
            return;
        o = unshare_value(c, key, klen, o);
        o->ptr = vstr_cat(o->ptr, add, alen);
        total = vstr_len(o->ptr);
    }
    signal_write(c, NOTIFY_STRING, "append", key, klen);
    reply_ll(c, (long long)total);
}

static void strlen_command(struct client *c)
{
    vobj *o = db_lookup_read(c->db, client_arg(c, 1), client_arg_len(c, 1));
    if (!o) {
        reply_ll(c, 0);
        return;
    }
    if (o->type != OBJ_STRING) {
        reply_error_wrongtype(c);
        return;
    }
    reply_ll(c, (long long)obj_string_len(o));
}

static void setrange_command(struct client *c)
{
    const char *key = client_arg(c, 1), *val = client_arg(c, 3);
    size_t klen = client_arg_len(c, 1), vlen = client_arg_len(c, 3);
    long long offset;
    if (numconv_to_ll(client_arg(c, 2), client_arg_len(c, 2), &offset) < 0) {
        reply_error_not_integer(c);
        return;
    }
    if (offset < 0) {
        reply_error(c, "offset is out of range");
        return;
    }
    int wrong;
    vobj *o = lookup_string_write(c, key, klen, &wrong);
    if (wrong)
        return;
    /* Writing nothing changes nothing, whatever the offset. */
    if (vlen == 0) {
        reply_ll(c, o ? (long long)obj_string_len(o) : 0);
        return;
    }
    if (check_string_length(c, (unsigned long long)offset, vlen) < 0)
        return;
    size_t end = (size_t)offset + vlen;
    if (!o) {
        o = obj_new(OBJ_STRING, OBJ_ENC_RAW, vstr_new(NULL, end));
        db_add(c->db, key, klen, o);
    } else {
        o = unshare_value(c, key, klen, o);
        o->ptr = vstr_grow_zero(o->ptr, end);
    }
    memcpy((char *)o->ptr + offset, val, vlen);
    signal_write(c, NOTIFY_STRING, "setrange", key, klen);
    reply_ll(c, (long long)vstr_len(o->ptr));
}

static void getrange_command(struct client *c)
{
    long long start, end;
    if (numconv_to_ll(client_arg(c, 2), client_arg_len(c, 2), &start) < 0 ||
        numconv_to_ll(client_arg(c, 3), client_arg_len(c, 3), &end) < 0) {
        reply_error_not_integer(c);
        return;
    }
    vobj *o = db_lookup_read(c->db, client_arg(c, 1), client_arg_len(c, 1));
    if (!o) {
        reply_bulk(c, "", 0);
        return;
    }
    if (o->type != OBJ_STRING) {
        reply_error_wrongtype(c);
        return;
    }
    char buf[32];
    size_t slen;
    const char *s = obj_string_view(o, buf, &slen);
    long long len = (long long)slen;
    /* Both ends negative and crossed: empty even when both clamp to 0. */
    if (start < 0 && end < 0 && start > end) {
        reply_bulk(c, "", 0);
        return;
    }
    if (start < 0)
        start = start + len < 0 ? 0 : start + len;
    if (end < 0)
        end = end + len < 0 ? 0 : end + len;
    if (end >= len)
        end = len - 1;
    if (len == 0 || start > end)
        reply_bulk(c, "", 0);
    else
        reply_bulk(c, s + start, (size_t)(end - start + 1));
}

/* ---- LCS ---- */

#define LCS_CELL(l, i, j) ((l)->table[(size_t)(i) * ((l)->blen + 1) + (j)])

int string_lcs_build(struct string_lcs *lcs, const char *a, size_t alen, const char *b, size_t blen,
                     size_t max_table_bytes)
{
    if (alen > STRING_LCS_MAX_LEN || blen > STRING_LCS_MAX_LEN)
        return -1;
    unsigned long long cells = (unsigned long long)(alen + 1) * (blen + 1);
    if (cells > max_table_bytes / sizeof(uint32_t))
        return -1;
    lcs->a = a;
    lcs->b = b;
    lcs->alen = (uint32_t)alen;
    lcs->blen = (uint32_t)blen;
    lcs->table = mem_malloc((size_t)cells * sizeof(uint32_t));
    for (uint32_t j = 0; j <= lcs->blen; j++)
        LCS_CELL(lcs, 0, j) = 0;
    for (uint32_t i = 1; i <= lcs->alen; i++) {
        LCS_CELL(lcs, i, 0) = 0;
        for (uint32_t j = 1; j <= lcs->blen; j++) {
            uint32_t up = LCS_CELL(lcs, i - 1, j), left = LCS_CELL(lcs, i, j - 1);
            LCS_CELL(lcs, i, j) =
                a[i - 1] == b[j - 1] ? LCS_CELL(lcs, i - 1, j - 1) + 1 : (up > left ? up : left);
        }
    }
    return 0;
}

uint32_t string_lcs_length(const struct string_lcs *lcs)
{
    return LCS_CELL(lcs, lcs->alen, lcs->blen);
}

/* The walk goes from the ends towards the starts and, on a mismatch, steps
 * back in a only when that keeps a strictly longer LCS: this tie-break
 * decides which of several equally long answers is reported, and is the
 * one Redis uses, so replies match byte for byte. */
void string_lcs_walk(const struct string_lcs *lcs, char *out,
                     void (*on_range)(const struct string_lcs_range *r, void *ctx), void *ctx)
{
    uint32_t i = lcs->alen, j = lcs->blen, k = string_lcs_length(lcs);
    struct string_lcs_range run;
    int in_run = 0;
    while (i > 0 && j > 0) {
        if (lcs->a[i - 1] == lcs->b[j - 1]) {
            if (out)
                out[--k] = lcs->a[i - 1];
            if (!in_run) {
                run.a_end = i - 1;
                run.b_end = j - 1;
                in_run = 1;
            }
            run.a_start = --i;
            run.b_start = --j;
            /* A run touching the start of either string cannot grow. */
            if (i == 0 || j == 0) {
                if (on_range)
                    on_range(&run, ctx);
                in_run = 0;
            }
            continue;
        }
        if (LCS_CELL(lcs, i - 1, j) > LCS_CELL(lcs, i, j - 1))
            i--;
        else
            j--;
        if (in_run) {
            if (on_range)
                on_range(&run, ctx);
            in_run = 0;
        }
    }
}

void string_lcs_free(struct string_lcs *lcs)
{
    mem_free(lcs->table);
    lcs->table = NULL;
}

struct lcs_options {
    int len, idx, withmatchlen;
    long long minmatchlen;
};

/* Parses LEN, IDX, MINMATCHLEN n, WITHMATCHLEN; replies on error. */
static int parse_lcs_options(struct client *c, struct lcs_options *opts)
{
    memset(opts, 0, sizeof *opts);
    for (int j = 3; j < c->argc; j++) {
        if (client_arg_is(c, j, "idx")) {
            opts->idx = 1;
        } else if (client_arg_is(c, j, "len")) {
            opts->len = 1;
        } else if (client_arg_is(c, j, "withmatchlen")) {
            opts->withmatchlen = 1;
        } else if (client_arg_is(c, j, "minmatchlen") && j + 1 < c->argc) {
            j++;
            if (numconv_to_ll(client_arg(c, j), client_arg_len(c, j), &opts->minmatchlen) < 0) {
                reply_error_not_integer(c);
                return -1;
            }
            if (opts->minmatchlen < 0)
                opts->minmatchlen = 0;
        } else {
            reply_error_syntax(c);
            return -1;
        }
    }
    if (opts->idx && opts->len) {
        reply_error(c, "If you want both the length and indexes, please just use IDX.");
        return -1;
    }
    return 0;
}

struct lcs_reply_ctx {
    struct client *c;
    const struct lcs_options *opts;
    long emitted;
};

static void reply_lcs_range(const struct string_lcs_range *r, void *arg)
{
    struct lcs_reply_ctx *ctx = arg;
    long long matchlen = (long long)r->a_end - r->a_start + 1;
    if (matchlen < ctx->opts->minmatchlen)
        return;
    reply_array_len(ctx->c, ctx->opts->withmatchlen ? 3 : 2);
    reply_array_len(ctx->c, 2);
    reply_ll(ctx->c, r->a_start);
    reply_ll(ctx->c, r->a_end);
    reply_array_len(ctx->c, 2);
    reply_ll(ctx->c, r->b_start);
    reply_ll(ctx->c, r->b_end);
    if (ctx->opts->withmatchlen)
        reply_ll(ctx->c, matchlen);
    ctx->emitted++;
}

static void reply_lcs(struct client *c, const struct string_lcs *lcs,
                      const struct lcs_options *opts)
{
    uint32_t len = string_lcs_length(lcs);
    if (opts->idx) {
        struct lcs_reply_ctx ctx = {c, opts, 0};
        reply_map_len(c, 2);
        reply_bulk_cstr(c, "matches");
        void *slot = reply_deferred_len(c);
        string_lcs_walk(lcs, NULL, reply_lcs_range, &ctx);
        reply_bulk_cstr(c, "len");
        reply_ll(c, len);
        reply_set_deferred_array_len(c, slot, ctx.emitted);
    } else if (opts->len) {
        reply_ll(c, len);
    } else {
        char *out = mem_malloc(len ? len : 1);
        string_lcs_walk(lcs, out, NULL, NULL);
        reply_bulk(c, out, len);
        mem_free(out);
    }
}

static void lcs_command(struct client *c)
{
    vobj *oa = db_lookup_read(c->db, client_arg(c, 1), client_arg_len(c, 1));
    vobj *ob = db_lookup_read(c->db, client_arg(c, 2), client_arg_len(c, 2));
    if ((oa && oa->type != OBJ_STRING) || (ob && ob->type != OBJ_STRING)) {
        reply_error(c, "The specified keys must contain string values");
        return;
    }
    struct lcs_options opts;
    if (parse_lcs_options(c, &opts) < 0)
        return;
    char abuf[32], bbuf[32];
    size_t alen = 0, blen = 0;
    const char *a = oa ? obj_string_view(oa, abuf, &alen) : "";
    const char *b = ob ? obj_string_view(ob, bbuf, &blen) : "";
    if (alen > STRING_LCS_MAX_LEN || blen > STRING_LCS_MAX_LEN) {
        reply_error(c, "String too long for LCS");
        return;
    }
    /* The table needs (alen+1) * (blen+1) cells; like Redis, refuse one
     * bigger than the largest string a client may send. */
    struct string_lcs lcs;
    if (string_lcs_build(&lcs, a, alen, b, blen, (size_t)cfg.proto_max_bulk_len) < 0) {
        reply_error(c, "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        return;
    }
    reply_lcs(c, &lcs, &opts);
    string_lcs_free(&lcs);
}

/* ---- command table ---- */

struct command string_commands[] = {
    {.name = "get",
     .proc = get_command,
     .arity = 2,
     .flags = "readonly fast",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "1.0.0",
     .summary = "Get the value of a key",
     .complexity = "O(1)"},
    {.name = "set",
     .proc = set_command,
     .arity = -3,
     .flags = "write denyoom",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "1.0.0",
     .summary = "Set the string value of a key",
     .complexity = "O(1)"},
    {.name = "setnx",
     .proc = setnx_command,
     .arity = 3,
     .flags = "write denyoom fast",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "1.0.0",
     .summary = "Set the value of a key, only if the key does not exist",
     .complexity = "O(1)"},
    {.name = "setex",
     .proc = setex_command,
     .arity = 4,
     .flags = "write denyoom",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "2.0.0",
     .summary = "Set the value and expiration of a key",
     .complexity = "O(1)"},
    {.name = "psetex",
     .proc = psetex_command,
     .arity = 4,
     .flags = "write denyoom",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "2.6.0",
     .summary = "Set the value and expiration in milliseconds of a key",
     .complexity = "O(1)"},
    {.name = "getset",
     .proc = getset_command,
     .arity = 3,
     .flags = "write denyoom fast",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "1.0.0",
     .summary = "Set the string value of a key and return its old value",
     .complexity = "O(1)"},
    {.name = "getdel",
     .proc = getdel_command,
     .arity = 2,
     .flags = "write fast",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "6.2.0",
     .summary = "Get the value of a key and delete the key",
     .complexity = "O(1)"},
    {.name = "getex",
     .proc = getex_command,
     .arity = -2,
     .flags = "write fast",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "6.2.0",
     .summary = "Get the value of a key and optionally set its expiration",
     .complexity = "O(1)"},
    {.name = "mget",
     .proc = mget_command,
     .arity = -2,
     .flags = "readonly fast",
     .acl = "@string",
     .first_key = 1,
     .last_key = -1,
     .key_step = 1,
     .group = "string",
     .since = "1.0.0",
     .summary = "Get the values of all the given keys",
     .complexity = "O(N) where N is the number of keys to retrieve."},
    {.name = "mset",
     .proc = mset_command,
     .arity = -3,
     .flags = "write denyoom",
     .acl = "@string",
     .first_key = 1,
     .last_key = -1,
     .key_step = 2,
     .group = "string",
     .since = "1.0.1",
     .summary = "Set multiple keys to multiple values",
     .complexity = "O(N) where N is the number of keys to set."},
    {.name = "msetnx",
     .proc = msetnx_command,
     .arity = -3,
     .flags = "write denyoom",
     .acl = "@string",
     .first_key = 1,
     .last_key = -1,
     .key_step = 2,
     .group = "string",
     .since = "1.0.1",
     .summary = "Set multiple keys to multiple values, only if none of the keys exist",
     .complexity = "O(N) where N is the number of keys to set."},
    {.name = "append",
     .proc = append_command,
     .arity = 3,
     .flags = "write denyoom fast",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "2.0.0",
     .summary = "Append a value to a key",
     .complexity = "O(1). The amortized time complexity is O(1) assuming the appended value "
                   "is small and the already present value is of any size, since the dynamic "
                   "string library used by Redis will double the free space available on "
                   "every reallocation."},
    {.name = "strlen",
     .proc = strlen_command,
     .arity = 2,
     .flags = "readonly fast",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "2.2.0",
     .summary = "Get the length of the value stored in a key",
     .complexity = "O(1)"},
    {.name = "incr",
     .proc = incr_command,
     .arity = 2,
     .flags = "write denyoom fast",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "1.0.0",
     .summary = "Increment the integer value of a key by one",
     .complexity = "O(1)"},
    {.name = "decr",
     .proc = decr_command,
     .arity = 2,
     .flags = "write denyoom fast",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "1.0.0",
     .summary = "Decrement the integer value of a key by one",
     .complexity = "O(1)"},
    {.name = "incrby",
     .proc = incrby_command,
     .arity = 3,
     .flags = "write denyoom fast",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "1.0.0",
     .summary = "Increment the integer value of a key by the given amount",
     .complexity = "O(1)"},
    {.name = "decrby",
     .proc = decrby_command,
     .arity = 3,
     .flags = "write denyoom fast",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "1.0.0",
     .summary = "Decrement the integer value of a key by the given number",
     .complexity = "O(1)"},
    {.name = "incrbyfloat",
     .proc = incrbyfloat_command,
     .arity = 3,
     .flags = "write denyoom fast",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "2.6.0",
     .summary = "Increment the float value of a key by the given amount",
     .complexity = "O(1)"},
    {.name = "getrange",
     .proc = getrange_command,
     .arity = 4,
     .flags = "readonly",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "2.4.0",
     .summary = "Get a substring of the string stored at a key",
     .complexity = "O(N) where N is the length of the returned string. The complexity is "
                   "ultimately determined by the returned length, but because creating a "
                   "substring from an existing string is very cheap, it can be considered "
                   "O(1) for small strings."},
    {.name = "substr",
     .proc = getrange_command,
     .arity = 4,
     .flags = "readonly",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "1.0.0",
     .summary = "Get a substring of the string stored at a key",
     .complexity = "O(N) where N is the length of the returned string. The complexity is "
                   "ultimately determined by the returned length, but because creating a "
                   "substring from an existing string is very cheap, it can be considered "
                   "O(1) for small strings."},
    {.name = "setrange",
     .proc = setrange_command,
     .arity = 4,
     .flags = "write denyoom",
     .acl = "@string",
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .group = "string",
     .since = "2.2.0",
     .summary = "Overwrite part of a string at key starting at the specified offset",
     .complexity = "O(1), not counting the time taken to copy the new string in place. "
                   "Usually, this string is very small so the amortized complexity is O(1). "
                   "Otherwise, complexity is O(M) with M being the length of the value "
                   "argument."},
    {.name = "lcs",
     .proc = lcs_command,
     .arity = -3,
     .flags = "readonly",
     .acl = "@string",
     .first_key = 1,
     .last_key = 2,
     .key_step = 1,
     .group = "string",
     .since = "7.0.0",
     .summary = "Find longest common substring",
     .complexity = "O(N*M) where N and M are the lengths of s1 and s2, respectively"},
    {0},
};
