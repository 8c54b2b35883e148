/* repl_payload — full-sync images; see repl_payload.h.
 *
 * The image is the RDB file format (rdb.c) written into a buffer, with
 * the replication id and offset of the moment in its AUX fields, as Redis
 * sends it; the replica parses it from memory.  Keys already past their
 * TTL are kept: the primary's stream deletes them.
 */
#include "repl_payload.h"

#include "db.h"
#include "log.h"
#include "mem.h"
#include "mtime.h"
#include "rdb.h"
#include "server.h"

struct repl_payload *repl_payload_build(void)
{
    vstr data = vstr_empty();
    struct rdb_out out;
    rdb_out_init_buffer(&out, &data);
    long long start = mtime_mstime();
    if (rdb_write_dataset(&out) < 0) {
        log_warning("Failed building the RDB payload for replication");
        vstr_free(data);
        return NULL;
    }
    log_notice("RDB payload of %zu bytes for replication built in %.3f seconds", vstr_len(data),
               (double)(mtime_mstime() - start) / 1000);
    struct repl_payload *p = mem_malloc(sizeof *p);
    p->data = data;
    p->refs = 1;
    return p;
}

void repl_payload_retain(struct repl_payload *p)
{
    p->refs++;
}

void repl_payload_release(struct repl_payload *p)
{
    if (!p || --p->refs > 0)
        return;
    vstr_free(p->data);
    mem_free(p);
}

int repl_payload_load(const char *p, size_t len)
{
    db_empty(-1, cfg.replica_lazy_flush);
    struct rdb_in_buffer src;
    struct rdb_in in;
    rdb_in_init_buffer(&in, &src, p, len);
    in.checksum = 1;
    struct rdb_load_stats stats;
    server.loading = 1;
    int rc = rdb_read_dataset(&in, 0, &stats);
    server.loading = 0;
    if (rc < 0) {
        log_warning("Failed trying to load the MASTER synchronization DB from memory: byte "
                    "offset %llu: %s",
                    (unsigned long long)in.pos, in.err);
        db_empty(-1, 0);
        return -1;
    }
    log_notice("Done loading RDB, keys loaded: %lld, keys expired: %lld.", stats.keys_loaded,
               stats.keys_expired);
    return 0;
}
