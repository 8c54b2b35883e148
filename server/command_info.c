/* command_info — COMMAND and its subcommands, over the metadata strings of
 * the command tables (formats in command_info.h).
 *
 * The metadata is parsed when a reply needs it rather than at startup:
 * COMMAND is rare, and keeping the strings as the only representation
 * means there is nothing to keep in sync.  The replies follow Redis 7.0's
 * shapes field for field, because client libraries (redis-py's cluster
 * support, redis-cli hints) read them.
 */
#include "command_info.h"

#include "client.h"
#include "glob.h"
#include "log.h"
#include "mem.h"
#include "numconv.h"
#include "reply.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define KEY_SPECS_MAX 8

/* ---- ACL categories ---- */

/* Redis's category order: COMMAND INFO lists a command's categories in it. */
static const char *const acl_names[] = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting",
};
#define ACL_COUNT (sizeof acl_names / sizeof acl_names[0])

static uint64_t acl_bit(const char *name)
{
    return command_info_acl_category(name, strlen(name));
}

uint64_t command_info_acl_category(const char *name, size_t len)
{
    if (len && name[0] == '@') {
        name++;
        len--;
    }
    for (size_t i = 0; i < ACL_COUNT; i++)
        if (strlen(acl_names[i]) == len && strncasecmp(acl_names[i], name, len) == 0)
            return 1ULL << i;
    return 0;
}

/* The categories a command's flags imply, as Redis assigns them. */
static uint64_t implied_acl(uint64_t f, uint64_t bits)
{
    if (f & CMD_WRITE)
        bits |= acl_bit("write");
    if ((f & CMD_READONLY) && !(bits & acl_bit("scripting")))
        bits |= acl_bit("read");
    if (f & CMD_ADMIN)
        bits |= acl_bit("admin") | acl_bit("dangerous");
    if (f & CMD_PUBSUB)
        bits |= acl_bit("pubsub");
    if (f & CMD_BLOCKING)
        bits |= acl_bit("blocking");
    bits |= (f & CMD_FAST) ? acl_bit("fast") : acl_bit("slow");
    return bits;
}

static uint64_t parse_acl_words(const struct command *cmd)
{
    uint64_t bits = 0;
    const char *p = cmd->acl ? cmd->acl : "";
    while (*p) {
        p += strspn(p, " ");
        size_t len = strcspn(p, " ");
        if (len == 0)
            break;
        uint64_t bit = command_info_acl_category(p, len);
        if (!bit)
            log_warning("Unknown ACL category '%.*s' for command '%s'", (int)len, p, cmd->fullname);
        bits |= bit;
        p += len;
    }
    return bits;
}

/* ---- key specs ---- */

enum { BS_INDEX, BS_KEYWORD, BS_UNKNOWN };
enum { FK_RANGE, FK_KEYNUM, FK_UNKNOWN };

struct key_spec {
    const char *flags, *notes, *keyword;
    size_t flags_len, notes_len, keyword_len;
    int bs_type, fk_type;
    long long pos, startfrom;
    /* range: lastkey, keystep, limit; keynum: keynumidx, firstkey, keystep */
    long long fk[3];
};

static int take_word(const char **p, const char *end, const char **w, size_t *len)
{
    while (*p < end && **p == ' ')
        (*p)++;
    *w = *p;
    while (*p < end && **p != ' ')
        (*p)++;
    *len = (size_t)(*p - *w);
    return *len ? 0 : -1;
}

static int take_ll(const char **p, const char *end, long long *out)
{
    const char *w;
    size_t len;
    return take_word(p, end, &w, &len) < 0 ? -1 : numconv_to_ll(w, len, out);
}

static int word_is(const char *w, size_t len, const char *word)
{
    return strlen(word) == len && strncmp(w, word, len) == 0;
}

static int parse_begin(const char *p, const char *end, struct key_spec *ks)
{
    const char *w;
    size_t len;
    if (take_word(&p, end, &w, &len) < 0)
        return -1;
    if (word_is(w, len, "index")) {
        ks->bs_type = BS_INDEX;
        return take_ll(&p, end, &ks->pos);
    }
    if (word_is(w, len, "keyword")) {
        ks->bs_type = BS_KEYWORD;
        if (take_word(&p, end, &ks->keyword, &ks->keyword_len) < 0)
            return -1;
        return take_ll(&p, end, &ks->startfrom);
    }
    ks->bs_type = BS_UNKNOWN;
    return word_is(w, len, "unknown") ? 0 : -1;
}

