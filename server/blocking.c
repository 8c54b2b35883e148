/* blocking — clients waiting on keys; see blocking.h.
 *
 * Bookkeeping, as in Redis: each db's blocking_keys maps a key to the FIFO
 * of clients waiting on it; each blocked client keeps, per key, its node in
 * that FIFO so unblocking is O(keys).  A modified key that someone waits on
 * is recorded once (db->ready_keys deduplicates) in a global list of ready
 * keys, which blocking_handle_ready_keys() drains.  Timeouts are one libev
 * timer per blocked client.
 */
#include "blocking.h"

#include "client.h"
#include "db.h"
#include "mem.h"
#include "mtime.h"
#include "networking.h"
#include "numconv.h"
#include "propagate.h"
#include "reply.h"
#include "server.h"

#include <ev.h>
#include <math.h>

/* One client in one key's FIFO. */
struct waiter {
    struct client *c;
    struct waiter *prev, *next;
};

/* A blocking_keys value: the clients waiting on that key, oldest first. */
struct waiters {
    struct waiter *head, *tail;
};

/* One key a client waits on: its argument index and its FIFO node. */
struct blocked_key {
    int argi;
    struct waiter *w;
};

struct blocking_state {
    enum obj_type type;
    blocking_serve_fn *serve;
    struct db *db;
    struct blocked_key *keys;
    int nkeys;
    long long deadline_ms; /* 0: no timeout */
    ev_timer timer;
};

struct ready_key {
    struct db *db;
    vstr key;
};

/* Keys made ready since the last drain, in the order they became ready. */
static struct {
    struct ready_key *v;
    size_t len, cap;
} ready;

/* Clients unblocked since the loop last slept: their pending input runs
 * before it sleeps again.  Freed clients leave a NULL behind. */
static struct {
    struct client **v;
    size_t len, cap;
} unblocked;

static unsigned long blocked_clients;
static int draining;

unsigned long blocking_count(void)
{
    return blocked_clients;
}

int blocking_denied(const struct client *c)
{
    return (c->flags & (CLIENT_MULTI | CLIENT_FAKE)) != 0;
}

/* ---- timeouts ---- */

int blocking_parse_timeout(struct client *c, int i, long long *deadline_ms)
{
    long double secs;
    if (numconv_to_long_double(client_arg(c, i), client_arg_len(c, i), &secs) < 0) {
        reply_error(c, "timeout is not a float or out of range");
        return -1;
    }
    /* Redis rounds up to whole milliseconds; a value that does not fit a
     * long long turns into LLONG_MIN there, hence "negative". */
    long double ms = ceill(secs * 1000.0L);
    long long tval =
        (ms >= -9223372036854775808.0L && ms < 9223372036854775808.0L) ? (long long)ms : LLONG_MIN;
    if (tval < 0) {
        reply_error(c, "timeout is negative");
        return -1;
    }
    /* A deadline beyond the representable future never comes. */
    if (tval > 0 && tval <= LLONG_MAX - server.mstime)
        *deadline_ms = server.mstime + tval;
    else
        *deadline_ms = 0;
    return 0;
}

static void on_timeout(struct ev_loop *loop, ev_timer *t, int revents);

static void arm_timer(struct blocking_state *bs, long long now_ms)
{
    ev_timer_set(&bs->timer, (double)(bs->deadline_ms - now_ms) / 1000.0, 0.0);
    ev_timer_start(server.loop, &bs->timer);
}

/* ---- the FIFOs ---- */

static struct waiter *fifo_append(struct db *db, const char *key, size_t len, struct client *c)
{
    int created;
    dict_entry *de = dict_add_or_find(db->blocking_keys, key, len, &created);
    if (created)
        de->v.val = mem_calloc(sizeof(struct waiters));
    struct waiters *ws = de->v.val;
    /* A client's keys are added in a row: a repeated key finds the client
     * already at the tail. */
    if (ws->tail && ws->tail->c == c)
        return NULL;
    struct waiter *w = mem_malloc(sizeof *w);
    w->c = c;
    w->next = NULL;
    w->prev = ws->tail;
    if (ws->tail)
        ws->tail->next = w;
    else
        ws->head = w;
    ws->tail = w;
    return w;
}

