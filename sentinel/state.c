/* state — config directives and the atomic state rewrite (see state.h). */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "argsplit.h"
#include "instance.h"
#include "log.h"
#include "mem.h"
#include "numconv.h"

static int parse_ll(const char *s, long long *out)
{
    return numconv_to_ll(s, strlen(s), out);
}

static int parse_yesno(const char *s)
{
    if (!strcasecmp(s, "yes"))
        return 1;
    if (!strcasecmp(s, "no"))
        return 0;
    return -1;
}

static void set_vstr(vstr *dst, const char *src)
{
    if (*dst)
        vstr_free(*dst);
    *dst = (src && *src) ? vstr_from(src) : NULL;
}

/* Replicas and sentinels of a primary are judged with its down-after. */
static void propagate_down_after(struct instance *m)
{
    dict *dicts[2] = {m->slaves, m->sentinels};
    for (int i = 0; i < 2; i++) {
        dict_iter it;
        dict_entry *de;
        dict_iter_init(&it, dicts[i], 0);
        while ((de = dict_iter_next(&it)))
            ((struct instance *)de->v.val)->down_after_period = m->down_after_period;
        dict_iter_release(&it);
    }
}

/* `sentinel <directive> <master> ...` lines that need the master to exist. */
static const char *master_directive(int argc, vstr *argv, struct instance *ri)
{
    const char *d = argv[0];
    long long v;
    if (!strcasecmp(d, "down-after-milliseconds") && argc == 3) {
        if (parse_ll(argv[2], &v) < 0 || v <= 0)
            return "negative or zero time parameter.";
        ri->down_after_period = v;
        propagate_down_after(ri);
        return NULL;
    }
    if (!strcasecmp(d, "failover-timeout") && argc == 3) {
        if (parse_ll(argv[2], &v) < 0 || v <= 0)
            return "negative or zero time parameter.";
        ri->failover_timeout = v;
        return NULL;
    }
    if (!strcasecmp(d, "parallel-syncs") && argc == 3) {
        if (parse_ll(argv[2], &v) < 0 || v <= 0 || v > 1000000)
            return "Invalid parallel-syncs value";
        ri->parallel_syncs = (int)v;
        return NULL;
    }
    if (!strcasecmp(d, "master-reboot-down-after-period") && argc == 3) {
        if (parse_ll(argv[2], &v) < 0 || v < 0)
            return "negative time parameter.";
        ri->master_reboot_down_after_period = v;
        return NULL;
    }
    if (!strcasecmp(d, "notification-script") && argc == 3) {
        if (access(argv[2], X_OK) == -1)
            return "Notification script seems non existing or non executable.";
        set_vstr(&ri->notification_script, argv[2]);
        return NULL;
    }
    if (!strcasecmp(d, "client-reconfig-script") && argc == 3) {
        if (access(argv[2], X_OK) == -1)
            return "Client reconfiguration script seems non existing or non executable.";
        set_vstr(&ri->client_reconfig_script, argv[2]);
        return NULL;
    }
    if (!strcasecmp(d, "auth-pass") && argc == 3) {
        set_vstr(&ri->auth_pass, argv[2]);
        return NULL;
    }
    if (!strcasecmp(d, "auth-user") && argc == 3) {
        set_vstr(&ri->auth_user, argv[2]);
        return NULL;
    }
    if (!strcasecmp(d, "config-epoch") && argc == 3) {
        unsigned long long e;
        if (numconv_to_ull(argv[2], vstr_len(argv[2]), &e) < 0)
            return "Invalid config epoch";
        ri->config_epoch = e;
        if (e > sentinel.current_epoch)
            sentinel.current_epoch = e;
        return NULL;
    }
    if (!strcasecmp(d, "leader-epoch") && argc == 3) {
        unsigned long long e;
        if (numconv_to_ull(argv[2], vstr_len(argv[2]), &e) < 0)
            return "Invalid leader epoch";
        ri->leader_epoch = e;
        if (e > sentinel.current_epoch)
            sentinel.current_epoch = e;
        return NULL;
    }
    if ((!strcasecmp(d, "known-slave") || !strcasecmp(d, "known-replica")) && argc == 4) {
        const char *err;
        if (parse_ll(argv[3], &v) < 0 ||
            !instance_create(NULL, INST_SLAVE, argv[2], (int)v, 0, ri, &err))
            return "Wrong hostname or port for replica.";
        return NULL;
    }
    if (!strcasecmp(d, "known-sentinel") && (argc == 4 || argc == 5)) {
        const char *err;
        if (argc == 4)
            return NULL; /* old format without run id: ignored, as Redis does */
        struct instance *si;
        if (parse_ll(argv[3], &v) < 0 ||
            !(si = instance_create(argv[4], INST_SENTINEL, argv[2], (int)v, ri->quorum, ri,
                                   &err)))
            return "Wrong hostname or port for sentinel.";
        si->runid = vstr_from(argv[4]);
        return NULL;
    }
    if (!strcasecmp(d, "rename-command") && argc == 4) {
        if (vstr_len(argv[2]) == 0 || vstr_len(argv[3]) == 0)
            return "Invalid rename-command arguments.";
        instance_rename_command(ri, argv[2], argv[3]);
        return NULL;
    }
    return "Unrecognized sentinel configuration statement.";
}