static int parse_find(const char *p, const char *end, struct key_spec *ks)
{
    const char *w;
    size_t len;
    if (take_word(&p, end, &w, &len) < 0)
        return -1;
    if (word_is(w, len, "unknown")) {
        ks->fk_type = FK_UNKNOWN;
        return 0;
    }
    if (word_is(w, len, "range"))
        ks->fk_type = FK_RANGE;
    else if (word_is(w, len, "keynum"))
        ks->fk_type = FK_KEYNUM;
    else
        return -1;
    for (int i = 0; i < 3; i++)
        if (take_ll(&p, end, &ks->fk[i]) < 0)
            return -1;
    return 0;
}

/* Parses one "FLAGS|BEGIN|FIND[|NOTES]" spec ending at end. */
static int parse_spec(const char *p, const char *end, struct key_spec *ks)
{
    const char *part[4] = {0};
    const char *part_end[4] = {0};
    int n = 0;
    while (n < 4) {
        part[n] = p;
        const char *bar = memchr(p, '|', (size_t)(end - p));
        part_end[n++] = bar ? bar : end;
        if (!bar)
            break;
        p = bar + 1;
    }
    if (n < 3)
        return -1;
    memset(ks, 0, sizeof *ks);
    ks->flags = part[0];
    ks->flags_len = (size_t)(part_end[0] - part[0]);
    if (n == 4) {
        ks->notes = part[3];
        ks->notes_len = (size_t)(part_end[3] - part[3]);
    }
    if (parse_begin(part[1], part_end[1], ks) < 0 || parse_find(part[2], part_end[2], ks) < 0)
        return -1;
    return 0;
}

/* The spec legacy first/last/step describe, for tables without key_specs. */
static void derive_spec(const struct command *cmd, struct key_spec *ks)
{
    memset(ks, 0, sizeof *ks);
    ks->flags = (cmd->flag_bits & CMD_READONLY) ? "RO access" : "RW access update";
    ks->flags_len = strlen(ks->flags);
    ks->bs_type = BS_INDEX;
    ks->pos = cmd->first_key;
    ks->fk_type = FK_RANGE;
    ks->fk[0] = cmd->last_key < 0 ? cmd->last_key : cmd->last_key - cmd->first_key;
    ks->fk[1] = cmd->key_step > 0 ? cmd->key_step : 1;
    ks->fk[2] = 0;
}

/* Fills specs (room for KEY_SPECS_MAX) and returns how many; -1 if the
 * table's key_specs string is malformed. */
static int load_key_specs(const struct command *cmd, struct key_spec *specs)
{
    if (!cmd->key_specs) {
        if (cmd->first_key <= 0)
            return 0;
        derive_spec(cmd, &specs[0]);
        return 1;
    }
    int n = 0;
    const char *p = cmd->key_specs;
    while (*p) {
        const char *end = p + strcspn(p, ";");
        if (n == KEY_SPECS_MAX || parse_spec(p, end, &specs[n]) < 0)
            return -1;
        n++;
        p = *end ? end + 1 : end;
    }
    return n;
}

/* First argv index of the keys a spec finds, or -1 if it finds none. */
static int spec_begin(const struct key_spec *ks, int argc, const struct resp_arg *argv)
{
    if (ks->bs_type == BS_INDEX)
        return (int)ks->pos;
    if (ks->bs_type != BS_KEYWORD)
        return -1;
    /* Search from startfrom towards the end, or, when it is negative,
     * from that far before the end back towards the start. */
    long long start = ks->startfrom >= 0 ? ks->startfrom : argc + ks->startfrom;
    int dir = ks->startfrom >= 0 ? 1 : -1;
    for (long long i = start; i >= 1 && i < argc; i += dir)
        if (argv[i].len == ks->keyword_len &&
            strncasecmp(argv[i].ptr, ks->keyword, ks->keyword_len) == 0)
            return (int)i + 1;
    return -1;
}

/* Adds the keys one spec finds, while there is room for them (overlapping
 * specs could find more than argc); 0, or -1 if the arguments do not fit. */
