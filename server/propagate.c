/* propagate — queueing effects and feeding them to AOF and replicas. */
#include "propagate.h"

#include "client.h"
#include "db.h"
#include "config.h"
#include "mem.h"

#include <stdio.h>
#include <string.h>

#define MAX_SINKS 4

struct prop_op {
    int dbid;
    int argc;
    vstr *argv;
};

static propagate_sink_fn *sinks[MAX_SINKS];
static int sink_count;
static struct prop_op *queue;
static int queued, queue_cap;
static int nesting;

/* What the command at each nesting level asked for (a rewrite, or no
 * propagation); EXEC nests the commands it runs one level deeper. */
struct prop_client_state {
    int prevent;
    int force;
    int argc;
    vstr *argv;
};
static struct prop_client_state current[16];

void propagate_register_sink(propagate_sink_fn *fn)
{
    if (sink_count < MAX_SINKS)
        sinks[sink_count++] = fn;
}

void propagate_unregister_sink(propagate_sink_fn *fn)
{
    for (int i = 0; i < sink_count; i++) {
        if (sinks[i] == fn) {
            sinks[i] = sinks[--sink_count];
            return;
        }
    }
}

int propagate_active(void)
{
    return sink_count > 0;
}

static void enqueue(int dbid, int argc, vstr *argv)
{
    if (queued == queue_cap) {
        queue_cap = queue_cap ? queue_cap * 2 : 8;
        queue = mem_realloc(queue, sizeof *queue * (size_t)queue_cap);
    }
    queue[queued++] = (struct prop_op){dbid, argc, argv};
}

static vstr *copy_args(int argc, const struct resp_arg *argv)
{
    vstr *copy = mem_malloc(sizeof(vstr) * (size_t)argc);
    for (int i = 0; i < argc; i++)
        copy[i] = vstr_new(argv[i].ptr, argv[i].len);
    return copy;
}

static void free_args(int argc, vstr *argv)
{
    for (int i = 0; i < argc; i++)
        vstr_free(argv[i]);
    mem_free(argv);
}

void propagate_also(int dbid, int argc, const struct resp_arg *argv)
{
    if (!sink_count)
        return;
    enqueue(dbid, argc, copy_args(argc, argv));
    if (nesting == 0)
        propagate_flush();
}

static struct prop_client_state *state(void)
{
    int level = nesting > 0 ? nesting - 1 : 0;
    return &current[level < 16 ? level : 15];
}

void propagate_rewrite(struct client *c, int argc, vstr *argv)
{
    (void)c;
    struct prop_client_state *st = state();
    if (st->argv)
        free_args(st->argc, st->argv);
    st->argc = argc;
    st->argv = argv;
}

void propagate_rewrite_args(struct client *c, int argc, const struct resp_arg *argv)
{
    if (sink_count)
        propagate_rewrite(c, argc, copy_args(argc, argv));
}

void propagate_rewrite_key(struct client *c, const char *cmd, const char *key, size_t klen,
                           long long ms)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%lld", ms);
    struct resp_arg argv[3] = {{(char *)cmd, strlen(cmd)}, {(char *)key, klen}, {num, (size_t)n}};
    propagate_rewrite_args(c, ms < 0 ? 2 : 3, argv);
}

const char *propagate_expire_del_name(void)
{
    return cfg.lazyfree_lazy_expire ? "UNLINK" : "DEL";
}

void propagate_prevent(struct client *c)
{
    (void)c;
    state()->prevent = 1;
}

void propagate_force(struct client *c)
{
    (void)c;
    state()->force = 1;
}

void propagate_command_start(void)
{
    nesting++;
    *state() = (struct prop_client_state){0};
}

static void feed_sinks(int dbid, int argc, const struct resp_arg *argv)
{
    for (int i = 0; i < sink_count; i++)
        sinks[i](dbid, argc, argv);
}

static void feed_op(const struct prop_op *op)
{
    struct resp_arg args[op->argc > 0 ? op->argc : 1];
    for (int i = 0; i < op->argc; i++)
        args[i] = (struct resp_arg){op->argv[i], vstr_len(op->argv[i])};
    feed_sinks(op->dbid, op->argc, args);
}

void propagate_flush(void)
{
    if (queued == 0)
        return;
    int wrap = queued > 1;
    int dbid = queue[0].dbid;
    if (wrap) {
        struct resp_arg multi = {"MULTI", 5};
        feed_sinks(dbid, 1, &multi);
    }
    for (int i = 0; i < queued; i++) {
        feed_op(&queue[i]);
        free_args(queue[i].argc, queue[i].argv);
    }
    if (wrap) {
        struct resp_arg exec = {"EXEC", 4};
        feed_sinks(dbid, 1, &exec);
    }
    queued = 0;
}

void propagate_command_end(struct client *c, long long dirty)
{
    struct prop_client_state *st = state();
    /* SAVE and FLUSH-like resets move dirty backwards: not a write. */
    int propagate = (dirty > 0 || st->force) && !st->prevent && sink_count;
    /* The common case, a lone top-level command without side effects, goes
     * to the sinks straight from the client's arguments: no copy. */
    if (propagate && !st->argv && queued == 0 && nesting == 1) {
        feed_sinks(c->db->id, c->argc, c->argv);
        propagate = 0;
    }
    if (propagate) {
        if (st->argv) {
            enqueue(c->db->id, st->argc, st->argv);
            st->argv = NULL;
        } else {
            enqueue(c->db->id, c->argc, copy_args(c->argc, c->argv));
        }
    }
    if (st->argv)
        free_args(st->argc, st->argv);
    *st = (struct prop_client_state){0};
    if (--nesting == 0)
        propagate_flush();
}