const char *state_sentinel_directive(int argc, vstr *argv)
{
    const char *d = argv[0];
    long long v;
    if (!strcasecmp(d, "monitor") && argc == 5) {
        const char *err;
        if (parse_ll(argv[4], &v) < 0 || v <= 0)
            return "Quorum must be 1 or greater.";
        long long port;
        if (parse_ll(argv[3], &port) < 0 ||
            !instance_create(argv[1], INST_MASTER, argv[2], (int)port, (unsigned)v, NULL, &err))
            return "Wrong hostname or port for the master.";
        return NULL;
    }
    if (!strcasecmp(d, "myid") && argc == 2) {
        if (vstr_len(argv[1]) != 40)
            return "Malformed Sentinel id in myid option.";
        memcpy(sentinel.myid, argv[1], 41);
        return NULL;
    }
    if (!strcasecmp(d, "current-epoch") && argc == 2) {
        unsigned long long e;
        if (numconv_to_ull(argv[1], vstr_len(argv[1]), &e) < 0)
            return "Invalid current epoch";
        if (e > sentinel.current_epoch)
            sentinel.current_epoch = e;
        return NULL;
    }
    if (!strcasecmp(d, "announce-ip") && argc == 2) {
        set_vstr(&sentinel.announce_ip, argv[1]);
        return NULL;
    }
    if (!strcasecmp(d, "announce-port") && argc == 2) {
        if (parse_ll(argv[1], &v) < 0 || v < 0 || v > 65535)
            return "Invalid port number";
        sentinel.announce_port = (int)v;
        return NULL;
    }
    int *flag = !strcasecmp(d, "deny-scripts-reconfig") ? &sentinel.deny_scripts_reconfig
                : !strcasecmp(d, "resolve-hostnames")   ? &sentinel.resolve_hostnames
                : !strcasecmp(d, "announce-hostnames")  ? &sentinel.announce_hostnames
                                                        : NULL;
    if (flag && argc == 2) {
        int yn = parse_yesno(argv[1]);
        if (yn < 0)
            return "Please specify yes or no for the option.";
        *flag = yn;
        return NULL;
    }
    if (!strcasecmp(d, "sentinel-user") && argc == 2) {
        set_vstr(&sentinel.sentinel_user, argv[1]);
        return NULL;
    }
    if (!strcasecmp(d, "sentinel-pass") && argc == 2) {
        set_vstr(&sentinel.sentinel_pass, argv[1]);
        return NULL;
    }
    if (argc >= 2) {
        struct instance *ri = instance_master_by_name(argv[1]);
        if (!ri)
            return "No such master with specified name.";
        return master_directive(argc, argv, ri);
    }
    return "Unrecognized sentinel configuration statement.";
}

/* Settings redis-sentinel writes into its file that have no meaning here:
 * accepted and kept so that its files load unchanged. */
static const char *const ignored_directives[] = {
    "protected-mode", "user", "latency-tracking-info-percentiles", "hz", "maxclients",
    "tcp-keepalive", "timeout", "supervised", "tcp-backlog", "acllog-max-len",
    "unixsocket", "unixsocketperm", "always-show-logo", "set-proc-title", NULL};

