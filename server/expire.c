/* expire — the adaptive active expire cycle.
 *
 * Like Redis: each run samples keys with a TTL in every db (20 per loop,
 * more with active-expire-effort) and deletes the expired ones; it repeats
 * on a db while more than 10% of the sample was expired, within a time
 * budget.  The slow cycle runs from cron with 25% of a tick; the fast one
 * runs before sleeping, for 1 ms at most, and only when the last slow cycle
 * ran out of time (many keys expiring at once).
 */
#include "expire.h"

#include <limits.h>

#include "mtime.h"
#include "server.h"

#define KEYS_PER_LOOP 20
#define FAST_DURATION_US 1000
#define SLOW_TIME_PERC 25
#define ACCEPTABLE_STALE 10

static int timelimit_exit; /* the last cycle stopped on its time budget */
static long long last_fast_cycle_us;
static unsigned current_db;

struct expire_sample {
    long long now;
    long long sampled;
    long long expired;
    long long ttl_sum, ttl_samples;
};

#define MAX_SAMPLE 128

/* Samples up to keys_per_loop keys with a TTL and deletes the expired ones. */
static void sample_db(struct db *db, long keys_per_loop, struct expire_sample *s)
{
    dict_entry *batch[MAX_SAMPLE];
    size_t n = dict_sample(db->expires, batch, (size_t)keys_per_loop);
    /* Copy first: deleting a key frees entries the sample points to. */
    vstr keys[MAX_SAMPLE];
    long long whens[MAX_SAMPLE];
    for (size_t i = 0; i < n; i++) {
        keys[i] = vstr_dup(batch[i]->key);
        whens[i] = batch[i]->v.s64;
    }
    for (size_t i = 0; i < n; i++) {
        s->sampled++;
        if (whens[i] <= s->now) {
            db_delete_expired(db, keys[i], vstr_len(keys[i]));
            s->expired++;
        } else if (whens[i] - s->now <= LLONG_MAX - s->ttl_sum) {
            /* TTLs near the end of time would overflow the average. */
            s->ttl_sum += whens[i] - s->now;
            s->ttl_samples++;
        }
        vstr_free(keys[i]);
    }
}

void expire_active_cycle(enum expire_cycle_type type)
{
    int effort = cfg.active_expire_effort - 1; /* 0..9 */
    long keys_per_loop = KEYS_PER_LOOP + KEYS_PER_LOOP / 4 * effort;
    long long fast_duration = FAST_DURATION_US + FAST_DURATION_US / 4 * effort;
    int slow_perc = SLOW_TIME_PERC + 2 * effort;
    long acceptable_stale = ACCEPTABLE_STALE - effort;
    long long start = (long long)mtime_monotonic_us();

    if (type == EXPIRE_CYCLE_FAST) {
        if (!timelimit_exit)
            return;
        if (start < last_fast_cycle_us + fast_duration * 2)
            return;
        last_fast_cycle_us = start;
    }
    long long timelimit = type == EXPIRE_CYCLE_FAST
                              ? fast_duration
                              : 1000000LL * slow_perc / server.hz / 100;
    if (timelimit <= 0)
        timelimit = 1;
    timelimit_exit = 0;

    int dbs = cfg.databases;
    for (int j = 0; j < dbs && !timelimit_exit; j++) {
        struct db *db = db_get((int)(current_db % (unsigned)dbs));
        current_db++;
        long iterations = 0;
        for (;;) {
            if (dict_size(db->expires) == 0) {
                db->avg_ttl = 0;
                break;
            }
            struct expire_sample s = {.now = mtime_mstime()};
            sample_db(db, keys_per_loop, &s);
            server.stat.expired_stale_perc = s.sampled ? s.expired * 100 / s.sampled : 0;
            if (s.ttl_samples) {
                long long avg = s.ttl_sum / s.ttl_samples;
                db->avg_ttl = db->avg_ttl ? (db->avg_ttl / 50) * 49 + avg / 50 : avg;
            }
            if ((++iterations & 0xf) == 0 &&
                (long long)mtime_monotonic_us() - start > timelimit) {
                timelimit_exit = 1;
                server.stat.expired_time_cap_reached_count++;
                break;
            }
            if (s.sampled == 0 || s.expired * 100 / s.sampled <= acceptable_stale)
                break;
        }
    }
    server.stat.expire_cycle_time_used += (long long)mtime_monotonic_us() - start;
}