static int spec_keys(const struct key_spec *ks, int argc, const struct resp_arg *argv,
                     struct command_key *keys, int *count)
{
    long long first = spec_begin(ks, argc, argv), last, step;
    if (first < 0 || ks->fk_type == FK_UNKNOWN)
        return 0;
    if (ks->fk_type == FK_RANGE) {
        long long lastkey = ks->fk[0], limit = ks->fk[2];
        step = ks->fk[1];
        if (lastkey >= 0)
            last = first + lastkey;
        else if (!limit)
            last = argc + lastkey;
        else
            last = first + ((argc - first) / limit + lastkey);
    } else {
        long long numkeys;
        if (first + ks->fk[0] >= argc)
            return -1;
        const struct resp_arg *n = &argv[first + ks->fk[0]];
        if (numconv_to_ll(n->ptr, n->len, &numkeys) < 0 || numkeys < 0 || numkeys > argc)
            return -1;
        first += ks->fk[1];
        step = ks->fk[2];
        last = first + (numkeys - 1) * step;
    }
    if (step <= 0 || last >= argc || last < first || first >= argc)
        return -1;
    for (long long i = first; i <= last && *count < argc; i += step) {
        keys[*count].pos = (int)i;
        keys[*count].flags = ks->flags;
        keys[*count].flags_len = ks->flags_len;
        (*count)++;
    }
    return 0;
}

int command_info_get_keys(const struct command *cmd, int argc, const struct resp_arg *argv,
                          struct command_key *keys)
{
    struct key_spec specs[KEY_SPECS_MAX];
    int nspecs = load_key_specs(cmd, specs);
    if (nspecs < 0)
        return -1;
    int count = 0;
    for (int i = 0; i < nspecs; i++)
        if (spec_keys(&specs[i], argc, argv, keys, &count) < 0)
            return -1;
    return count;
}

/* ---- startup ---- */

static void init_one(struct command *cmd, void *ctx)
{
    (void)ctx;
    struct key_spec specs[KEY_SPECS_MAX];
    cmd->acl_bits = implied_acl(cmd->flag_bits, parse_acl_words(cmd));
    int n = load_key_specs(cmd, specs);
    if (n < 0) {
        log_warning("Malformed key specs for command '%s'", cmd->fullname);
        return;
    }
    for (int i = 0; i < n; i++)
        if (specs[i].bs_type != BS_INDEX || specs[i].fk_type != FK_RANGE)
            cmd->flag_bits |= CMD_MOVABLE_KEYS;
}

void command_info_init(void)
{
    commands_foreach(init_one, NULL);
}

/* ---- reply helpers ---- */

static void reply_status_slice(struct client *c, const char *p, size_t len)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), p);
    reply_status(c, buf);
}

static long count_words(const char *s, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
            n++;
    return n;
}

/* Replies the words of s as a set of status (flags) or bulk strings (tips). */
static void reply_words(struct client *c, const char *s, size_t len, int as_status)
{
    reply_set_len(c, count_words(s, len));
    const char *p = s, *end = s + len, *w;
    size_t wl;
    while (take_word(&p, end, &w, &wl) == 0) {
        if (as_status)
            reply_status_slice(c, w, wl);
        else
            reply_bulk(c, w, wl);
    }
}

static void reply_cstr_words(struct client *c, const char *s, int as_status)
{
    reply_words(c, s ? s : "", s ? strlen(s) : 0, as_status);
}

/* Flags in the order COMMAND INFO prints them (not every bit is shown). */
static const struct {
    uint64_t bit;
    const char *name;
} shown_flags[] = {
    {CMD_WRITE, "write"},
    {CMD_READONLY, "readonly"},
    {CMD_DENYOOM, "denyoom"},
    {CMD_MODULE, "module"},
    {CMD_ADMIN, "admin"},
    {CMD_PUBSUB, "pubsub"},
    {CMD_NOSCRIPT, "noscript"},
    {CMD_BLOCKING, "blocking"},
    {CMD_LOADING, "loading"},
    {CMD_STALE, "stale"},
    {CMD_SKIP_MONITOR, "skip_monitor"},
    {CMD_SKIP_SLOWLOG, "skip_slowlog"},
    {CMD_ASKING, "asking"},
    {CMD_FAST, "fast"},
    {CMD_NO_AUTH, "no_auth"},
    {CMD_MAY_REPLICATE, "may_replicate"},
    {CMD_NO_MANDATORY_KEYS, "no_mandatory_keys"},
    {CMD_NO_ASYNC_LOADING, "no_async_loading"},
    {CMD_NO_MULTI, "no_multi"},
    {CMD_MOVABLE_KEYS, "movablekeys"},
    {CMD_ALLOW_BUSY, "allow_busy"},
};
#define SHOWN_FLAGS_COUNT (sizeof shown_flags / sizeof shown_flags[0])

