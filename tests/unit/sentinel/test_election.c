/* Unit tests for sentinel/election and failover's replica ordering, on an
 * in-memory model (no links, no config file). */
#include "election.h"
#include "failover.h"
#include "instance.h"
#include "state.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define ME "1111111111111111111111111111111111111111"
#define A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define C "cccccccccccccccccccccccccccccccccccccccc"

static struct instance *setup(unsigned quorum, int nsentinels)
{
    instance_state_init();
    memcpy(sentinel.myid, ME, 41);
    const char *err;
    struct instance *m = instance_create("m", INST_MASTER, "127.0.0.1", 6379, quorum, NULL, &err);
    const char *ids[] = {A, B, C};
    for (int i = 0; i < nsentinels; i++) {
        struct instance *s =
            instance_create(ids[i], INST_SENTINEL, "127.0.0.1", 26380 + i, quorum, m, &err);
        s->runid = vstr_from(ids[i]);
    }
    return m;
}

static void set_vote(struct instance *m, const char *who, const char *leader, uint64_t epoch)
{
    struct instance *s = instance_sentinel_lookup(m, NULL, 0, who);
    s->leader = vstr_from(leader);
    s->leader_epoch = epoch;
}

START_TEST(one_vote_per_epoch)
{
    struct instance *m = setup(2, 2);
    uint64_t le;
    vstr v = election_vote(m, 5, A, &le);
    ck_assert_str_eq(v, A);
    ck_assert_int_eq(le, 5);
    ck_assert_int_eq(sentinel.current_epoch, 5);
    vstr_free(v);
    v = election_vote(m, 5, B, &le);
    ck_assert_str_eq(v, A);
    vstr_free(v);
    /* An older epoch never changes the vote. */
    v = election_vote(m, 4, B, &le);
    ck_assert_str_eq(v, A);
    ck_assert_int_eq(le, 5);
    vstr_free(v);
    v = election_vote(m, 6, B, &le);
    ck_assert_str_eq(v, B);
    ck_assert_int_eq(le, 6);
    vstr_free(v);
}
END_TEST

START_TEST(leader_needs_majority_and_quorum)
{
    /* 4 voters (3 others + us): majority 3. */
    struct instance *m = setup(2, 3);
    sentinel.current_epoch = 1;
    set_vote(m, A, ME, 1);
    vstr l = election_get_leader(m, 1);
    ck_assert_ptr_null(l); /* us + A = 2 < 3 */
    set_vote(m, B, ME, 1);
    l = election_get_leader(m, 1);
    ck_assert_ptr_nonnull(l);
    ck_assert_str_eq(l, ME);
    vstr_free(l);
}
END_TEST

START_TEST(quorum_above_majority_is_required)
{
    struct instance *m = setup(3, 2); /* 3 voters, majority 2, quorum 3 */
    sentinel.current_epoch = 1;
    set_vote(m, A, ME, 1);
    vstr l = election_get_leader(m, 1);
    ck_assert_ptr_null(l);
    set_vote(m, B, ME, 1);
    l = election_get_leader(m, 1);
    ck_assert_str_eq(l, ME);
    vstr_free(l);
}
END_TEST

START_TEST(votes_from_old_epochs_ignored)
{
    struct instance *m = setup(2, 2);
    sentinel.current_epoch = 3;
    set_vote(m, A, B, 2);
    set_vote(m, B, B, 2);
    vstr l = election_get_leader(m, 3);
    ck_assert_ptr_null(l); /* only our own vote counts */
}
END_TEST

START_TEST(we_follow_the_front_runner)
{
    struct instance *m = setup(2, 2);
    sentinel.current_epoch = 4;
    set_vote(m, A, B, 4);
    vstr l = election_get_leader(m, 4);
    ck_assert_str_eq(l, B);
    ck_assert_str_eq(m->leader, B);
    vstr_free(l);
}
END_TEST

static struct instance *replica(struct instance *m, int port, int prio, unsigned long long off,
                                const char *runid)
{
    const char *err;
    struct instance *s = instance_create(NULL, INST_SLAVE, "127.0.0.1", port, 0, m, &err);
    s->slave_priority = prio;
    s->slave_repl_offset = off;
    s->runid = runid ? vstr_from(runid) : NULL;
    s->cc_disconnected = 0;
    s->info_refresh = instance_now();
    s->last_avail_time = instance_now();
    return s;
}

START_TEST(replica_selection_order)
{
    struct instance *m = setup(2, 0);
    struct instance *low_prio = replica(m, 7001, 10, 5, B);
    struct instance *zero = replica(m, 7002, 0, 100, A);
    struct instance *high_off = replica(m, 7003, 100, 50, C);
    ck_assert_ptr_eq(failover_select_slave(m), low_prio);
    low_prio->slave_priority = 100;
    ck_assert_ptr_eq(failover_select_slave(m), high_off);
    low_prio->slave_repl_offset = 50;
    ck_assert_ptr_eq(failover_select_slave(m), low_prio); /* B < C */
    /* Priority 0, SDOWN, disconnected and stale replicas are never picked. */
    low_prio->flags |= INST_S_DOWN;
    high_off->cc_disconnected = 1;
    ck_assert_ptr_null(failover_select_slave(m));
    (void)zero;
}
END_TEST

START_TEST(unknown_runid_sorts_last)
{
    struct instance *m = setup(2, 0);
    struct instance *a = replica(m, 7001, 100, 5, NULL);
    struct instance *b = replica(m, 7002, 100, 5, C);
    ck_assert_int_gt(failover_compare_slaves(a, b), 0);
    ck_assert_int_lt(failover_compare_slaves(b, a), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sentinel_election");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, one_vote_per_epoch);
    tcase_add_test(tc, leader_needs_majority_and_quorum);
    tcase_add_test(tc, quorum_above_majority_is_required);
    tcase_add_test(tc, votes_from_old_epochs_ignored);
    tcase_add_test(tc, we_follow_the_front_runner);
    tcase_add_test(tc, replica_selection_order);
    tcase_add_test(tc, unknown_runid_sorts_last);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
