/* client — accepting, reading, replying and pub/sub for the sentinel's
 * own clients (see client.h). */
#include "client.h"

#include <errno.h>
#include <string.h>

#include "commands.h"
#include "conn.h"
#include "glob.h"
#include "instance.h"
#include "log.h"
#include "mem.h"
#include "net.h"
#include "resp_write.h"

#define QUERY_MAX (64 * 1024 * 1024)

struct listener {
    ev_io io;
    int fd;
};

static struct listener listeners[16];
static int nlisteners;
static struct client *clients;
static long long next_client_id = 1;
static int nclients;
static struct client_stats stats;

#define STATS_SAMPLES 16
/* A ring of counter snapshots: the rates are their average slope. */
static struct {
    long long time, commands, input, output;
} samples[STATS_SAMPLES];
static int sample_idx, sample_count;

static void client_on_readable(struct conn *conn);
static void client_on_writable(struct conn *conn);

static void free_names(vstr *v, int n)
{
    for (int i = 0; i < n; i++)
        vstr_free(v[i]);
    mem_free(v);
}

void client_close(struct client *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    nclients--;
    conn_set_data(c->conn, NULL);
    conn_close(c->conn);
    vstr_free(c->querybuf);
    vstr_free(c->out);
    resp_request_free(&c->req);
    if (c->name)
        vstr_free(c->name);
    if (c->user)
        vstr_free(c->user);
    if (c->last_cmd)
        vstr_free(c->last_cmd);
    free_names(c->channels, c->nchannels);
    free_names(c->patterns, c->npatterns);
    mem_free(c);
}

static void client_create(int fd, const char *ip, int port)
{
    struct client *c = mem_calloc(sizeof *c);
    c->id = next_client_id++;
    c->conn = conn_plain_accepted(sentinel.loop, fd);
    conn_set_data(c->conn, c);
    c->querybuf = vstr_empty();
    c->out = vstr_empty();
    resp_request_init(&c->req);
    net_format_addr(c->addr, sizeof c->addr, ip, port);
    char lip[NET_ADDR_STR_LEN];
    int lport = 0;
    if (net_sock_name(fd, lip, sizeof lip, &lport) == 0)
        net_format_addr(c->laddr, sizeof c->laddr, lip, lport);
    c->authenticated = sentinel.requirepass == NULL;
    c->user = vstr_from("default");
    c->ctime = c->last_interaction = instance_now();
    c->next = clients;
    if (clients)
        clients->prev = c;
    clients = c;
    nclients++;
    stats.connections++;
    conn_accept(c->conn, NULL);
    conn_set_read_handler(c->conn, client_on_readable);
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    struct listener *l = w->data;
    for (int i = 0; i < 100; i++) {
        char err[NET_ERR_LEN], ip[NET_ADDR_STR_LEN];
        int port;
        int fd = net_tcp_accept(err, l->fd, ip, sizeof ip, &port);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                log_warning("Accepting client connection: %s", err);
            return;
        }
        net_set_nonblock(fd, 1);
        net_set_nodelay(fd, 1);
        net_set_cloexec(fd);
        client_create(fd, ip, port);
    }
}

static int listen_one(const char *addr)
{
    char err[NET_ERR_LEN];
    int fd = net_tcp_listen(err, addr, sentinel.port, 511);
    if (fd == -2)
        return 0;
    if (fd < 0) {
        log_warning("Warning: Could not create server TCP listening socket %s:%d: %s", addr,
                    sentinel.port, err);
        return -1;
    }
    struct listener *l = &listeners[nlisteners++];
    l->fd = fd;
    ev_io_init(&l->io, on_accept, fd, EV_READ);
    l->io.data = l;
    ev_io_start(sentinel.loop, &l->io);
    return 0;
}

int client_listen(void)
{
    if (sentinel.bind_count == 0) {
        if (listen_one("*") < 0)
            return -1;
        /* IPv6 is optional: a host without it still listens on IPv4. */
        listen_one("-::*");
        return 0;
    }
    for (int i = 0; i < sentinel.bind_count && nlisteners < 16; i++)
        if (listen_one(sentinel.bind[i]) < 0)
            return -1;
    return 0;
}

/* Queues the output for writing (the write handler does the rest). */
static void flush_later(struct client *c)
{
    if (vstr_len(c->out))
        conn_set_write_handler(c->conn, client_on_writable);
    else if (c->close_after_reply)
        client_close(c);
}

static void client_on_writable(struct conn *conn)
{
    struct client *c = conn_data(conn);
    if (!c)
        return;
    while (vstr_len(c->out)) {
        ssize_t n = conn_write(conn, c->out, vstr_len(c->out));
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return;
            client_close(c);
            return;
        }
        stats.writes++;
        stats.net_output_bytes += n;
        vstr_keep_range(c->out, (size_t)n, vstr_len(c->out) - (size_t)n);
    }
    conn_set_write_handler(conn, NULL);
    if (c->close_after_reply)
        client_close(c);
}