static void reply_flags(struct client *c, const struct command *cmd)
{
    long n = 0;
    for (size_t i = 0; i < SHOWN_FLAGS_COUNT; i++)
        n += (cmd->flag_bits & shown_flags[i].bit) != 0;
    reply_set_len(c, n);
    for (size_t i = 0; i < SHOWN_FLAGS_COUNT; i++)
        if (cmd->flag_bits & shown_flags[i].bit)
            reply_status(c, shown_flags[i].name);
}

static void reply_acl(struct client *c, const struct command *cmd)
{
    long n = 0;
    for (size_t i = 0; i < ACL_COUNT; i++)
        n += (cmd->acl_bits >> i) & 1;
    reply_set_len(c, n);
    char buf[32];
    for (size_t i = 0; i < ACL_COUNT; i++) {
        if (!((cmd->acl_bits >> i) & 1))
            continue;
        snprintf(buf, sizeof buf, "@%s", acl_names[i]);
        reply_status(c, buf);
    }
}

static void reply_pair_ll(struct client *c, const char *name, long long v)
{
    reply_bulk_cstr(c, name);
    reply_ll(c, v);
}

static void reply_begin_search(struct client *c, const struct key_spec *ks)
{
    static const char *const names[] = {"index", "keyword", "unknown"};
    reply_map_len(c, 2);
    reply_bulk_cstr(c, "type");
    reply_bulk_cstr(c, names[ks->bs_type]);
    reply_bulk_cstr(c, "spec");
    if (ks->bs_type == BS_INDEX) {
        reply_map_len(c, 1);
        reply_pair_ll(c, "index", ks->pos);
    } else if (ks->bs_type == BS_KEYWORD) {
        reply_map_len(c, 2);
        reply_bulk_cstr(c, "keyword");
        reply_bulk(c, ks->keyword, ks->keyword_len);
        reply_pair_ll(c, "startfrom", ks->startfrom);
    } else {
        reply_map_len(c, 0);
    }
}

static void reply_find_keys(struct client *c, const struct key_spec *ks)
{
    static const char *const names[] = {"range", "keynum", "unknown"};
    static const char *const range_fields[] = {"lastkey", "keystep", "limit"};
    static const char *const keynum_fields[] = {"keynumidx", "firstkey", "keystep"};
    reply_map_len(c, 2);
    reply_bulk_cstr(c, "type");
    reply_bulk_cstr(c, names[ks->fk_type]);
    reply_bulk_cstr(c, "spec");
    if (ks->fk_type == FK_UNKNOWN) {
        reply_map_len(c, 0);
        return;
    }
    const char *const *fields = ks->fk_type == FK_RANGE ? range_fields : keynum_fields;
    reply_map_len(c, 3);
    for (int i = 0; i < 3; i++)
        reply_pair_ll(c, fields[i], ks->fk[i]);
}

static void reply_key_specs(struct client *c, const struct command *cmd)
{
    struct key_spec specs[KEY_SPECS_MAX];
    int n = load_key_specs(cmd, specs);
    if (n < 0)
        n = 0;
    reply_array_len(c, n);
    for (int i = 0; i < n; i++) {
        const struct key_spec *ks = &specs[i];
        reply_map_len(c, ks->notes ? 4 : 3);
        if (ks->notes) {
            reply_bulk_cstr(c, "notes");
            reply_bulk(c, ks->notes, ks->notes_len);
        }
        reply_bulk_cstr(c, "flags");
        reply_words(c, ks->flags, ks->flags_len, 1);
        reply_bulk_cstr(c, "begin_search");
        reply_begin_search(c, ks);
        reply_bulk_cstr(c, "find_keys");
        reply_find_keys(c, ks);
    }
}

static long count_subcommands(const struct command *cmd)
{
    long n = 0;
    for (const struct command *sub = cmd->subcommands; sub && sub->name; sub++)
        n++;
    return n;
}

