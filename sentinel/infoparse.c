/* infoparse — INFO text and hello payload parsing (see infoparse.h). */
#include "infoparse.h"

#include <string.h>

#include "mem.h"
#include "numconv.h"

static int parse_port(const char *s, size_t len, int *port)
{
    long long v;
    if (numconv_to_ll(s, len, &v) < 0 || v < 0 || v > 65535)
        return -1;
    *port = (int)v;
    return 0;
}

/* The value of "key=value" inside a comma-separated list, or NULL. */
static const char *kv_find(const char *s, size_t len, const char *key, size_t *vlen)
{
    size_t klen = strlen(key);
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && s[end] != ',')
            end++;
        if (end - i > klen && !memcmp(s + i, key, klen) && s[i + klen] == '=') {
            *vlen = end - i - klen - 1;
            return s + i + klen + 1;
        }
        i = end + 1;
    }
    return NULL;
}

/* "slave0:ip=...,port=...,state=...,offset=...,lag=..." or the old
 * "slave0:<ip>,<port>,<state>" form. */
static void parse_replica_line(const char *v, size_t len, struct info_result *out)
{
    const char *ip, *port;
    size_t iplen, portlen;
    if ((ip = kv_find(v, len, "ip", &iplen)) && (port = kv_find(v, len, "port", &portlen))) {
        /* found key=value form */
    } else {
        const char *c1 = memchr(v, ',', len);
        if (!c1)
            return;
        const char *c2 = memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - v));
        ip = v;
        iplen = (size_t)(c1 - v);
        port = c1 + 1;
        portlen = c2 ? (size_t)(c2 - port) : len - (size_t)(port - v);
    }
    int p;
    if (iplen == 0 || iplen > 255 || parse_port(port, portlen, &p) < 0)
        return;
    out->replicas = mem_realloc(out->replicas, (size_t)(out->nreplicas + 1) * sizeof *out->replicas);
    out->replicas[out->nreplicas].ip = vstr_new(ip, iplen);
    out->replicas[out->nreplicas].port = p;
    out->nreplicas++;
}

static int starts(const char *line, size_t len, const char *prefix, const char **v, size_t *vlen)
{
    size_t plen = strlen(prefix);
    if (len < plen || memcmp(line, prefix, plen))
        return 0;
    *v = line + plen;
    *vlen = len - plen;
    return 1;
}

static void parse_line(const char *l, size_t n, struct info_result *out)
{
    const char *v;
    size_t vl;
    long long x;
    if (starts(l, n, "run_id:", &v, &vl)) {
        if (vl == 40 && !out->run_id)
            out->run_id = vstr_new(v, vl);
    } else if (starts(l, n, "role:", &v, &vl)) {
        if (vl == 6 && !memcmp(v, "master", 6))
            out->role = INFOPARSE_ROLE_MASTER;
        else if (vl == 5 && !memcmp(v, "slave", 5))
            out->role = INFOPARSE_ROLE_SLAVE;
    } else if (n > 5 && !memcmp(l, "slave", 5) && l[5] >= '0' && l[5] <= '9') {
        const char *colon = memchr(l, ':', n);
        if (colon)
            parse_replica_line(colon + 1, n - (size_t)(colon + 1 - l), out);
    } else if (starts(l, n, "master_host:", &v, &vl)) {
        if (vl <= 255) {
            if (out->master_host)
                vstr_free(out->master_host);
            out->master_host = vstr_new(v, vl);
        }
    } else if (starts(l, n, "master_port:", &v, &vl)) {
        parse_port(v, vl, &out->master_port);
    } else if (starts(l, n, "master_link_status:", &v, &vl)) {
        out->master_link_up = vl == 2 && !memcmp(v, "up", 2);
    } else if (starts(l, n, "master_link_down_since_seconds:", &v, &vl)) {
        if (numconv_to_ll(v, vl, &x) == 0 && x > -1000000000LL && x < 1000000000LL)
            out->master_link_down_ms = x * 1000;
    } else if (starts(l, n, "slave_priority:", &v, &vl) ||
               starts(l, n, "replica_priority:", &v, &vl)) {
        if (numconv_to_ll(v, vl, &x) == 0 && x >= 0 && x <= 1000000000LL)
            out->slave_priority = (int)x;
    } else if (starts(l, n, "slave_repl_offset:", &v, &vl)) {
        if (numconv_to_ll(v, vl, &x) == 0 && x >= 0)
            out->slave_repl_offset = x;
    } else if (starts(l, n, "replica_announced:", &v, &vl)) {
        if (vl == 1)
            out->replica_announced = v[0] == '1';
    }
}

void infoparse_info(const char *text, size_t len, struct info_result *out)
{
    memset(out, 0, sizeof *out);
    out->master_link_down_ms = -1;
    out->slave_priority = -1;
    out->replica_announced = -1;
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && text[end] != '\n')
            end++;
        size_t n = end - i;
        if (n && text[i + n - 1] == '\r')
            n--;
        parse_line(text + i, n, out);
        i = end + 1;
    }
}

void infoparse_info_free(struct info_result *r)
{
    if (r->run_id)
        vstr_free(r->run_id);
    if (r->master_host)
        vstr_free(r->master_host);
    for (int i = 0; i < r->nreplicas; i++)
        vstr_free(r->replicas[i].ip);
    mem_free(r->replicas);
    memset(r, 0, sizeof *r);
}

int infoparse_hello(const char *msg, size_t len, struct hello_msg *out)
{
    const char *tok[8];
    size_t tlen[8];
    int n = 0;
    size_t i = 0, start = 0;
    for (; i <= len; i++) {
        if (i == len || msg[i] == ',') {
            if (n == 8)
                return -1;
            tok[n] = msg + start;
            tlen[n++] = i - start;
            start = i + 1;
        }
    }
    if (n != 8)
        return -1;
    unsigned long long cur, cfg;
    int port, mport;
    if (tlen[0] == 0 || tlen[0] > 255 || tlen[2] != 40 || tlen[4] == 0 || tlen[5] == 0 ||
        tlen[5] > 255 || parse_port(tok[1], tlen[1], &port) < 0 ||
        parse_port(tok[6], tlen[6], &mport) < 0 ||
        numconv_to_ull(tok[3], tlen[3], &cur) < 0 || numconv_to_ull(tok[7], tlen[7], &cfg) < 0)
        return -1;
    out->ip = vstr_new(tok[0], tlen[0]);
    out->port = port;
    out->runid = vstr_new(tok[2], tlen[2]);
    out->current_epoch = cur;
    out->master_name = vstr_new(tok[4], tlen[4]);
    out->master_ip = vstr_new(tok[5], tlen[5]);
    out->master_port = mport;
    out->master_config_epoch = cfg;
    return 0;
}

void infoparse_hello_free(struct hello_msg *h)
{
    vstr_free(h->ip);
    vstr_free(h->runid);
    vstr_free(h->master_name);
    vstr_free(h->master_ip);
}

vstr infoparse_hello_format(const struct hello_msg *h)
{
    return vstr_catfmt(vstr_empty(), "%s,%d,%s,%llu,%s,%s,%d,%llu", h->ip, h->port, h->runid,
                       (unsigned long long)h->current_epoch, h->master_name, h->master_ip,
                       h->master_port, (unsigned long long)h->master_config_epoch);
}
