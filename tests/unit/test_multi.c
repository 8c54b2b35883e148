/* Unit tests for server/multi: WATCH invalidation by writes, expiry,
 * FLUSH and SWAPDB, and the queue's EXECABORT / nil outcomes.  Commands go
 * through the real dispatcher on connectionless clients; expiry is
 * simulated by moving a key's deadline into the past, which is what the
 * passing of time does.  The expected outcomes were checked against
 * redis-server 7.0.15 (WATCH, then the same change from a second client). */
#include "multi.h"

#include "client.h"
#include "commands.h"
#include "config.h"
#include "db.h"
#include "object.h"
#include "pubsub.h"
#include "server.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static struct client *a, *b;

static void run_argv(struct client *c, int argc, const char *const *args)
{
    struct resp_arg argv[16];
    for (int i = 0; i < argc; i++) {
        argv[i].ptr = (char *)args[i];
        argv[i].len = strlen(args[i]);
    }
    c->argc = argc;
    c->argv = argv;
    commands_process(c);
    c->argc = 0;
    c->argv = NULL;
}

#define RUN(c, ...)                                                                                \
    do {                                                                                           \
        const char *const args_[] = {__VA_ARGS__};                                                 \
        run_argv(c, (int)(sizeof args_ / sizeof args_[0]), args_);                                 \
    } while (0)

/* What main.c's startup sets up, minus the event loop and listeners. */
static void once(void)
{
    static const struct dict_type errors_type = {.key_free = vstr_free};
    server.errors = dict_new(&errors_type);
    config_init_defaults();
    server_update_cached_time();
    obj_init_shared();
    db_init_all();
    pubsub_init();
    multi_init();
    commands_init();
}

static void setup(void)
{
    db_empty(-1, 0);
    a = client_new(NULL);
    b = client_new(NULL);
}

static void teardown(void)
{
    client_free(a);
    client_free(b);
}

static int exists(int dbid, const char *key)
{
    return dict_find(db_get(dbid)->keys, key, strlen(key)) != NULL;
}

static void expire_now(struct client *c, const char *key)
{
    db_set_expire(c, c->db, key, strlen(key), server.mstime - 1);
}

/* MULTI; SET done 1; EXEC — then whether the transaction ran. */
static int exec_runs(struct client *c)
{
    db_delete(c->db, "done", 4);
    RUN(c, "multi");
    RUN(c, "set", "done", "1");
    RUN(c, "exec");
    ck_assert(!(c->flags & (CLIENT_MULTI | CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC)));
    return exists(c->db->id, "done");
}

START_TEST(test_unwatched_exec_runs)
{
    ck_assert(exec_runs(a));
}
END_TEST

START_TEST(test_queue_counts)
{
    ck_assert_int_eq(multi_queued_count(a), -1);
    RUN(a, "multi");
    ck_assert_int_eq(multi_queued_count(a), 0);
    RUN(a, "set", "x", "1");
    RUN(a, "get", "x");
    ck_assert_int_eq(multi_queued_count(a), 2);
    ck_assert(!exists(0, "x"));
    RUN(a, "exec");
    ck_assert_int_eq(multi_queued_count(a), -1);
    ck_assert(exists(0, "x"));
}
END_TEST

START_TEST(test_queue_error_aborts)
{
    RUN(a, "multi");
    RUN(a, "set", "x", "1");
    RUN(a, "nosuchcommand");
    ck_assert(a->flags & CLIENT_DIRTY_EXEC);
    RUN(a, "set", "y");
    RUN(a, "exec");
    ck_assert(!exists(0, "x"));
    ck_assert(!(a->flags & CLIENT_MULTI));
}
END_TEST

START_TEST(test_discard)
{
    RUN(a, "watch", "k");
    RUN(a, "multi");
    RUN(a, "set", "x", "1");
    RUN(a, "discard");
    ck_assert_int_eq(multi_queued_count(a), -1);
    ck_assert(!exists(0, "x"));
    ck_assert_int_eq(dict_size(db_get(0)->watched_keys), 0);
}
END_TEST

