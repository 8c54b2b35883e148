/* commands — the command table and the dispatcher.
 *
 * Each family module (t_string.c, keys.c, ...) defines a NULL-terminated
 * array of struct command; commands.c gathers the families into one
 * lookup table at startup.  Flags and ACL categories are written as words
 * ("write denyoom fast", "@string") and parsed once.
 */
#ifndef VIGIL_COMMANDS_H
#define VIGIL_COMMANDS_H

#include "dict.h"
#include "resp.h"
#include "vstr.h"

#include <stdint.h>

struct client;
struct latency_hist;
typedef void command_proc(struct client *c);

/* Command flags, named as COMMAND INFO prints them. */
#define CMD_WRITE (1ULL << 0)
#define CMD_READONLY (1ULL << 1)
#define CMD_DENYOOM (1ULL << 2)
#define CMD_MODULE (1ULL << 3)
#define CMD_ADMIN (1ULL << 4)
#define CMD_PUBSUB (1ULL << 5)
#define CMD_NOSCRIPT (1ULL << 6)
#define CMD_BLOCKING (1ULL << 8)
#define CMD_LOADING (1ULL << 9)
#define CMD_STALE (1ULL << 10)
#define CMD_SKIP_MONITOR (1ULL << 11)
#define CMD_SKIP_SLOWLOG (1ULL << 12)
#define CMD_ASKING (1ULL << 13)
#define CMD_FAST (1ULL << 14)
#define CMD_NO_AUTH (1ULL << 15)
#define CMD_MAY_REPLICATE (1ULL << 16)
#define CMD_SENTINEL (1ULL << 17)
#define CMD_ONLY_SENTINEL (1ULL << 18)
#define CMD_NO_MANDATORY_KEYS (1ULL << 19)
#define CMD_PROTECTED (1ULL << 20)
#define CMD_NO_ASYNC_LOADING (1ULL << 23)
#define CMD_NO_MULTI (1ULL << 24)
#define CMD_MOVABLE_KEYS (1ULL << 25)
#define CMD_ALLOW_BUSY (1ULL << 26)

struct command {
    const char *name;
    command_proc *proc;
    int arity; /* negative: at least -arity arguments */
    const char *flags;
    const char *acl; /* extra ACL categories, e.g. "@string" */
    int first_key, last_key, key_step;
    struct command *subcommands; /* NULL-terminated array, or NULL */
    const char *group;           /* COMMAND DOCS group: "string", "generic", ... */
    const char *since;
    const char *summary;
    const char *complexity;

    /* COMMAND INFO / DOCS metadata, all optional; the formats are described
     * in command_info.h.  Without key_specs, one spec is derived from
     * first_key/last_key/key_step. */
    const char *tips;       /* "nondeterministic_output request_policy:all_shards" */
    const char *key_specs;  /* "RW access update|index 1|range 0 1 0;..." */
    const char *args;       /* argument tree for COMMAND DOCS */
    const char *history;    /* "6.2.0 Added the `GET` option.\n7.0.0 ..." */
    const char *doc_flags;  /* "deprecated", "syscmd" */
    const char *deprecated_since;
    const char *replaced_by;

    /* Filled in at startup. */
    uint64_t flag_bits;
    uint64_t acl_bits;
    struct command *parent;
    vstr fullname; /* "config|get" */
    dict *subcommand_table;

    /* Statistics (INFO commandstats). */
    long long calls, usec, rejected_calls, failed_calls;
    struct latency_hist *latency_hist; /* INFO latencystats, latency.c */
};

void commands_init(void);
struct command *commands_lookup(const char *name, size_t len);
/* Resolves subcommands too: the command argv[0] (argv[1]) names. */
struct command *commands_lookup_argv(int argc, const struct resp_arg *argv);
/* Calls fn for every command and subcommand. */
void commands_foreach(void (*fn)(struct command *cmd, void *ctx), void *ctx);
dict *commands_table(void);
uint64_t commands_parse_flags(const char *words);

/* Validates and runs the client's current command; 0, or -1 if the client
 * must be closed. */
int commands_process(struct client *c);
/* Runs a command whose checks passed, with timing, stats and propagation. */
void commands_call(struct client *c);

#endif