static const char *global_directive(int argc, vstr *argv)
{
    const char *d = argv[0];
    long long v;
    if (!strcmp(d, "port") && argc == 2) {
        if (parse_ll(argv[1], &v) < 0 || v < 0 || v > 65535)
            return "Invalid port";
        sentinel.port = (int)v;
        return NULL;
    }
    if (!strcmp(d, "bind") && argc >= 2) {
        if (argc - 1 > 16)
            return "Too many bind addresses specified.";
        for (int i = 0; i < sentinel.bind_count; i++)
            vstr_free(sentinel.bind[i]);
        sentinel.bind_count = 0;
        for (int i = 1; i < argc; i++)
            sentinel.bind[sentinel.bind_count++] = vstr_dup(argv[i]);
        return NULL;
    }
    if (!strcmp(d, "dir") && argc == 2) {
        if (chdir(argv[1]) == -1)
            return strerror(errno);
        return NULL;
    }
    if (!strcmp(d, "daemonize") && argc == 2) {
        int yn = parse_yesno(argv[1]);
        if (yn < 0)
            return "argument must be 'yes' or 'no'";
        sentinel.daemonize = yn;
        return NULL;
    }
    if (!strcmp(d, "pidfile") && argc == 2) {
        set_vstr(&sentinel.pidfile, argv[1]);
        return NULL;
    }
    if (!strcmp(d, "logfile") && argc == 2) {
        set_vstr(&sentinel.logfile, argv[1]);
        return NULL;
    }
    if (!strcmp(d, "loglevel") && argc == 2) {
        int level = log_level_from_name(argv[1]);
        if (level < 0)
            return "Invalid log level. Must be one of debug, verbose, notice, warning, nothing";
        log_set_level((enum log_level)level);
        return NULL;
    }
    if (!strcmp(d, "requirepass") && argc == 2) {
        set_vstr(&sentinel.requirepass, argv[1]);
        return NULL;
    }
    if (!strcmp(d, "sentinel") && argc >= 2)
        return state_sentinel_directive(argc - 1, argv + 1);
    for (int i = 0; ignored_directives[i]; i++)
        if (!strcmp(d, ignored_directives[i]))
            return NULL;
    return "Bad directive or wrong number of arguments";
}

int state_directive(void *ctx, const char *file, int line, int argc, vstr *argv, vstr *msg)
{
    (void)ctx;
    (void)file;
    (void)line;
    const char *err = global_directive(argc, argv);
    if (!err)
        return 0;
    *msg = vstr_from(err);
    return -1;
}

/* A token as the config tokenizer reads it back: bare when safe, else quoted. */
static vstr cat_token(vstr out, const char *s)
{
    int plain = *s != '\0';
    for (const char *p = s; *p; p++)
        if (*p <= ' ' || *p == '"' || *p == '\'' || *p == '\\' || (unsigned char)*p >= 127)
            plain = 0;
    if (plain)
        return vstr_cat_cstr(out, s);
    return vstr_cat_repr(out, s, strlen(s));
}

static vstr render_master(vstr out, struct instance *m)
{
    const struct sentinel_timing *t = &sentinel.timing;
    const char *mhost;
    int mport;
    instance_current_master_addr(m, &mhost, &mport);
    out = vstr_catfmt(out, "sentinel monitor %s %s %d %u\n", m->name, mhost, mport, m->quorum);
    if (m->down_after_period != t->default_down_after)
        out = vstr_catfmt(out, "sentinel down-after-milliseconds %s %lld\n", m->name,
                          m->down_after_period);
    if (m->failover_timeout != t->default_failover_timeout)
        out = vstr_catfmt(out, "sentinel failover-timeout %s %lld\n", m->name,
                          m->failover_timeout);
    if (m->parallel_syncs != 1)
        out = vstr_catfmt(out, "sentinel parallel-syncs %s %d\n", m->name, m->parallel_syncs);
    const struct {
        const char *name;
        vstr value;
    } strs[] = {{"notification-script", m->notification_script},
                {"client-reconfig-script", m->client_reconfig_script},
                {"auth-pass", m->auth_pass},
                {"auth-user", m->auth_user}};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        if (!strs[i].value)
            continue;
        out = vstr_catfmt(out, "sentinel %s %s ", strs[i].name, m->name);
        out = cat_token(out, strs[i].value);
        out = vstr_cat(out, "\n", 1);
    }
    for (int i = 0; i < m->nrenamed; i++) {
        out = vstr_catfmt(out, "sentinel rename-command %s ", m->name);
        out = cat_token(out, m->renamed_commands[2 * i]);
        out = vstr_cat(out, " ", 1);
        out = cat_token(out, m->renamed_commands[2 * i + 1]);
        out = vstr_cat(out, "\n", 1);
    }
    if (m->master_reboot_down_after_period)
        out = vstr_catfmt(out, "sentinel master-reboot-down-after-period %s %lld\n", m->name,
                          m->master_reboot_down_after_period);
    out = vstr_catfmt(out, "sentinel config-epoch %s %llu\n", m->name,
                      (unsigned long long)m->config_epoch);
    out = vstr_catfmt(out, "sentinel leader-epoch %s %llu\n", m->name,
                      (unsigned long long)m->leader_epoch);
    dict_iter it;
    dict_entry *de;
    int old_master_listed = 0;
    dict_iter_init(&it, m->slaves, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *s = de->v.val;
        /* The promoted replica is written as the primary above. */
        if (s->port == mport && !strcasecmp(s->host, mhost))
            continue;
        if (s->port == m->port && !strcasecmp(s->host, m->host))
            old_master_listed = 1;
        out = vstr_catfmt(out, "sentinel known-replica %s %s %d\n", m->name, s->host, s->port);
    }
    dict_iter_release(&it);
    /* Mid-failover the old primary is about to become a replica. */
    if (!old_master_listed && (m->port != mport || strcasecmp(m->host, mhost)))
        out = vstr_catfmt(out, "sentinel known-replica %s %s %d\n", m->name, m->host, m->port);
    dict_iter_init(&it, m->sentinels, 0);
    while ((de = dict_iter_next(&it))) {
        struct instance *s = de->v.val;
        if (s->runid)
            out = vstr_catfmt(out, "sentinel known-sentinel %s %s %d %s\n", m->name, s->host,
                              s->port, s->runid);
    }
    dict_iter_release(&it);
    return out;
}

