/* Unit tests for server/blocking (and the list type it serves): FIFO order
 * among waiting clients, repeated keys, clients waiting for another type,
 * cleanup when a blocked client is freed, and timeout parsing.  Clients are
 * connectionless, so replies go nowhere; the serve function records who was
 * served from which key. */
#include "blocking.h"
#include "client.h"
#include "config.h"
#include "commands.h"
#include "db.h"
#include "propagate.h"
#include "server.h"
#include "t_list.h"
#include "t_zset.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERVED 16

static struct client *served[MAX_SERVED];
static char served_value[MAX_SERVED][32];
static int nserved;

static void setup(void)
{
    config_init_defaults();
    server_update_cached_time();
    static const struct dict_type errors_type = {.key_free = vstr_free};
    server.errors = dict_new(&errors_type);
    obj_init_shared();
    list_init();
    zset_init();
    db_init_all();
    blocking_init();
    nserved = 0;
}

/* A connectionless client that may block, running argv. */
static struct client *new_client(int argc, const char **argv)
{
    struct client *c = client_new(NULL);
    c->flags &= ~CLIENT_FAKE;
    c->id = server.next_client_id++;
    static struct resp_arg args[8][8];
    static int slot;
    struct resp_arg *a = args[slot++ % 8];
    for (int i = 0; i < argc; i++)
        a[i] = (struct resp_arg){.ptr = (char *)argv[i], .len = strlen(argv[i])};
    c->argc = argc;
    c->argv = a;
    return c;
}

static void record_serve(struct client *c, vobj *o, const char *key, size_t keylen)
{
    vstr v = list_type_pop(o, LIST_HEAD);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_lt(nserved, MAX_SERVED);
    served[nserved] = c;
    strncpy(served_value[nserved], v, sizeof served_value[0] - 1);
    nserved++;
    vstr_free(v);
    if (list_type_length(o) == 0)
        db_delete(c->db, key, keylen);
}

static void push(const char *key, const char *value)
{
    struct db *db = db_get(0);
    vobj *o = db_lookup_write(db, key, strlen(key));
    if (!o) {
        o = list_type_create();
        db_add(db, key, strlen(key), o);
    }
    list_type_push(o, LIST_TAIL, value, strlen(value));
    db_signal_modified_key(NULL, db, key, strlen(key));
}

START_TEST(fifo_one_element_per_client)
{
    const char *argv[] = {"blpop", "k", "0"};
    struct client *a = new_client(3, argv), *b = new_client(3, argv), *c = new_client(3, argv);
    blocking_block(a, OBJ_LIST, 1, 1, 0, record_serve);
    blocking_block(b, OBJ_LIST, 1, 1, 0, record_serve);
    blocking_block(c, OBJ_LIST, 1, 1, 0, record_serve);
    ck_assert_uint_eq(blocking_count(), 3);
    push("k", "v1");
    blocking_handle_ready_keys();
    ck_assert_int_eq(nserved, 1);
    ck_assert_ptr_eq(served[0], a);
    ck_assert_uint_eq(blocking_count(), 2);
    ck_assert(!(a->flags & CLIENT_BLOCKED));
    ck_assert(a->flags & CLIENT_UNBLOCKED);
    push("k", "v2");
    push("k", "v3");
    push("k", "v4");
    blocking_handle_ready_keys();
    ck_assert_int_eq(nserved, 3);
    ck_assert_ptr_eq(served[1], b);
    ck_assert_str_eq(served_value[1], "v2");
    ck_assert_ptr_eq(served[2], c);
    ck_assert_str_eq(served_value[2], "v3");
    ck_assert_uint_eq(blocking_count(), 0);
    ck_assert_uint_eq(dict_size(db_get(0)->blocking_keys), 0);
    ck_assert_ptr_nonnull(db_lookup_read(db_get(0), "k", 1));
    client_free(a);
    client_free(b);
    client_free(c);
}
END_TEST

START_TEST(repeated_and_multiple_keys)
{
    const char *argv[] = {"blpop", "x", "y", "x", "0"};
    struct client *a = new_client(5, argv);
    blocking_block(a, OBJ_LIST, 1, 3, 0, record_serve);
    ck_assert_uint_eq(dict_size(db_get(0)->blocking_keys), 2);
    push("y", "from-y");
    push("x", "from-x");
    blocking_handle_ready_keys();
    ck_assert_int_eq(nserved, 1);
    ck_assert_str_eq(served_value[0], "from-y");
    ck_assert_uint_eq(dict_size(db_get(0)->blocking_keys), 0);
    client_free(a);
}
END_TEST