static void fifo_remove(struct db *db, const char *key, size_t len, struct waiter *w)
{
    dict_entry *de = dict_find(db->blocking_keys, key, len);
    struct waiters *ws = de->v.val;
    if (w->prev)
        w->prev->next = w->next;
    else
        ws->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        ws->tail = w->prev;
    mem_free(w);
    if (!ws->head) {
        mem_free(ws);
        dict_delete(db->blocking_keys, key, len);
    }
}

/* ---- blocking and unblocking ---- */

void blocking_block(struct client *c, enum obj_type type, int first_key, int nkeys,
                    long long deadline_ms, blocking_serve_fn *serve)
{
    struct blocking_state *bs = c->bstate;
    if (!bs) {
        bs = c->bstate = mem_calloc(sizeof *bs);
        ev_init(&bs->timer, on_timeout);
        bs->timer.data = c;
    }
    /* The arguments outlive the query buffer: serving re-reads them. */
    client_own_argv(c);
    bs->type = type;
    bs->serve = serve;
    bs->db = c->db;
    bs->deadline_ms = deadline_ms;
    bs->keys = mem_malloc(sizeof *bs->keys * (size_t)nkeys);
    bs->nkeys = 0;
    for (int i = first_key; i < first_key + nkeys; i++) {
        struct waiter *w = fifo_append(c->db, client_arg(c, i), client_arg_len(c, i), c);
        if (w)
            bs->keys[bs->nkeys++] = (struct blocked_key){.argi = i, .w = w};
    }
    c->flags |= CLIENT_BLOCKED;
    blocked_clients++;
    if (deadline_ms)
        arm_timer(bs, mtime_mstime());
}

static void queue_unblocked(struct client *c)
{
    if (unblocked.len == unblocked.cap) {
        unblocked.cap = unblocked.cap ? unblocked.cap * 2 : 16;
        unblocked.v = mem_realloc(unblocked.v, sizeof *unblocked.v * unblocked.cap);
    }
    unblocked.v[unblocked.len++] = c;
    c->flags |= CLIENT_UNBLOCKED;
}

/* Leaves every FIFO and forgets the command; no reply. */
static void unblock(struct client *c)
{
    struct blocking_state *bs = c->bstate;
    for (int i = 0; i < bs->nkeys; i++) {
        int argi = bs->keys[i].argi;
        fifo_remove(bs->db, client_arg(c, argi), client_arg_len(c, argi), bs->keys[i].w);
    }
    mem_free(bs->keys);
    bs->keys = NULL;
    bs->nkeys = 0;
    if (ev_is_active(&bs->timer))
        ev_timer_stop(server.loop, &bs->timer);
    c->flags &= ~CLIENT_BLOCKED;
    blocked_clients--;
    client_release_argv(c);
}

/* Ends the wait with a reply already written, and lets the client go on. */
static void finish_wait(struct client *c)
{
    unblock(c);
    queue_unblocked(c);
}

static void on_timeout(struct ev_loop *loop, ev_timer *t, int revents)
{
    (void)loop;
    (void)revents;
    struct client *c = t->data;
    struct blocking_state *bs = c->bstate;
    /* libev measures from the start of the loop iteration: never answer
     * before the deadline by the wall clock. */
    long long now = mtime_mstime();
    if (now < bs->deadline_ms) {
        arm_timer(bs, now);
        return;
    }
    reply_null_array(c);
    finish_wait(c);
}

int blocking_unblock_client(uint64_t id, int with_error)
{
    for (struct client *c = server.clients_head; c; c = c->next) {
        if (c->id != id)
            continue;
        if (!(c->flags & CLIENT_BLOCKED))
            return 0;
        if (with_error)
            reply_error(c, "-UNBLOCKED client unblocked via CLIENT UNBLOCK");
        else
            reply_null_array(c);
        finish_wait(c);
        return 1;
    }
    return 0;
}

static void on_client_free(struct client *c)
{
    if (c->flags & CLIENT_BLOCKED)
        unblock(c);
    if (c->flags & CLIENT_UNBLOCKED)
        for (size_t i = 0; i < unblocked.len; i++)
            if (unblocked.v[i] == c)
                unblocked.v[i] = NULL;
    mem_free(c->bstate);
    c->bstate = NULL;
}