vstr state_render(vstr out)
{
    out = vstr_catfmt(out, "sentinel myid %s\n", sentinel.myid);
    dict_iter it;
    dict_entry *de;
    dict_iter_init(&it, sentinel.masters, 0);
    while ((de = dict_iter_next(&it)))
        out = render_master(out, de->v.val);
    dict_iter_release(&it);
    out = vstr_catfmt(out, "sentinel current-epoch %llu\n",
                      (unsigned long long)sentinel.current_epoch);
    if (!sentinel.deny_scripts_reconfig)
        out = vstr_cat_cstr(out, "sentinel deny-scripts-reconfig no\n");
    if (sentinel.announce_ip) {
        out = vstr_cat_cstr(out, "sentinel announce-ip ");
        out = cat_token(out, sentinel.announce_ip);
        out = vstr_cat(out, "\n", 1);
    }
    if (sentinel.announce_port)
        out = vstr_catfmt(out, "sentinel announce-port %d\n", sentinel.announce_port);
    if (sentinel.resolve_hostnames)
        out = vstr_cat_cstr(out, "sentinel resolve-hostnames yes\n");
    if (sentinel.announce_hostnames)
        out = vstr_cat_cstr(out, "sentinel announce-hostnames yes\n");
    const struct {
        const char *name;
        vstr value;
    } auth[] = {{"sentinel-user", sentinel.sentinel_user}, {"sentinel-pass", sentinel.sentinel_pass}};
    for (size_t i = 0; i < 2; i++) {
        if (!auth[i].value)
            continue;
        out = vstr_catfmt(out, "sentinel %s ", auth[i].name);
        out = cat_token(out, auth[i].value);
        out = vstr_cat(out, "\n", 1);
    }
    return out;
}

static int fsync_dir_of(const char *path)
{
    char *copy = mem_strdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    mem_free(copy);
    if (fd < 0)
        return -1;
    int rv = fsync(fd);
    close(fd);
    return rv;
}

int state_write_atomic(const char *path, const char *text, size_t len)
{
    vstr tmp = vstr_catfmt(vstr_empty(), "%s.tmp-%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        vstr_free(tmp);
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, text + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        off += (size_t)n;
    }
    if (fsync(fd) < 0 || close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) < 0)
        goto fail;
    vstr_free(tmp);
    fsync_dir_of(path);
    return 0;
fail: {
    int saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    vstr_free(tmp);
    errno = saved;
    return -1;
}
}

/* The lines of the current file that are not sentinel state, and not our
 * own marker comment (it is written again below them). */
static vstr kept_lines(const char *path)
{
    vstr out = vstr_empty();
    FILE *fp = fopen(path, "r");
    if (!fp)
        return out;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, fp)) >= 0) {
        int argc = 0;
        vstr *argv = argsplit(line, (size_t)n, &argc);
        int drop = argv && argc > 0 && !strcasecmp(argv[0], "sentinel");
        if (argv)
            argsplit_free(argv, argc);
        if (!strncmp(line, "# Generated by CONFIG REWRITE", 29))
            drop = 1;
        if (!drop) {
            out = vstr_cat(out, line, (size_t)n);
            if (n > 0 && line[n - 1] != '\n')
                out = vstr_cat(out, "\n", 1);
        }
    }
    free(line);
    fclose(fp);
    /* Trailing blank lines would pile up on every rewrite. */
    while (vstr_len(out) >= 2 && out[vstr_len(out) - 1] == '\n' && out[vstr_len(out) - 2] == '\n')
        vstr_set_len(out, vstr_len(out) - 1);
    return out;
}

int state_flush(void)
{
    if (!sentinel.config_file)
        return -1;
    vstr text = kept_lines(sentinel.config_file);
    if (vstr_len(text))
        text = vstr_cat_cstr(text, "\n");
    text = vstr_cat_cstr(text, "# Generated by CONFIG REWRITE\n");
    text = state_render(text);
    int rv = state_write_atomic(sentinel.config_file, text, vstr_len(text));
    vstr_free(text);
    if (rv < 0) {
        log_warning("WARNING: Sentinel was not able to save the new configuration on disk!!!: %s",
                    strerror(errno));
        return -1;
    }
    log_notice("Sentinel new configuration saved on disk");
    return 0;
}