START_TEST(other_type_waiters_keep_waiting)
{
    const char *argv[] = {"bzpopmin", "k", "0"};
    struct client *z = new_client(3, argv), *l = new_client(3, argv);
    blocking_block(z, OBJ_ZSET, 1, 1, 0, record_serve);
    blocking_block(l, OBJ_LIST, 1, 1, 0, record_serve);
    push("k", "v");
    blocking_handle_ready_keys();
    ck_assert_int_eq(nserved, 1);
    ck_assert_ptr_eq(served[0], l);
    ck_assert(z->flags & CLIENT_BLOCKED);
    ck_assert_uint_eq(blocking_count(), 1);
    client_free(z);
    client_free(l);
}
END_TEST

START_TEST(freeing_a_blocked_client_cleans_up)
{
    const char *argv[] = {"blpop", "a", "b", "0"};
    struct client *a = new_client(4, argv), *b = new_client(4, argv);
    blocking_block(a, OBJ_LIST, 1, 2, 0, record_serve);
    blocking_block(b, OBJ_LIST, 1, 2, 0, record_serve);
    client_free(a);
    ck_assert_uint_eq(blocking_count(), 1);
    push("b", "v");
    blocking_handle_ready_keys();
    ck_assert_int_eq(nserved, 1);
    ck_assert_ptr_eq(served[0], b);
    client_free(b);
    ck_assert_uint_eq(blocking_count(), 0);
    ck_assert_uint_eq(dict_size(db_get(0)->blocking_keys), 0);
    blocking_before_sleep();
}
END_TEST

START_TEST(unready_and_unwatched_keys_are_ignored)
{
    push("nobody-waits", "v");
    blocking_handle_ready_keys();
    ck_assert_int_eq(nserved, 0);
    ck_assert_uint_eq(dict_size(db_get(0)->ready_keys), 0);
}
END_TEST

static int parse(const char *text, long long *deadline)
{
    const char *argv[] = {"blpop", "k", text};
    struct client *c = new_client(3, argv);
    int rc = blocking_parse_timeout(c, 2, deadline);
    client_free(c);
    return rc;
}

START_TEST(timeout_parsing)
{
    long long d = -2;
    ck_assert_int_eq(parse("0", &d), 0);
    ck_assert_int_eq(d, 0);
    ck_assert_int_eq(parse("-0.0001", &d), 0);
    ck_assert_int_eq(d, 0);
    ck_assert_int_eq(parse("1.5", &d), 0);
    ck_assert_int_eq(d, server.mstime + 1500);
    /* Rounded up to whole milliseconds. */
    ck_assert_int_eq(parse("0.0001", &d), 0);
    ck_assert_int_eq(d, server.mstime + 1);
    ck_assert_int_eq(parse("0x10", &d), 0);
    ck_assert_int_eq(d, server.mstime + 16000);
    /* Fits in a long long, but not once added to now: never expires. */
    ck_assert_int_eq(parse("9223372036854775", &d), 0);
    ck_assert_int_eq(d, 0);
    ck_assert_int_eq(parse("-1", &d), -1);
    ck_assert_int_eq(parse("inf", &d), -1);
    ck_assert_int_eq(parse("1e30", &d), -1);
    ck_assert_int_eq(parse("nan", &d), -1);
    ck_assert_int_eq(parse("abc", &d), -1);
    ck_assert_int_eq(parse(" 1", &d), -1);
    ck_assert_int_eq(parse("", &d), -1);
}
END_TEST

START_TEST(list_type_round_trip)
{
    vobj *o = list_type_create();
    ck_assert_int_eq(o->encoding, OBJ_ENC_QUICKLIST);
    list_type_push(o, LIST_TAIL, "12", 2);
    list_type_push(o, LIST_TAIL, "abc", 3);
    list_type_push(o, LIST_HEAD, "-9223372036854775808", 20);
    ck_assert_uint_eq(list_type_length(o), 3);
    vobj *copy = obj_dup(o);
    vstr v = list_type_pop(o, LIST_HEAD);
    ck_assert_str_eq(v, "-9223372036854775808");
    vstr_free(v);
    v = list_type_pop(o, LIST_TAIL);
    ck_assert_str_eq(v, "abc");
    vstr_free(v);
    v = list_type_pop(o, LIST_TAIL);
    ck_assert_str_eq(v, "12");
    vstr_free(v);
    ck_assert_ptr_null(list_type_pop(o, LIST_TAIL));
    ck_assert_uint_eq(list_type_length(copy), 3);
    obj_decr_ref(o);
    obj_decr_ref(copy);
}
END_TEST