void client_close_later(struct client *c)
{
    c->close_after_reply = 1;
}

/* Runs every complete request in the query buffer. */
static void process_input(struct client *c)
{
    static const struct resp_limits limits = {.max_bulk_len = 512 * 1024 * 1024,
                                              .auth_required = 0};
    size_t off = 0;
    while (off < vstr_len(c->querybuf) && !c->close_after_reply) {
        size_t consumed = 0;
        const char *err = NULL;
        enum resp_status st = resp_parse(&c->req, c->querybuf + off, vstr_len(c->querybuf) - off,
                                         &limits, &consumed, &err);
        if (st == RESP_NEED_MORE)
            break;
        if (st == RESP_ERROR) {
            c->out = resp_write_errorf(c->out, "ERR Protocol error: %s", err);
            c->close_after_reply = 1;
            break;
        }
        off += consumed;
        if (c->req.argc == 0)
            continue;
        stats.commands++;
        c->last_interaction = instance_now();
        size_t reply_start = vstr_len(c->out);
        commands_exec(c, c->req.argc, c->req.argv);
        if (vstr_len(c->out) > reply_start && c->out[reply_start] == '-')
            stats.errors++;
    }
    vstr_keep_range(c->querybuf, off, vstr_len(c->querybuf) - off);
}

static void client_on_readable(struct conn *conn)
{
    struct client *c = conn_data(conn);
    if (!c)
        return;
    c->querybuf = vstr_make_room(c->querybuf, 16384);
    ssize_t n = conn_read(conn, c->querybuf + vstr_len(c->querybuf), 16384);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        client_close(c);
        return;
    }
    if (n < 0)
        return;
    vstr_incr_len(c->querybuf, (size_t)n);
    stats.reads++;
    stats.net_input_bytes += n;
    if (vstr_len(c->querybuf) > QUERY_MAX) {
        log_warning("Closing client that reached max query buffer length");
        client_close(c);
        return;
    }
    process_input(c);
    flush_later(c);
}

/* ---- pub/sub ---- */

int client_subscriptions(const struct client *c)
{
    return c->nchannels + c->npatterns;
}

static int find_name(vstr *v, int n, const char *s, size_t len)
{
    for (int i = 0; i < n; i++)
        if (vstr_len(v[i]) == len && !memcmp(v[i], s, len))
            return i;
    return -1;
}

static void write_sub_reply(struct client *c, const char *kind, const char *name, size_t len)
{
    c->out = resp_write_array_len(c->out, 3);
    c->out = resp_write_bulk_cstr(c->out, kind);
    if (name)
        c->out = resp_write_bulk(c->out, name, len);
    else
        c->out = resp_write_null(c->out);
    c->out = resp_write_int(c->out, client_subscriptions(c));
}

void client_subscribe(struct client *c, int pattern, int argc, struct resp_arg *argv)
{
    vstr **list = pattern ? &c->patterns : &c->channels;
    int *n = pattern ? &c->npatterns : &c->nchannels;
    for (int i = 1; i < argc; i++) {
        if (find_name(*list, *n, argv[i].ptr, argv[i].len) < 0) {
            *list = mem_realloc(*list, (size_t)(*n + 1) * sizeof(vstr));
            (*list)[(*n)++] = vstr_new(argv[i].ptr, argv[i].len);
        }
        write_sub_reply(c, pattern ? "psubscribe" : "subscribe", argv[i].ptr, argv[i].len);
    }
}

static void remove_at(vstr *list, int *n, int idx)
{
    vstr_free(list[idx]);
    list[idx] = list[--*n];
}

void client_unsubscribe(struct client *c, int pattern, int argc, struct resp_arg *argv)
{
    vstr *list = pattern ? c->patterns : c->channels;
    int *n = pattern ? &c->npatterns : &c->nchannels;
    const char *kind = pattern ? "punsubscribe" : "unsubscribe";
    if (argc == 1) {
        if (*n == 0)
            write_sub_reply(c, kind, NULL, 0);
        while (*n > 0) {
            vstr name = vstr_dup(list[*n - 1]);
            remove_at(list, n, *n - 1);
            write_sub_reply(c, kind, name, vstr_len(name));
            vstr_free(name);
        }
        return;
    }
    for (int i = 1; i < argc; i++) {
        int idx = find_name(list, *n, argv[i].ptr, argv[i].len);
        if (idx >= 0)
            remove_at(list, n, idx);
        write_sub_reply(c, kind, argv[i].ptr, argv[i].len);
    }
}