START_TEST(test_watch_write_by_other)
{
    RUN(a, "watch", "k");
    RUN(b, "set", "k", "1");
    ck_assert(a->flags & CLIENT_DIRTY_CAS);
    ck_assert(!exec_runs(a));
}
END_TEST

START_TEST(test_watch_write_by_self)
{
    RUN(a, "watch", "k");
    RUN(a, "set", "k", "1");
    ck_assert(!exec_runs(a));
}
END_TEST

START_TEST(test_watch_other_key_or_db)
{
    RUN(a, "watch", "k");
    RUN(b, "set", "other", "1");
    RUN(b, "select", "1");
    RUN(b, "set", "k", "1");
    ck_assert(exec_runs(a));
}
END_TEST

START_TEST(test_unwatch_clears)
{
    RUN(a, "watch", "k");
    RUN(b, "set", "k", "1");
    RUN(a, "unwatch");
    ck_assert(exec_runs(a));
}
END_TEST

START_TEST(test_exec_unwatches)
{
    RUN(a, "watch", "k");
    ck_assert(exec_runs(a));
    RUN(b, "set", "k", "1");
    ck_assert(!(a->flags & CLIENT_DIRTY_CAS));
    ck_assert_int_eq(dict_size(db_get(0)->watched_keys), 0);
}
END_TEST

START_TEST(test_expired_after_watch_fails_exec)
{
    RUN(b, "set", "k", "1");
    db_set_expire(b, b->db, "k", 1, server.mstime + 100000);
    RUN(a, "watch", "k");
    expire_now(b, "k");
    ck_assert(exists(0, "k")); /* nobody deleted it yet */
    ck_assert(!exec_runs(a));
}
END_TEST

START_TEST(test_expired_after_watch_deleted)
{
    RUN(b, "set", "k", "1");
    db_set_expire(b, b->db, "k", 1, server.mstime + 100000);
    RUN(a, "watch", "k");
    expire_now(b, "k");
    RUN(b, "get", "k");
    ck_assert(!exists(0, "k"));
    ck_assert(!exec_runs(a));
}
END_TEST

START_TEST(test_stale_at_watch_deleted_is_no_change)
{
    RUN(b, "set", "k", "1");
    expire_now(b, "k");
    RUN(a, "watch", "k");
    RUN(b, "get", "k"); /* lazy expiry deletes it */
    ck_assert(!exists(0, "k"));
    ck_assert(exec_runs(a));
}
END_TEST

START_TEST(test_stale_at_watch_untouched)
{
    RUN(b, "set", "k", "1");
    expire_now(b, "k");
    RUN(a, "watch", "k");
    ck_assert(exec_runs(a));
}
END_TEST

START_TEST(test_stale_at_watch_recreated)
{
    RUN(b, "set", "k", "1");
    expire_now(b, "k");
    RUN(a, "watch", "k");
    RUN(b, "set", "k", "2");
    ck_assert(!exec_runs(a));
}
END_TEST

START_TEST(test_active_expiry_touches)
{
    RUN(b, "set", "k", "1");
    db_set_expire(b, b->db, "k", 1, server.mstime + 100000);
    RUN(a, "watch", "k");
    db_delete_expired(db_get(0), "k", 1);
    ck_assert(a->flags & CLIENT_DIRTY_CAS);
}
END_TEST

START_TEST(test_flush_existing_key)
{
    RUN(b, "set", "k", "1");
    RUN(a, "watch", "k");
    db_empty(0, 0);
    ck_assert(!exec_runs(a));
}
END_TEST

START_TEST(test_flush_missing_key)
{
    RUN(b, "set", "other", "1");
    RUN(a, "watch", "k");
    db_empty(-1, 0);
    ck_assert(exec_runs(a));
}
END_TEST

START_TEST(test_flush_other_db)
{
    RUN(b, "set", "k", "1");
    RUN(a, "watch", "k");
    db_empty(1, 0);
    ck_assert(exec_runs(a));
    RUN(a, "watch", "k");
    db_empty(-1, 0);
    ck_assert(!exec_runs(a));
}
END_TEST

START_TEST(test_flush_stale_key)
{
    RUN(b, "set", "k", "1");
    expire_now(b, "k");
    RUN(a, "watch", "k");
    db_empty(-1, 0);
    ck_assert(exec_runs(a));
}
END_TEST