/* What a propagation sink received, one "cmd arg arg" line per command. */
static char propagated[16][128];
static int npropagated;

static void record_sink(int dbid, int argc, const struct resp_arg *argv)
{
    (void)dbid;
    ck_assert_int_lt(npropagated, 16);
    char *line = propagated[npropagated++];
    line[0] = '\0';
    for (int i = 0; i < argc; i++) {
        strncat(line, argv[i].ptr, 127 - strlen(line));
        if (i + 1 < argc)
            strncat(line, " ", 127 - strlen(line));
    }
}

/* Runs argv through the dispatcher's call path and serves ready keys. */
static void run(struct client *c, int argc, const char **argv)
{
    static struct resp_arg args[8];
    for (int i = 0; i < argc; i++)
        args[i] = (struct resp_arg){.ptr = (char *)argv[i], .len = strlen(argv[i])};
    c->argc = argc;
    c->argv = args;
    c->cmd = commands_lookup(argv[0], strlen(argv[0]));
    ck_assert_ptr_nonnull(c->cmd);
    commands_call(c);
    if (!(c->flags & CLIENT_BLOCKED)) {
        c->argc = 0;
        c->argv = NULL;
    }
    blocking_handle_ready_keys();
}

START_TEST(blocking_forms_propagate_as_plain_pops_and_moves)
{
    commands_init();
    propagate_register_sink(record_sink);
    struct client *ctl = new_client(0, NULL), *w1 = new_client(0, NULL), *w2 = new_client(0, NULL),
                  *w3 = new_client(0, NULL);
    const char *blpop[] = {"blpop", "a", "0"};
    const char *blmove[] = {"blmove", "b", "a", "RIGHT", "LEFT", "0"};
    const char *blmpop[] = {"blmpop", "0", "1", "c", "RIGHT", "COUNT", "5"};
    run(w1, 3, blpop);
    run(w2, 6, blmove);
    run(w3, 7, blmpop);
    ck_assert_int_eq(npropagated, 0);
    const char *push_b[] = {"rpush", "b", "x"};
    run(ctl, 3, push_b);
    ck_assert_int_eq(npropagated, 3);
    ck_assert_str_eq(propagated[0], "rpush b x");
    ck_assert_str_eq(propagated[1], "LMOVE b a RIGHT LEFT");
    ck_assert_str_eq(propagated[2], "LPOP a");
    const char *push_c[] = {"rpush", "c", "1", "2"};
    run(ctl, 4, push_c);
    ck_assert_str_eq(propagated[4], "RPOP c 2");
    const char *brpop_now[] = {"brpop", "none", "c", "0"};
    run(ctl, 4, push_c);
    run(ctl, 4, brpop_now);
    ck_assert_int_eq(npropagated, 7);
    ck_assert_str_eq(propagated[6], "RPOP c");
    const char *bzpopmax[] = {"bzpopmax", "z", "0"};
    const char *zadd[] = {"zadd", "z", "1", "m", "2", "n"};
    run(w1, 3, bzpopmax);
    run(ctl, 6, zadd);
    ck_assert_int_eq(npropagated, 9);
    ck_assert_str_eq(propagated[8], "ZPOPMAX z");
    ck_assert_uint_eq(blocking_count(), 0);
    client_free(ctl);
    client_free(w1);
    client_free(w2);
    client_free(w3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("blocking");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, fifo_one_element_per_client);
    tcase_add_test(tc, repeated_and_multiple_keys);
    tcase_add_test(tc, other_type_waiters_keep_waiting);
    tcase_add_test(tc, freeing_a_blocked_client_cleans_up);
    tcase_add_test(tc, unready_and_unwatched_keys_are_ignored);
    tcase_add_test(tc, timeout_parsing);
    tcase_add_test(tc, list_type_round_trip);
    tcase_add_test(tc, blocking_forms_propagate_as_plain_pops_and_moves);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