int client_publish(const char *channel, const char *msg, size_t len)
{
    int receivers = 0;
    size_t clen = strlen(channel);
    for (struct client *c = clients; c; c = c->next) {
        if (find_name(c->channels, c->nchannels, channel, clen) >= 0) {
            c->out = resp_write_array_len(c->out, 3);
            c->out = resp_write_bulk_cstr(c->out, "message");
            c->out = resp_write_bulk(c->out, channel, clen);
            c->out = resp_write_bulk(c->out, msg, len);
            receivers++;
        }
        for (int i = 0; i < c->npatterns; i++) {
            if (!glob_match(c->patterns[i], vstr_len(c->patterns[i]), channel, clen, 0))
                continue;
            c->out = resp_write_array_len(c->out, 4);
            c->out = resp_write_bulk_cstr(c->out, "pmessage");
            c->out = resp_write_bulk(c->out, c->patterns[i], vstr_len(c->patterns[i]));
            c->out = resp_write_bulk(c->out, channel, clen);
            c->out = resp_write_bulk(c->out, msg, len);
            receivers++;
        }
        if (vstr_len(c->out))
            conn_set_write_handler(c->conn, client_on_writable);
    }
    return receivers;
}

/* ---- introspection ---- */

vstr client_list(vstr out)
{
    long long now = instance_now();
    for (struct client *c = clients; c; c = c->next) {
        out = vstr_catfmt(out,
                          "id=%lld addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=N "
                          "db=0 sub=%d psub=%d ssub=0 multi=-1 qbuf=%zu qbuf-free=%zu "
                          "argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=%zu tot-mem=0 "
                          "events=r cmd=%s user=%s redir=-1 resp=2\n",
                          c->id, c->addr, c->laddr, conn_fd(c->conn), c->name ? c->name : "",
                          (now - c->ctime) / 1000, (now - c->last_interaction) / 1000,
                          c->nchannels, c->npatterns, vstr_len(c->querybuf),
                          vstr_avail(c->querybuf), vstr_len(c->out),
                          c->last_cmd ? c->last_cmd : "NULL", c->user);
    }
    return out;
}

struct client *client_by_id(long long id)
{
    for (struct client *c = clients; c; c = c->next)
        if (c->id == id)
            return c;
    return NULL;
}

struct client *client_by_addr(const char *addr)
{
    for (struct client *c = clients; c; c = c->next)
        if (!strcmp(c->addr, addr))
            return c;
    return NULL;
}

int client_count(void)
{
    return nclients;
}

const struct client_stats *client_get_stats(void)
{
    return &stats;
}

void client_stats_sample(long long now_ms)
{
    samples[sample_idx].time = now_ms;
    samples[sample_idx].commands = stats.commands;
    samples[sample_idx].input = stats.net_input_bytes;
    samples[sample_idx].output = stats.net_output_bytes;
    sample_idx = (sample_idx + 1) % STATS_SAMPLES;
    if (sample_count < STATS_SAMPLES)
        sample_count++;
    if (sample_count < 2)
        return;
    int newest = (sample_idx + STATS_SAMPLES - 1) % STATS_SAMPLES;
    int oldest = sample_count < STATS_SAMPLES ? 0 : sample_idx;
    double secs = (double)(samples[newest].time - samples[oldest].time) / 1000.0;
    if (secs <= 0)
        return;
    stats.ops_per_sec = (double)(samples[newest].commands - samples[oldest].commands) / secs;
    stats.input_kbps = (double)(samples[newest].input - samples[oldest].input) / secs / 1024;
    stats.output_kbps = (double)(samples[newest].output - samples[oldest].output) / secs / 1024;
}

/* Names subscribed by c that no earlier client in the list holds. */
static int count_new_names(const struct client *c, int pattern)
{
    int n = 0;
    int count = pattern ? c->npatterns : c->nchannels;
    for (int i = 0; i < count; i++) {
        vstr name = pattern ? c->patterns[i] : c->channels[i];
        int seen = 0;
        for (const struct client *o = clients; o != c && !seen; o = o->next) {
            vstr *names = pattern ? o->patterns : o->channels;
            int on = pattern ? o->npatterns : o->nchannels;
            seen = find_name(names, on, name, vstr_len(name)) >= 0;
        }
        n += !seen;
    }
    return n;
}

int client_pubsub_channels(void)
{
    int n = 0;
    for (const struct client *c = clients; c; c = c->next)
        n += count_new_names(c, 0);
    return n;
}

int client_pubsub_patterns(void)
{
    int n = 0;
    for (const struct client *c = clients; c; c = c->next)
        n += count_new_names(c, 1);
    return n;
}

void client_max_buffers(size_t *query, size_t *out)
{
    *query = *out = 0;
    for (struct client *c = clients; c; c = c->next) {
        if (vstr_alloc_size(c->querybuf) > *query)
            *query = vstr_alloc_size(c->querybuf);
        if (vstr_len(c->out) > *out)
            *out = vstr_len(c->out);
    }
}
