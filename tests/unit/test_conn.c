/* Unit tests for common/net and common/conn: a plain connection accepted
 * from a loopback listener and an outgoing one talk through the libev
 * loop; a handler may close its own connection; refused connects report. */
#include "conn.h"
#include "net.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pair {
    struct ev_loop *loop;
    int listen_fd;
    struct conn *server_side, *client_side;
    char got[64];
    size_t got_len;
    int connected, closed_in_handler;
};

static void server_on_read(struct conn *c)
{
    struct pair *p = conn_data(c);
    ssize_t n = conn_read(c, p->got + p->got_len, sizeof p->got - p->got_len);
    if (n > 0)
        p->got_len += (size_t)n;
    if (p->got_len >= 4) {
        conn_write(c, "pong", 4);
        /* Closing from inside the handler must be safe. */
        conn_close(c);
        p->server_side = NULL;
        p->closed_in_handler = 1;
    }
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)revents;
    struct pair *p = w->data;
    int fd = net_tcp_accept(NULL, w->fd, NULL, 0, NULL);
    ck_assert_int_ge(fd, 0);
    p->server_side = conn_plain_accepted(loop, fd);
    conn_set_data(p->server_side, p);
    ck_assert_int_eq(conn_accept(p->server_side, NULL), 0);
    conn_set_read_handler(p->server_side, server_on_read);
}

static void client_on_read(struct conn *c)
{
    struct pair *p = conn_data(c);
    char buf[16];
    ssize_t n = conn_read(c, buf, sizeof buf);
    if (n == 4 && memcmp(buf, "pong", 4) == 0)
        ev_break(p->loop, EVBREAK_ALL);
}

static void client_on_connect(struct conn *c)
{
    struct pair *p = conn_data(c);
    ck_assert_int_eq(conn_state(c), CONN_STATE_CONNECTED);
    p->connected = 1;
    conn_write(c, "ping", 4);
    conn_set_read_handler(c, client_on_read);
}

static void on_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)w;
    (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

START_TEST(round_trip)
{
    struct pair p = {0};
    char err[NET_ERR_LEN] = "";
    p.loop = ev_loop_new(EVFLAG_AUTO);
    p.listen_fd = net_tcp_listen(err, "127.0.0.1", 0, 16);
    ck_assert_msg(p.listen_fd >= 0, "%s", err);
    int port;
    char ip[64];
    ck_assert_int_eq(net_sock_name(p.listen_fd, ip, sizeof ip, &port), 0);
    ev_io accept_w;
    ev_io_init(&accept_w, on_accept, p.listen_fd, EV_READ);
    accept_w.data = &p;
    ev_io_start(p.loop, &accept_w);
    ev_timer deadline;
    ev_timer_init(&deadline, on_timeout, 5.0, 0);
    ev_timer_start(p.loop, &deadline);

    p.client_side = conn_plain_new(p.loop);
    conn_set_data(p.client_side, &p);
    ck_assert_int_eq(conn_connect(p.client_side, "127.0.0.1", port, NULL, client_on_connect), 0);
    ev_run(p.loop, 0);

    ck_assert(p.connected);
    ck_assert(p.closed_in_handler);
    ck_assert_mem_eq(p.got, "ping", 4);
    conn_close(p.client_side);
    ev_io_stop(p.loop, &accept_w);
    close(p.listen_fd);
    ev_loop_destroy(p.loop);
}
END_TEST

static void expect_refused(struct conn *c)
{
    int *state = conn_data(c);
    *state = conn_state(c);
    ev_break(c->loop, EVBREAK_ALL);
}

START_TEST(refused_connect_reports_error)
{
    char err[NET_ERR_LEN];
    int fd = net_tcp_listen(err, "127.0.0.1", 0, 1);
    int port;
    net_sock_name(fd, NULL, 0, &port);
    close(fd); /* nothing listens there now */
    struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
    struct conn *c = conn_plain_new(loop);
    int state = -1;
    conn_set_data(c, &state);
    if (conn_connect(c, "127.0.0.1", port, NULL, expect_refused) == 0)
        ev_run(loop, 0);
    else
        state = conn_state(c);
    ck_assert_int_eq(state, CONN_STATE_ERROR);
    conn_close(c);
    ev_loop_destroy(loop);
}
END_TEST

START_TEST(optional_bind_address)
{
    char err[NET_ERR_LEN];
    /* TEST-NET-1 is never configured locally: optional means "skip". */
    ck_assert_int_eq(net_tcp_listen(err, "-192.0.2.1", 0, 1), -2);
    ck_assert_int_eq(net_tcp_listen(err, "192.0.2.1", 0, 1), -1);
    ck_assert(net_is_loopback("127.0.0.1"));
    ck_assert(net_is_loopback("::1"));
    ck_assert(!net_is_loopback("10.0.0.1"));
    ck_assert(!net_is_loopback("127.0.0.2"));
    char buf[NET_ADDR_STR_LEN];
    net_format_addr(buf, sizeof buf, "::1", 6379);
    ck_assert_str_eq(buf, "[::1]:6379");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conn");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, refused_connect_reports_error);
    tcase_add_test(tc, optional_bind_address);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