/* ---- ready keys ---- */

void blocking_signal_key(struct db *db, const char *key, size_t len)
{
    if (dict_size(db->blocking_keys) == 0 || !dict_find(db->blocking_keys, key, len))
        return;
    int created;
    dict_add_or_find(db->ready_keys, key, len, &created);
    if (!created)
        return;
    if (ready.len == ready.cap) {
        ready.cap = ready.cap ? ready.cap * 2 : 16;
        ready.v = mem_realloc(ready.v, sizeof *ready.v * ready.cap);
    }
    ready.v[ready.len++] = (struct ready_key){.db = db, .key = vstr_new(key, len)};
}

/* Serving runs the client's command to its end: its effects propagate as
 * a command of their own, in the rewritten form the serve function gives. */
static void serve_client(struct client *c, vobj *o, const char *key, size_t len)
{
    long long dirty_before = server.dirty;
    propagate_command_start();
    c->bstate->serve(c, o, key, len);
    propagate_command_end(c, server.dirty - dirty_before);
    finish_wait(c);
}

/* Offers the value at key to its waiting clients, oldest first, while it
 * lasts.  Clients waiting for another type keep waiting, as in Redis 7.0. */
static void serve_key(struct db *db, const char *key, size_t len)
{
    dict_entry *de = dict_find(db->blocking_keys, key, len);
    struct waiter *w = de ? ((struct waiters *)de->v.val)->head : NULL;
    while (w) {
        vobj *o = db_lookup(db, key, len, LOOKUP_NONOTIFY | LOOKUP_NOSTATS);
        if (!o)
            return;
        /* Serving only ever unblocks w's client: next stays valid, and the
         * FIFO itself is freed only once next is NULL. */
        struct waiter *next = w->next;
        struct client *c = w->c;
        if (c->bstate->type == o->type)
            serve_client(c, o, key, len);
        w = next;
    }
}

void blocking_handle_ready_keys(void)
{
    if (draining)
        return;
    draining = 1;
    while (ready.len) {
        struct ready_key *batch = ready.v;
        size_t n = ready.len;
        ready.v = NULL;
        ready.len = ready.cap = 0;
        for (size_t i = 0; i < n; i++) {
            struct ready_key *rk = &batch[i];
            /* Forgotten first, so serving may signal the key again. */
            dict_delete(rk->db->ready_keys, rk->key, vstr_len(rk->key));
            serve_key(rk->db, rk->key, vstr_len(rk->key));
            vstr_free(rk->key);
        }
        mem_free(batch);
    }
    draining = 0;
}

void blocking_before_sleep(void)
{
    blocking_handle_ready_keys();
    while (unblocked.len) {
        struct client **batch = unblocked.v;
        size_t n = unblocked.len;
        unblocked.v = NULL;
        unblocked.len = unblocked.cap = 0;
        for (size_t i = 0; i < n; i++) {
            struct client *c = batch[i];
            if (!c)
                continue;
            c->flags &= ~CLIENT_UNBLOCKED;
            networking_process_input(c);
        }
        mem_free(batch);
    }
}

/* ---- hooks ---- */

static void on_key_modified(struct db *db, const char *key, size_t len)
{
    blocking_signal_key(db, key, len);
}

/* SWAPDB brings new values under the keys clients wait on. */
static void scan_db_for_ready_keys(struct db *db)
{
    if (dict_size(db->blocking_keys) == 0)
        return;
    dict_iter it;
    dict_iter_init(&it, db->blocking_keys, 1);
    dict_entry *de;
    while ((de = dict_iter_next(&it)))
        if (db_lookup(db, de->key, vstr_len(de->key), LOOKUP_NOTOUCH | LOOKUP_NOSTATS))
            blocking_signal_key(db, de->key, vstr_len(de->key));
    dict_iter_release(&it);
}

static void on_db_swapped(int id1, int id2)
{
    scan_db_for_ready_keys(db_get(id1));
    scan_db_for_ready_keys(db_get(id2));
}

void blocking_init(void)
{
    static const struct db_hooks hooks = {.key_modified = on_key_modified,
                                          .db_swapped = on_db_swapped};
    db_register_hooks(&hooks);
    networking_add_free_hook(on_client_free);
}