static void reply_command_info(struct client *c, const struct command *cmd)
{
    reply_array_len(c, 10);
    reply_bulk(c, cmd->fullname, vstr_len(cmd->fullname));
    reply_ll(c, cmd->arity);
    reply_flags(c, cmd);
    reply_ll(c, cmd->first_key);
    reply_ll(c, cmd->last_key);
    reply_ll(c, cmd->key_step);
    reply_acl(c, cmd);
    reply_cstr_words(c, cmd->tips, 0);
    reply_key_specs(c, cmd);
    reply_array_len(c, count_subcommands(cmd));
    for (const struct command *sub = cmd->subcommands; sub && sub->name; sub++)
        reply_command_info(c, sub);
}

/* ---- COMMAND DOCS ---- */

struct doc_arg {
    const char *name, *type, *ksi, *token, *since;
    size_t name_len, type_len, ksi_len, token_len, since_len;
    int optional, multiple, multiple_token, has_children;
};

static size_t span_until(const char *p, const char *stops)
{
    size_t n = 0;
    while (p[n] && !strchr(stops, p[n]))
        n++;
    return n;
}

/* Parses the head of one argument (everything before its children). */
static const char *parse_doc_arg(const char *p, struct doc_arg *a)
{
    memset(a, 0, sizeof *a);
    for (;; p++) {
        if (*p == '?')
            a->optional = 1;
        else if (*p == '*')
            a->multiple = 1;
        else if (*p == '+')
            a->multiple_token = 1;
        else
            break;
    }
    a->name = p;
    a->name_len = span_until(p, ": ()");
    p += a->name_len;
    if (*p == ':')
        p++;
    a->type = p;
    a->type_len = span_until(p, "#=@( )");
    p += a->type_len;
    while (*p == '#' || *p == '=' || *p == '@') {
        char mark = *p++;
        size_t len = span_until(p, "#=@( )");
        if (mark == '#') {
            a->ksi = p;
            a->ksi_len = len;
        } else if (mark == '=') {
            a->token = p;
            a->token_len = len;
        } else {
            a->since = p;
            a->since_len = len;
        }
        p += len;
    }
    a->has_children = *p == '(';
    return a->has_children ? p + 1 : p;
}

static const char *reply_doc_args(struct client *c, const char *p);

static const char *reply_doc_arg(struct client *c, const char *p)
{
    struct doc_arg a;
    p = parse_doc_arg(p, &a);
    int has_flags = a.optional || a.multiple || a.multiple_token;
    reply_map_len(c, 2 + (a.ksi != NULL) + (a.token != NULL) + (a.since != NULL) + has_flags +
                         a.has_children);
    reply_bulk_cstr(c, "name");
    reply_bulk(c, a.name, a.name_len);
    reply_bulk_cstr(c, "type");
    reply_bulk(c, a.type, a.type_len);
    if (a.ksi) {
        long long ksi = 0;
        numconv_to_ll(a.ksi, a.ksi_len, &ksi);
        reply_pair_ll(c, "key_spec_index", ksi);
    }
    if (a.token) {
        reply_bulk_cstr(c, "token");
        reply_bulk(c, a.token, a.token_len);
    }
    if (a.since) {
        reply_bulk_cstr(c, "since");
        reply_bulk(c, a.since, a.since_len);
    }
    if (has_flags) {
        reply_bulk_cstr(c, "flags");
        reply_set_len(c, a.optional + a.multiple + a.multiple_token);
        if (a.optional)
            reply_status(c, "optional");
        if (a.multiple)
            reply_status(c, "multiple");
        if (a.multiple_token)
            reply_status(c, "multiple_token");
    }
    if (a.has_children) {
        reply_bulk_cstr(c, "arguments");
        p = reply_doc_args(c, p);
        if (*p == ')')
            p++;
    }
    return p;
}

/* Replies one level of the argument list; returns where it ended. */
static const char *reply_doc_args(struct client *c, const char *p)
{
    void *slot = reply_deferred_len(c);
    long n = 0;
    for (;;) {
        p += strspn(p, " ");
        if (!*p || *p == ')')
            break;
        p = reply_doc_arg(c, p);
        n++;
    }
    reply_set_deferred_array_len(c, slot, n);
    return p;
}

/* The argument list of a command whose only arguments are its keys. */
static const char *derived_args(const struct command *cmd)
{
    if (cmd->key_specs || cmd->first_key != 1)
        return NULL;
    if (cmd->arity == 2 && cmd->last_key == 1)
        return "key:key#0";
    if (cmd->arity == -2 && cmd->last_key == -1 && cmd->key_step == 1)
        return "*key:key#0";
    return NULL;
}