START_TEST(test_swap_brings_key)
{
    RUN(b, "select", "1");
    RUN(b, "set", "k", "1");
    RUN(a, "watch", "k");
    db_swap(0, 1);
    ck_assert(a->flags & CLIENT_DIRTY_CAS);
    db_swap(0, 1);
}
END_TEST

START_TEST(test_swap_takes_key)
{
    RUN(b, "set", "k", "1");
    RUN(b, "select", "1");
    RUN(b, "watch", "k");
    RUN(a, "watch", "k");
    db_swap(0, 1);
    ck_assert(a->flags & CLIENT_DIRTY_CAS);
    ck_assert(b->flags & CLIENT_DIRTY_CAS);
    db_swap(0, 1);
}
END_TEST

START_TEST(test_swap_without_key)
{
    RUN(b, "set", "other", "1");
    RUN(a, "watch", "k");
    db_swap(0, 1);
    ck_assert(!(a->flags & CLIENT_DIRTY_CAS));
    db_swap(0, 1);
}
END_TEST

START_TEST(test_swap_stale_key)
{
    RUN(b, "set", "k", "1");
    expire_now(b, "k");
    RUN(a, "watch", "k");
    db_swap(0, 1);
    ck_assert(!(a->flags & CLIENT_DIRTY_CAS));
    db_swap(0, 1);
    RUN(b, "select", "1");
    RUN(b, "set", "k", "2");
    db_swap(0, 1);
    ck_assert(a->flags & CLIENT_DIRTY_CAS);
    db_swap(0, 1);
}
END_TEST

START_TEST(test_free_releases_watches)
{
    struct client *c = client_new(NULL);
    RUN(c, "watch", "k", "k", "j");
    RUN(a, "watch", "k");
    ck_assert_int_eq(dict_size(db_get(0)->watched_keys), 2);
    RUN(c, "multi");
    RUN(c, "set", "x", "1");
    client_free(c);
    ck_assert_int_eq(dict_size(db_get(0)->watched_keys), 1);
    RUN(b, "set", "k", "1");
    ck_assert(a->flags & CLIENT_DIRTY_CAS);
    ck_assert(!exists(0, "x"));
}
END_TEST

START_TEST(test_runtime_error_does_not_stop_exec)
{
    RUN(a, "multi");
    RUN(a, "select", "99");
    RUN(a, "set", "after", "1");
    RUN(a, "exec");
    ck_assert(exists(0, "after"));
    ck_assert(!(a->flags & CLIENT_MULTI));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("multi");
    TCase *tc = tcase_create("multi");
    tcase_add_unchecked_fixture(tc, once, NULL);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_unwatched_exec_runs);
    tcase_add_test(tc, test_queue_counts);
    tcase_add_test(tc, test_queue_error_aborts);
    tcase_add_test(tc, test_discard);
    tcase_add_test(tc, test_watch_write_by_other);
    tcase_add_test(tc, test_watch_write_by_self);
    tcase_add_test(tc, test_watch_other_key_or_db);
    tcase_add_test(tc, test_unwatch_clears);
    tcase_add_test(tc, test_exec_unwatches);
    tcase_add_test(tc, test_expired_after_watch_fails_exec);
    tcase_add_test(tc, test_expired_after_watch_deleted);
    tcase_add_test(tc, test_stale_at_watch_deleted_is_no_change);
    tcase_add_test(tc, test_stale_at_watch_untouched);
    tcase_add_test(tc, test_stale_at_watch_recreated);
    tcase_add_test(tc, test_active_expiry_touches);
    tcase_add_test(tc, test_flush_existing_key);
    tcase_add_test(tc, test_flush_missing_key);
    tcase_add_test(tc, test_flush_other_db);
    tcase_add_test(tc, test_flush_stale_key);
    tcase_add_test(tc, test_swap_brings_key);
    tcase_add_test(tc, test_swap_takes_key);
    tcase_add_test(tc, test_swap_without_key);
    tcase_add_test(tc, test_swap_stale_key);
    tcase_add_test(tc, test_free_releases_watches);
    tcase_add_test(tc, test_runtime_error_does_not_stop_exec);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
