/* Unit tests for sentinel/infoparse: INFO text and hello payloads, well
 * formed and hostile. */
#include "infoparse.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const char *master_info = "# Server\r\n"
                                 "run_id:6266096b3d7957f3b4f76afd44e9bfed0de80be4\r\n"
                                 "# Replication\r\nrole:master\r\nconnected_slaves:3\r\n"
                                 "slave0:ip=127.0.0.1,port=6380,state=online,offset=9,lag=0\r\n"
                                 "slave1:10.0.0.2,6381,online\r\n"
                                 "slave2:ip=127.0.0.1,port=99999,state=online\r\n";

START_TEST(parses_master_info)
{
    struct info_result r;
    infoparse_info(master_info, strlen(master_info), &r);
    ck_assert_int_eq(r.role, INFOPARSE_ROLE_MASTER);
    ck_assert_str_eq(r.run_id, "6266096b3d7957f3b4f76afd44e9bfed0de80be4");
    /* The replica with an impossible port is skipped. */
    ck_assert_int_eq(r.nreplicas, 2);
    ck_assert_str_eq(r.replicas[0].ip, "127.0.0.1");
    ck_assert_int_eq(r.replicas[0].port, 6380);
    ck_assert_str_eq(r.replicas[1].ip, "10.0.0.2");
    ck_assert_int_eq(r.replicas[1].port, 6381);
    infoparse_info_free(&r);
}
END_TEST

START_TEST(parses_replica_info)
{
    const char *t = "role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:6379\r\n"
                    "master_link_status:up\r\nmaster_link_down_since_seconds:-1\r\n"
                    "slave_repl_offset:12345\r\nslave_priority:0\r\nreplica_announced:1\r\n";
    struct info_result r;
    infoparse_info(t, strlen(t), &r);
    ck_assert_int_eq(r.role, INFOPARSE_ROLE_SLAVE);
    ck_assert_ptr_null(r.run_id);
    ck_assert_str_eq(r.master_host, "127.0.0.1");
    ck_assert_int_eq(r.master_port, 6379);
    ck_assert_int_eq(r.master_link_up, 1);
    ck_assert_int_eq(r.master_link_down_ms, -1000);
    ck_assert_int_eq(r.slave_repl_offset, 12345);
    ck_assert_int_eq(r.slave_priority, 0);
    ck_assert_int_eq(r.replica_announced, 1);
    infoparse_info_free(&r);
}
END_TEST

START_TEST(garbage_info_is_harmless)
{
    const char *t = "run_id:short\nrole:queen\nslave0:\nslave1:,\nmaster_port:abc\n"
                    "slave_priority:-5\n\n\n:::";
    struct info_result r;
    infoparse_info(t, strlen(t), &r);
    ck_assert_ptr_null(r.run_id);
    ck_assert_int_eq(r.role, INFOPARSE_ROLE_UNKNOWN);
    ck_assert_int_eq(r.nreplicas, 0);
    ck_assert_int_eq(r.slave_priority, -1);
    infoparse_info_free(&r);
}
END_TEST

START_TEST(hello_round_trip)
{
    const char *msg = "127.0.0.1,26379,3d85065b92618cbe08eac96c8eb43e89a1820e88,7,mymaster,"
                      "127.0.0.1,6379,3";
    struct hello_msg h;
    ck_assert_int_eq(infoparse_hello(msg, strlen(msg), &h), 0);
    ck_assert_str_eq(h.ip, "127.0.0.1");
    ck_assert_int_eq(h.port, 26379);
    ck_assert_int_eq(h.current_epoch, 7);
    ck_assert_str_eq(h.master_name, "mymaster");
    ck_assert_int_eq(h.master_port, 6379);
    ck_assert_int_eq(h.master_config_epoch, 3);
    vstr again = infoparse_hello_format(&h);
    ck_assert_str_eq(again, msg);
    vstr_free(again);
    infoparse_hello_free(&h);
}
END_TEST

START_TEST(hello_rejects_malformed)
{
    static const char *bad[] = {
        "",
        "a,b,c",
        "127.0.0.1,26379,3d85065b92618cbe08eac96c8eb43e89a1820e88,7,m,127.0.0.1,6379",
        "127.0.0.1,26379,3d85065b92618cbe08eac96c8eb43e89a1820e88,7,m,127.0.0.1,6379,3,x",
        "127.0.0.1,70000,3d85065b92618cbe08eac96c8eb43e89a1820e88,7,m,127.0.0.1,6379,3",
        "127.0.0.1,26379,shortid,7,m,127.0.0.1,6379,3",
        "127.0.0.1,26379,3d85065b92618cbe08eac96c8eb43e89a1820e88,-1,m,127.0.0.1,6379,3",
        ",26379,3d85065b92618cbe08eac96c8eb43e89a1820e88,7,m,127.0.0.1,6379,3",
        "127.0.0.1,26379,3d85065b92618cbe08eac96c8eb43e89a1820e88,7,,127.0.0.1,6379,3",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct hello_msg h;
        ck_assert_int_eq(infoparse_hello(bad[i], strlen(bad[i]), &h), -1);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sentinel_infoparse");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, parses_master_info);
    tcase_add_test(tc, parses_replica_info);
    tcase_add_test(tc, garbage_info_is_harmless);
    tcase_add_test(tc, hello_round_trip);
    tcase_add_test(tc, hello_rejects_malformed);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