static void reply_history(struct client *c, const char *h)
{
    long n = 0;
    for (const char *p = h; *p; p += strcspn(p, "\n"), p += *p == '\n')
        n++;
    reply_array_len(c, n);
    while (*h) {
        size_t line = strcspn(h, "\n");
        size_t version = strcspn(h, " ");
        if (version > line)
            version = line;
        reply_array_len(c, 2);
        reply_bulk(c, h, version);
        size_t text = version < line ? version + 1 : line;
        reply_bulk(c, h + text, line - text);
        h += line;
        h += *h == '\n';
    }
}

static void reply_doc_string(struct client *c, const char *name, const char *value)
{
    reply_bulk_cstr(c, name);
    reply_bulk_cstr(c, value);
}

static void reply_command_docs(struct client *c, const struct command *cmd)
{
    const char *args = cmd->args ? cmd->args : derived_args(cmd);
    long subs = count_subcommands(cmd);
    reply_map_len(c, (cmd->summary != NULL) + (cmd->since != NULL) + (cmd->group != NULL) +
                         (cmd->complexity != NULL) + (cmd->doc_flags != NULL) +
                         (cmd->deprecated_since != NULL) + (cmd->replaced_by != NULL) +
                         (cmd->history != NULL) + (args != NULL) + (subs > 0));
    if (cmd->summary)
        reply_doc_string(c, "summary", cmd->summary);
    if (cmd->since)
        reply_doc_string(c, "since", cmd->since);
    if (cmd->group)
        reply_doc_string(c, "group", cmd->group);
    if (cmd->complexity)
        reply_doc_string(c, "complexity", cmd->complexity);
    if (cmd->doc_flags) {
        reply_bulk_cstr(c, "doc_flags");
        reply_cstr_words(c, cmd->doc_flags, 1);
    }
    if (cmd->deprecated_since)
        reply_doc_string(c, "deprecated_since", cmd->deprecated_since);
    if (cmd->replaced_by)
        reply_doc_string(c, "replaced_by", cmd->replaced_by);
    if (cmd->history) {
        reply_bulk_cstr(c, "history");
        reply_history(c, cmd->history);
    }
    if (args) {
        reply_bulk_cstr(c, "arguments");
        reply_doc_args(c, args);
    }
    if (subs) {
        reply_bulk_cstr(c, "subcommands");
        reply_map_len(c, subs);
        for (const struct command *sub = cmd->subcommands; sub->name; sub++) {
            reply_bulk(c, sub->fullname, vstr_len(sub->fullname));
            reply_command_docs(c, sub);
        }
    }
}

/* ---- lookups ---- */

/* A command by its full name: "get", or "config|get" for a subcommand. */
static struct command *lookup_fullname(const char *name, size_t len)
{
    const char *bar = memchr(name, '|', len);
    if (!bar)
        return commands_lookup(name, len);
    struct command *parent = commands_lookup(name, (size_t)(bar - name));
    if (!parent || !parent->subcommand_table)
        return NULL;
    size_t sublen = len - (size_t)(bar + 1 - name);
    if (memchr(bar + 1, '|', sublen))
        return NULL;
    dict_entry *de = dict_find(parent->subcommand_table, bar + 1, sublen);
    return de ? de->v.val : NULL;
}

typedef void each_command_fn(struct client *c, struct command *cmd, void *ctx);

static void for_each_top_level(struct client *c, each_command_fn *fn, void *ctx)
{
    dict_iter it;
    dict_iter_init(&it, commands_table(), 0);
    dict_entry *de;
    while ((de = dict_iter_next(&it)))
        fn(c, de->v.val, ctx);
    dict_iter_release(&it);
}

/* ---- subcommands ---- */

static void info_one(struct client *c, struct command *cmd, void *ctx)
{
    (void)ctx;
    reply_command_info(c, cmd);
}

static void command_command(struct client *c)
{
    reply_array_len(c, (long)dict_size(commands_table()));
    for_each_top_level(c, info_one, NULL);
}

static void command_count_command(struct client *c)
{
    reply_ll(c, (long long)dict_size(commands_table()));
}

static void command_info_command(struct client *c)
{
    if (c->argc == 2) {
        command_command(c);
        return;
    }
    reply_array_len(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        struct command *cmd = lookup_fullname(client_arg(c, i), client_arg_len(c, i));
        if (cmd)
            reply_command_info(c, cmd);
        else
            reply_null(c);
    }
}

