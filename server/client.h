/* client — one connected client: its connection, query buffer, the
 * request being executed, its reply buffers and per-feature state.
 *
 * Feature modules (MULTI, blocking, pub/sub, replication) keep their
 * per-client state behind the opaque pointers at the end, so adding a
 * feature never reshapes this struct for the others.
 */
#ifndef VIGIL_CLIENT_H
#define VIGIL_CLIENT_H

#include "conn.h"
#include "net.h"
#include "resp.h"
#include "vstr.h"

#include <stdint.h>

struct db;
struct command;

/* Client flags (c->flags). */
#define CLIENT_CLOSE_AFTER_REPLY (1ULL << 0) /* close when the reply is written */
#define CLIENT_CLOSE_ASAP (1ULL << 1)        /* close at the next loop iteration */
#define CLIENT_PENDING_WRITE (1ULL << 2)     /* queued for the before-sleep flush */
#define CLIENT_MULTI (1ULL << 3)
#define CLIENT_DIRTY_CAS (1ULL << 4)  /* a WATCHed key was touched */
#define CLIENT_DIRTY_EXEC (1ULL << 5) /* a queued command was rejected */
#define CLIENT_BLOCKED (1ULL << 6)
#define CLIENT_PUBSUB (1ULL << 7)
#define CLIENT_MONITOR (1ULL << 8)
#define CLIENT_MASTER (1ULL << 9)  /* our link to the primary we replicate */
#define CLIENT_SLAVE (1ULL << 10)  /* a replica attached to us */
#define CLIENT_REPLY_OFF (1ULL << 11)
#define CLIENT_REPLY_SKIP_NEXT (1ULL << 12)
#define CLIENT_REPLY_SKIP (1ULL << 13)
#define CLIENT_NO_EVICT (1ULL << 14)
#define CLIENT_UNIX_SOCKET (1ULL << 15)
#define CLIENT_FAKE (1ULL << 16) /* no connection: AOF loading, scripts */
#define CLIENT_EXECUTING (1ULL << 17)
#define CLIENT_PAUSED_WAITING (1ULL << 18) /* input held by CLIENT PAUSE */
#define CLIENT_PROTECTED (1ULL << 19)
#define CLIENT_UNBLOCKED (1ULL << 20) /* has input left to process after unblocking */
#define CLIENT_NO_TOUCH (1ULL << 21)
#define CLIENT_SCRIPT (1ULL << 22) /* the fake client a script's commands run on */

/* Size of the reply buffer embedded in each client. */
#define CLIENT_REPLY_CHUNK 16384

struct reply_block {
    struct reply_block *next;
    size_t size, used;
    char data[];
};

struct client {
    uint64_t id;
    struct conn *conn;
    uint64_t flags;
    int resp; /* protocol version: 2 or 3 */
    struct db *db;
    vstr name;
    int authenticated;
    vstr user; /* the ACL user; always "default" for now */

    vstr querybuf;
    size_t qb_pos;
    size_t querybuf_peak;
    struct resp_request req;

    /* The command being executed. */
    int argc;
    struct resp_arg *argv;
    struct command *cmd, *lastcmd;
    /* Owned argument storage for commands replayed later (MULTI, blocking). */
    vstr *owned_argv;

    /* Replies: the fixed buffer first, then a list of blocks. */
    char *buf;
    size_t bufpos, sentlen;
    struct reply_block *reply_head, *reply_tail;
    size_t reply_bytes; /* bytes held in blocks */
    size_t reply_blocks;
    /* Most of the reply buffer used in the current window (CLIENT LIST rbp). */
    size_t buf_peak;
    long long buf_peak_reset_time;
    long long obuf_soft_limit_reached_time;

    long long ctime;            /* creation, unix seconds */
    long long last_interaction; /* unix seconds */
    long long commands_processed;
    uint64_t net_input_bytes, net_output_bytes;

    char addr[NET_ADDR_STR_LEN];
    char laddr[NET_ADDR_STR_LEN];

    /* Intrusive lists: all clients, pending writes, pending closes. */
    struct client *prev, *next;
    struct client *next_pending_write;
    struct client *next_close;

    /* Per-feature state, owned by the module named. */
    struct multi_state *mstate;        /* multi.c */
    struct blocking_state *bstate;     /* blocking.c */
    struct pubsub_state *pubsub;       /* pubsub.c */
    struct watch_state *watched;       /* multi.c */
    struct repl_client_state *repl;    /* replication.c */
};

/* Fake clients (AOF loading, MULTI replay helpers) have no connection. */
struct client *client_new(struct conn *conn);
void client_free(struct client *c);
/* Safe from inside the client's own command: freed before the next sleep. */
void client_close_async(struct client *c);
void client_set_db(struct client *c, int dbid);

/* Arguments of the running command as a C string / length. */
static inline const char *client_arg(const struct client *c, int i)
{
    return c->argv[i].ptr;
}
static inline size_t client_arg_len(const struct client *c, int i)
{
    return c->argv[i].len;
}
/* Case-insensitive comparison of argument i with a keyword. */
int client_arg_is(const struct client *c, int i, const char *keyword);

/* Copies the current arguments into storage owned by the client, so they
 * survive the query buffer being consumed (blocked commands). */
void client_own_argv(struct client *c);
void client_release_argv(struct client *c);

/* A formatted "id=... addr=..." line as CLIENT LIST/INFO print it. */
vstr client_info_string(vstr s, const struct client *c);

#endif