static void docs_one(struct client *c, struct command *cmd, void *ctx)
{
    (void)ctx;
    reply_bulk(c, cmd->fullname, vstr_len(cmd->fullname));
    reply_command_docs(c, cmd);
}

static void command_docs_command(struct client *c)
{
    if (c->argc == 2) {
        reply_map_len(c, (long)dict_size(commands_table()));
        for_each_top_level(c, docs_one, NULL);
        return;
    }
    /* Unknown names are left out, so the map length comes last. */
    void *slot = reply_deferred_len(c);
    long found = 0;
    for (int i = 2; i < c->argc; i++) {
        struct command *cmd = lookup_fullname(client_arg(c, i), client_arg_len(c, i));
        if (!cmd)
            continue;
        docs_one(c, cmd, NULL);
        found++;
    }
    reply_set_deferred_map_len(c, slot, found);
}

enum list_filter { FILTER_NONE, FILTER_MODULE, FILTER_ACLCAT, FILTER_PATTERN };

struct list_ctx {
    enum list_filter filter;
    const char *arg;
    size_t arg_len;
    uint64_t acl;
    long count;
};

static int list_matches(const struct command *cmd, const struct list_ctx *lc)
{
    switch (lc->filter) {
    case FILTER_NONE: return 1;
    case FILTER_MODULE: return 0; /* no modules can be loaded */
    case FILTER_ACLCAT: return (cmd->acl_bits & lc->acl) != 0;
    case FILTER_PATTERN:
        return glob_match(lc->arg, lc->arg_len, cmd->fullname, vstr_len(cmd->fullname), 1);
    }
    return 0;
}

static void list_one(struct client *c, struct command *cmd, void *ctx)
{
    struct list_ctx *lc = ctx;
    if (list_matches(cmd, lc)) {
        reply_bulk(c, cmd->fullname, vstr_len(cmd->fullname));
        lc->count++;
    }
    for (struct command *sub = cmd->subcommands; sub && sub->name; sub++)
        list_one(c, sub, ctx);
}

static void command_list_command(struct client *c)
{
    struct list_ctx lc = {.filter = FILTER_NONE};
    if (c->argc == 5 && client_arg_is(c, 2, "filterby")) {
        lc.arg = client_arg(c, 4);
        lc.arg_len = client_arg_len(c, 4);
        if (client_arg_is(c, 3, "module")) {
            lc.filter = FILTER_MODULE;
        } else if (client_arg_is(c, 3, "aclcat")) {
            /* Categories are named without '@' here; an unknown one
             * (acl 0) matches nothing. */
            lc.filter = FILTER_ACLCAT;
            if (lc.arg_len && lc.arg[0] != '@')
                lc.acl = command_info_acl_category(lc.arg, lc.arg_len);
        } else if (client_arg_is(c, 3, "pattern")) {
            lc.filter = FILTER_PATTERN;
        } else {
            reply_error_syntax(c);
            return;
        }
    } else if (c->argc != 2) {
        reply_error_syntax(c);
        return;
    }
    void *slot = reply_deferred_len(c);
    for_each_top_level(c, list_one, &lc);
    reply_set_deferred_array_len(c, slot, lc.count);
}

/* Shared by GETKEYS and GETKEYSANDFLAGS, which differ only in the reply. */
static void getkeys(struct client *c, int with_flags)
{
    int argc = c->argc - 2;
    const struct resp_arg *argv = c->argv + 2;
    struct command *cmd = commands_lookup_argv(argc, argv);
    struct key_spec specs[KEY_SPECS_MAX];
    if (!cmd) {
        reply_error(c, "Invalid command specified");
        return;
    }
    if (load_key_specs(cmd, specs) <= 0) {
        reply_error(c, "The command has no key arguments");
        return;
    }
    if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity) {
        reply_error(c, "Invalid number of arguments specified for command");
        return;
    }
    struct command_key stack_keys[16];
    struct command_key *keys = argc <= 16 ? stack_keys : mem_malloc(sizeof *keys * (size_t)argc);
    int n = command_info_get_keys(cmd, argc, argv, keys);
    if (n <= 0) {
        if (cmd->flag_bits & CMD_NO_MANDATORY_KEYS)
            reply_array_len(c, 0);
        else
            reply_error(c, "Invalid arguments specified for command");
    } else {
        reply_array_len(c, n);
        for (int i = 0; i < n; i++) {
            if (with_flags)
                reply_array_len(c, 2);
            reply_bulk(c, argv[keys[i].pos].ptr, argv[keys[i].pos].len);
            if (with_flags)
                reply_words(c, keys[i].flags, keys[i].flags_len, 1);
        }
    }
    if (keys != stack_keys)
        mem_free(keys);
}

static void command_getkeys_command(struct client *c)
{
    getkeys(c, 0);
}

static void command_getkeysandflags_command(struct client *c)
{
    getkeys(c, 1);
}

static void command_help_command(struct client *c)
{
    static const char *const lines[] = {
        "(no subcommand)",
        "    Details of every command, as COMMAND INFO gives them.",
        "COUNT",
        "    The number of commands this server has.",
        "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
        "    The names of the commands, optionally only those matching a filter.",
        "INFO [<command-name> ...]",
        "    Name, arity, flags, key positions, ACL categories, tips, key specs and",
        "    subcommands of the named commands (of all of them without names).",
        "DOCS [<command-name> ...]",
        "    Summary, version, group, complexity, history and arguments of the named",
        "    commands (of all of them without names).",
        "GETKEYS <full-command>",
        "    The keys a full command line would access.",
        "GETKEYSANDFLAGS <full-command>",
        "    The keys a full command line would access, each with its access flags.",
        NULL,
    };
    reply_help(c, lines);
}

static struct command command_subcommands[] = {
    {.name = "docs",
     .proc = command_docs_command,
     .arity = -2,
     .flags = "loading stale",
     .acl = "@connection",
     .tips = "nondeterministic_output_order",
     .group = "server",
     .since = "7.0.0",
     .summary = "Get array of specific Redis command documentation",
     .complexity = "O(N) where N is the number of commands to look up",
     .args = "?*command-name:string"},
    {.name = "help",
     .proc = command_help_command,
     .arity = 2,
     .flags = "loading stale",
     .acl = "@connection",
     .group = "server",
     .since = "5.0.0",
     .summary = "Show helpful text about the different subcommands",
     .complexity = "O(1)"},
    {.name = "getkeysandflags",
     .proc = command_getkeysandflags_command,
     .arity = -4,
     .flags = "loading stale",
     .acl = "@connection",
     .group = "server",
     .since = "7.0.0",
     .summary = "Extract keys and access flags given a full Redis command",
     .complexity = "O(N) where N is the number of arguments to the command"},
    {.name = "list",
     .proc = command_list_command,
     .arity = -2,
     .flags = "loading stale",
     .acl = "@connection",
     .tips = "nondeterministic_output_order",
     .group = "server",
     .since = "7.0.0",
     .summary = "Get an array of Redis command names",
     .complexity = "O(N) where N is the total number of Redis commands",
     .args = "?filterby:oneof=FILTERBY(module-name:string=MODULE category:string=ACLCAT "
             "pattern:pattern=PATTERN)"},
    {.name = "info",
     .proc = command_info_command,
     .arity = -2,
     .flags = "loading stale",
     .acl = "@connection",
     .tips = "nondeterministic_output_order",
     .group = "server",
     .since = "2.8.13",
     .summary = "Get array of specific Redis command details, or all when no argument is given.",
     .complexity = "O(N) where N is the number of commands to look up",
     .history = "7.0.0 Allowed to be called with no argument to get info on all commands.",
     .args = "?*command-name:string"},
    {.name = "count",
     .proc = command_count_command,
     .arity = 2,
     .flags = "loading stale",
     .acl = "@connection",
     .group = "server",
     .since = "2.8.13",
     .summary = "Get total number of Redis commands",
     .complexity = "O(1)"},
    {.name = "getkeys",
     .proc = command_getkeys_command,
     .arity = -4,
     .flags = "loading stale",
     .acl = "@connection",
     .group = "server",
     .since = "2.8.13",
     .summary = "Extract keys given a full Redis command",
     .complexity = "O(N) where N is the number of arguments to the command"},
    {0},
};

struct command command_info_commands[] = {
    {.name = "command",
     .proc = command_command,
     .arity = -1,
     .flags = "loading stale",
     .acl = "@connection",
     .tips = "nondeterministic_output_order",
     .group = "server",
     .since = "2.8.13",
     .summary = "Get array of Redis command details",
     .complexity = "O(N) where N is the total number of Redis commands",
     .subcommands = command_subcommands},
    {0},
};
