/* Unit tests for common/conn_tls and common/tls_context: a TLS connection
 * accepted from a loopback listener and an outgoing one complete their
 * handshake through the libev loop and exchange data both ways; big
 * writes make partial progress and arrive intact; bytes OpenSSL already
 * decrypted reach a reader that takes one byte at a time; a handler may
 * close its conn; wrong certificates fail the handshake with OpenSSL's
 * reason; broken configurations are refused.  Certificates come from
 * tests/tls/gen-certs.sh, run into a temporary directory. */
#include "conn_tls.h"
#include "log.h"
#include "net.h"
#include "tls_context.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEADLINE_SECONDS 10.0
#define BIG_TOTAL (8 * 1024 * 1024)

static char cert_dir[256];

static char *cert_path(const char *name)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", cert_dir, name);
    return p;
}

/* A context whose identity is name.crt/name.key, trusting ca. */
static struct tls_context *make_ctx(const char *name, const char *ca)
{
    char cert[64], key[64];
    snprintf(cert, sizeof cert, "%s.crt", name);
    snprintf(key, sizeof key, "%s.key", name);
    struct tls_context_config config = {
        .cert_file = cert_path(cert),
        .key_file = cert_path(key),
        .ca_cert_file = cert_path(ca),
        .session_caching = 1,
        .session_cache_size = 100,
        .session_cache_timeout = 60,
        .require_ca = 1,
    };
    struct tls_context *ctx = tls_context_new(&config);
    ck_assert_ptr_nonnull(ctx);
    return ctx;
}

/* ---- a loopback pair driven by one loop ---- */

struct pair;
typedef void (*side_fn)(struct pair *p, struct conn *c);

struct pair {
    struct ev_loop *loop;
    int listen_fd, port;
    ev_io accept_w;
    ev_timer deadline;
    struct tls_context *server_ctx, *client_ctx;
    enum conn_tls_auth auth;
    struct conn *server, *client;
    /* What each side does once its handshake succeeded. */
    side_fn server_ready, client_ready;
    conn_handler server_read, client_read;
    int server_state, client_state; /* after the handshake, -1 before */
    char server_err[256], client_err[256];
    int timed_out;
    int free_client_ctx_early;
    /* Per-test data. */
    char got[256];
    size_t got_len;
    size_t sent, received;
    int partial_writes, eagain_writes, reads, client_saw_eof;
};

static void stop_loop(struct pair *p)
{
    ev_break(p->loop, EVBREAK_ALL);
}

static void on_deadline(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)revents;
    struct pair *p = w->data;
    p->timed_out = 1;
    ev_break(loop, EVBREAK_ALL);
}

static void server_handshake_done(struct conn *c)
{
    struct pair *p = conn_data(c);
    p->server_state = conn_state(c);
    snprintf(p->server_err, sizeof p->server_err, "%s", conn_last_error(c));
    if (conn_state(c) != CONN_STATE_CONNECTED) {
        conn_close(c);
        p->server = NULL;
        if (p->client_state >= 0 || !p->client)
            stop_loop(p);
        return;
    }
    if (p->server_read)
        conn_set_read_handler(c, p->server_read);
    if (p->server_ready)
        p->server_ready(p, c);
}

static void client_handshake_done(struct conn *c)
{
    struct pair *p = conn_data(c);
    p->client_state = conn_state(c);
    snprintf(p->client_err, sizeof p->client_err, "%s", conn_last_error(c));
    if (conn_state(c) != CONN_STATE_CONNECTED) {
        if (p->server_state >= 0 || !p->server)
            stop_loop(p);
        return;
    }
    if (p->client_read)
        conn_set_read_handler(c, p->client_read);
    if (p->client_ready)
        p->client_ready(p, c);
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)revents;
    struct pair *p = w->data;
    int fd = net_tcp_accept(NULL, w->fd, NULL, 0, NULL);
    ck_assert_int_ge(fd, 0);
    ev_io_stop(loop, w);
    p->server = conn_tls_accepted(loop, fd, p->server_ctx, p->auth);
    ck_assert(conn_is_tls(p->server));
    conn_set_data(p->server, p);
    conn_accept(p->server, server_handshake_done);
}

static void pair_init(struct pair *p, struct tls_context *server_ctx,
                      struct tls_context *client_ctx, enum conn_tls_auth auth)
{
    memset(p, 0, sizeof *p);
    char err[NET_ERR_LEN] = "";
    p->loop = ev_loop_new(EVFLAG_AUTO);
    p->server_ctx = server_ctx;
    p->client_ctx = client_ctx;
    p->auth = auth;
    p->server_state = p->client_state = -1;
    p->listen_fd = net_tcp_listen(err, "127.0.0.1", 0, 16);
    ck_assert_msg(p->listen_fd >= 0, "%s", err);
    ck_assert_int_eq(net_sock_name(p->listen_fd, NULL, 0, &p->port), 0);
    ev_io_init(&p->accept_w, on_accept, p->listen_fd, EV_READ);
    p->accept_w.data = p;
    ev_io_start(p->loop, &p->accept_w);
    ev_timer_init(&p->deadline, on_deadline, DEADLINE_SECONDS, 0);
    p->deadline.data = p;
    ev_timer_start(p->loop, &p->deadline);
}

static void pair_run(struct pair *p)
{
    p->client = conn_tls_new(p->loop, p->client_ctx);
    ck_assert(conn_is_tls(p->client));
    if (p->free_client_ctx_early) {
        tls_context_free(p->client_ctx);
        p->client_ctx = NULL;
    }
    conn_set_data(p->client, p);
    ck_assert_int_eq(conn_connect(p->client, "127.0.0.1", p->port, NULL, client_handshake_done), 0);
    ev_run(p->loop, 0);
    ck_assert_msg(!p->timed_out, "deadline passed (sent %zu, received %zu, reads %d, eagain %d)",
                  p->sent, p->received, p->reads, p->eagain_writes);
}

static void pair_free(struct pair *p)
{
    conn_close(p->server);
    conn_close(p->client);
    ev_io_stop(p->loop, &p->accept_w);
    ev_timer_stop(p->loop, &p->deadline);
    close(p->listen_fd);
    ev_loop_destroy(p->loop);
    tls_context_free(p->server_ctx);
    if (p->client_ctx != p->server_ctx)
        tls_context_free(p->client_ctx);
}

/* ---- handshake and data both ways ---- */

static void echo_server_read(struct conn *c)
{
    struct pair *p = conn_data(c);
    ssize_t n = conn_read(c, p->got + p->got_len, sizeof p->got - p->got_len);
    if (n > 0)
        p->got_len += (size_t)n;
    if (p->got_len == 4)
        ck_assert_int_eq(conn_write(c, "pong", 4), 4);
}

static void ping_client_ready(struct pair *p, struct conn *c)
{
    (void)p;
    ck_assert_int_eq(conn_write(c, "ping", 4), 4);
}

static void pong_client_read(struct conn *c)
{
    struct pair *p = conn_data(c);
    char buf[16];
    ssize_t n = conn_read(c, buf, sizeof buf);
    if (n < 0)
        return;
    ck_assert_int_eq(n, 4);
    ck_assert_mem_eq(buf, "pong", 4);
    stop_loop(p);
}

START_TEST(handshake_and_round_trip)
{
    struct pair p;
    pair_init(&p, make_ctx("server", "ca.crt"), make_ctx("client", "ca.crt"), CONN_TLS_AUTH_YES);
    p.server_read = echo_server_read;
    p.client_ready = ping_client_ready;
    p.client_read = pong_client_read;
    /* A reload frees the context under live connections. */
    p.free_client_ctx_early = 1;
    pair_run(&p);
    ck_assert_int_eq(p.server_state, CONN_STATE_CONNECTED);
    ck_assert_int_eq(p.client_state, CONN_STATE_CONNECTED);
    ck_assert_uint_eq(p.got_len, 4);
    ck_assert_mem_eq(p.got, "ping", 4);
    pair_free(&p);
}
END_TEST

/* ---- big writes: partial progress, integrity ---- */

static unsigned char pattern_byte(size_t i)
{
    return (unsigned char)((i * 7 + (i >> 11)) & 0xff);
}

/* Sends BIG_TOTAL bytes as three scattered pieces per writev, resending
 * from the first unsent byte after a partial write or EAGAIN. */
static void big_client_write(struct conn *c)
{
    struct pair *p = conn_data(c);
    static unsigned char chunk[3 * 50000];
    while (p->sent < BIG_TOTAL) {
        size_t left = BIG_TOTAL - p->sent;
        size_t len = left < sizeof chunk ? left : sizeof chunk;
        for (size_t i = 0; i < len; i++)
            chunk[i] = pattern_byte(p->sent + i);
        struct iovec iov[3];
        size_t a = len < 100 ? len : 100, b = len - a < 20000 ? len - a : 20000;
        iov[0] = (struct iovec){chunk, a};
        iov[1] = (struct iovec){chunk + a, b};
        iov[2] = (struct iovec){chunk + a + b, len - a - b};
        ssize_t n = conn_writev(c, iov, 3);
        if (n < 0) {
            ck_assert_int_eq(conn_state(c), CONN_STATE_CONNECTED);
            p->eagain_writes++;
            return;
        }
        if ((size_t)n < len)
            p->partial_writes++;
        p->sent += (size_t)n;
    }
    conn_set_write_handler(c, NULL);
}

static void big_client_ready(struct pair *p, struct conn *c)
{
    (void)p;
    conn_set_write_handler(c, big_client_write);
}

/* Reads in small bites, one per call, checking every byte. */
static void big_server_read(struct conn *c)
{
    struct pair *p = conn_data(c);
    unsigned char buf[1000];
    ssize_t n = conn_read(c, buf, sizeof buf);
    if (n <= 0) {
        ck_assert_int_eq(conn_state(c), CONN_STATE_CONNECTED);
        return;
    }
    p->reads++;
    /* One assertion per read: check records each one, which is slow. */
    ssize_t bad = -1;
    for (ssize_t i = 0; i < n && bad < 0; i++)
        if (buf[i] != pattern_byte(p->received + (size_t)i))
            bad = i;
    ck_assert_msg(bad < 0, "byte %zu corrupted", p->received + (size_t)bad);
    p->received += (size_t)n;
    if (p->received == BIG_TOTAL)
        stop_loop(p);
}

START_TEST(big_write_partial_progress)
{
    struct pair p;
    pair_init(&p, make_ctx("server", "ca.crt"), make_ctx("client", "ca.crt"), CONN_TLS_AUTH_NO);
    p.server_read = big_server_read;
    p.client_ready = big_client_ready;
    pair_run(&p);
    ck_assert_uint_eq(p.received, BIG_TOTAL);
    ck_assert_uint_eq(p.sent, BIG_TOTAL);
    /* The socket buffers cannot hold 8 MB: the writer must have stalled;
     * a gathered writev sends at most one record's worth. */
    ck_assert_int_gt(p.eagain_writes, 0);
    ck_assert_int_gt(p.partial_writes, 0);
    pair_free(&p);
}
END_TEST

/* ---- pending decrypted data ---- */

static void one_byte_server_read(struct conn *c)
{
    struct pair *p = conn_data(c);
    char ch;
    ssize_t n = conn_read(c, &ch, 1);
    if (n != 1)
        return;
    p->got[p->got_len++] = ch;
    if (p->got_len == 100)
        stop_loop(p);
}

static void hundred_client_ready(struct pair *p, struct conn *c)
{
    (void)p;
    char msg[100];
    for (int i = 0; i < 100; i++)
        msg[i] = (char)('a' + i % 26);
    /* One record: after the first byte, 99 wait inside OpenSSL. */
    ck_assert_int_eq(conn_write(c, msg, sizeof msg), 100);
}

START_TEST(pending_data_reaches_reader)
{
    struct pair p;
    pair_init(&p, make_ctx("server", "ca.crt"), make_ctx("client", "ca.crt"), CONN_TLS_AUTH_YES);
    p.server_read = one_byte_server_read;
    p.client_ready = hundred_client_ready;
    pair_run(&p);
    ck_assert_uint_eq(p.got_len, 100);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(p.got[i], 'a' + i % 26);
    pair_free(&p);
}
END_TEST

/* ---- close from a handler ---- */

static void reply_and_close_server_read(struct conn *c)
{
    struct pair *p = conn_data(c);
    char buf[16];
    ssize_t n = conn_read(c, buf, sizeof buf);
    if (n <= 0)
        return;
    ck_assert_int_eq(conn_write(c, "bye", 3), 3);
    conn_close(c);
    /* Still valid until the handler returns: reading it must be safe. */
    ck_assert_int_eq(conn_state(c), CONN_STATE_CONNECTED);
    p->server = NULL;
}

static void until_eof_client_read(struct conn *c)
{
    struct pair *p = conn_data(c);
    ssize_t n = conn_read(c, p->got + p->got_len, sizeof p->got - p->got_len);
    if (n > 0) {
        p->got_len += (size_t)n;
        return;
    }
    if (n == 0) {
        p->client_saw_eof = 1;
        ck_assert_int_eq(conn_state(c), CONN_STATE_CLOSED);
        conn_close(c);
        p->client = NULL;
        stop_loop(p);
    }
}

START_TEST(close_from_handler)
{
    struct pair p;
    pair_init(&p, make_ctx("server", "ca.crt"), make_ctx("client", "ca.crt"), CONN_TLS_AUTH_YES);
    p.server_read = reply_and_close_server_read;
    p.client_ready = ping_client_ready;
    p.client_read = until_eof_client_read;
    pair_run(&p);
    ck_assert(p.client_saw_eof);
    ck_assert_uint_eq(p.got_len, 3);
    ck_assert_mem_eq(p.got, "bye", 3);
    pair_free(&p);
}
END_TEST

/* A peer that drops the socket without close_notify reads as EOF too. */
static void drop_socket_server_read(struct conn *c)
{
    char buf[16];
    if (conn_read(c, buf, sizeof buf) > 0)
        shutdown(conn_fd(c), SHUT_RDWR);
}

START_TEST(abrupt_close_reads_as_eof)
{
    struct pair p;
    pair_init(&p, make_ctx("server", "ca.crt"), make_ctx("client", "ca.crt"), CONN_TLS_AUTH_YES);
    p.server_read = drop_socket_server_read;
    p.client_ready = ping_client_ready;
    p.client_read = until_eof_client_read;
    pair_run(&p);
    ck_assert(p.client_saw_eof);
    ck_assert_uint_eq(p.got_len, 0);
    pair_free(&p);
}
END_TEST

/* ---- failed handshakes ---- */

static void run_failing_pair(struct pair *p)
{
    pair_run(p);
    ck_assert_int_eq(p->client_state, CONN_STATE_ERROR);
}

START_TEST(untrusted_server_certificate)
{
    struct pair p;
    /* The client trusts another CA than the one that signed the server. */
    pair_init(&p, make_ctx("server", "ca.crt"), make_ctx("client", "other-ca.crt"),
              CONN_TLS_AUTH_YES);
    run_failing_pair(&p);
    ck_assert_msg(strstr(p.client_err, "certificate verify failed"), "%s", p.client_err);
    pair_free(&p);
}
END_TEST

/* With TLSv1.3 the client's handshake is over before the server verifies
 * it, so only the server's verdict is certain. */
START_TEST(untrusted_client_certificate)
{
    struct pair p;
    pair_init(&p, make_ctx("server", "ca.crt"), make_ctx("other", "ca.crt"), CONN_TLS_AUTH_YES);
    pair_run(&p);
    ck_assert_int_eq(p.server_state, CONN_STATE_ERROR);
    ck_assert_msg(strstr(p.server_err, "certificate verify failed"), "%s", p.server_err);
    pair_free(&p);
}
END_TEST

START_TEST(client_certificate_ignored_without_auth)
{
    struct pair p;
    pair_init(&p, make_ctx("server", "ca.crt"), make_ctx("other", "ca.crt"), CONN_TLS_AUTH_NO);
    p.server_read = echo_server_read;
    p.client_ready = ping_client_ready;
    p.client_read = pong_client_read;
    pair_run(&p);
    ck_assert_int_eq(p.server_state, CONN_STATE_CONNECTED);
    ck_assert_int_eq(p.client_state, CONN_STATE_CONNECTED);
    pair_free(&p);
}
END_TEST

static void expect_error(struct conn *c)
{
    int *state = conn_data(c);
    *state = conn_state(c);
    ev_break(c->loop, EVBREAK_ALL);
}

START_TEST(plain_peer_fails_handshake)
{
    struct pair p;
    pair_init(&p, make_ctx("server", "ca.crt"), NULL, CONN_TLS_AUTH_NO);
    /* A plain client speaking RESP to the TLS port. */
    struct conn *plain = conn_plain_new(p.loop);
    int state = -1;
    conn_set_data(plain, &state);
    ck_assert_int_eq(conn_connect(plain, "127.0.0.1", p.port, NULL, expect_error), 0);
    ev_run(p.loop, 0);
    ck_assert_int_eq(conn_write(plain, "PING\r\n", 6), 6);
    ev_run(p.loop, 0);
    ck_assert_int_eq(p.server_state, CONN_STATE_ERROR);
    ck_assert_msg(p.server_err[0] != '\0', "no reason given");
    conn_close(plain);
    pair_free(&p);
}
END_TEST

START_TEST(connect_without_context_fails)
{
    struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
    struct conn *c = conn_tls_new(loop, NULL);
    ck_assert_int_eq(conn_connect(c, "127.0.0.1", 1, NULL, NULL), -1);
    ck_assert_int_eq(conn_state(c), CONN_STATE_ERROR);
    ck_assert_str_eq(conn_last_error(c), "TLS is not configured");
    conn_close(c);
    ev_loop_destroy(loop);
}
END_TEST

/* ---- contexts ---- */

static struct tls_context_config good_config(void)
{
    struct tls_context_config config = {
        .cert_file = cert_path("server.crt"),
        .key_file = cert_path("server.key"),
        .ca_cert_file = cert_path("ca.crt"),
        .dh_params_file = cert_path("dh.pem"),
        .protocols = "TLSv1.2 TLSv1.3",
        .prefer_server_ciphers = 1,
        .session_caching = 0,
        .require_ca = 1,
    };
    return config;
}

static void assert_refused(struct tls_context_config config)
{
    struct tls_context *ctx = tls_context_new(&config);
    ck_assert_ptr_null(ctx);
}

START_TEST(context_accepts_full_config)
{
    struct tls_context_config config = good_config();
    config.client_cert_file = cert_path("client.crt");
    config.client_key_file = cert_path("client.key");
    config.ciphers = "HIGH:!aNULL";
    config.ciphersuites = "TLS_AES_128_GCM_SHA256";
    struct tls_context *ctx = tls_context_new(&config);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_ptr_ne(tls_context_client(ctx), tls_context_server(ctx));
    tls_context_free(ctx);

    config = good_config();
    config.key_file = cert_path("server-pass.key");
    config.key_file_pass = "secret";
    ctx = tls_context_new(&config);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_ptr_eq(tls_context_client(ctx), tls_context_server(ctx));
    tls_context_free(ctx);
}
END_TEST

START_TEST(context_refuses_bad_config)
{
    struct tls_context_config config = good_config();
    config.cert_file = NULL;
    assert_refused(config);
    config = good_config();
    config.key_file = NULL;
    assert_refused(config);
    config = good_config();
    config.ca_cert_file = NULL;
    assert_refused(config);
    config = good_config();
    config.cert_file = cert_path("missing.crt");
    assert_refused(config);
    config = good_config();
    config.key_file = cert_path("other.key"); /* does not match the certificate */
    assert_refused(config);
    config = good_config();
    config.key_file = cert_path("server-pass.key"); /* encrypted, no password */
    assert_refused(config);
    config.key_file_pass = "wrong";
    assert_refused(config);
    config = good_config();
    config.dh_params_file = cert_path("server.crt"); /* not DH parameters */
    assert_refused(config);
    config = good_config();
    config.dh_params_file = cert_path("missing.pem");
    assert_refused(config);
    config = good_config();
    config.ciphers = "NO-SUCH-CIPHER";
    assert_refused(config);
    config = good_config();
    config.ciphersuites = "NO_SUCH_SUITE";
    assert_refused(config);
    config = good_config();
    config.protocols = "TLSv1.2 SSLv3";
    assert_refused(config);
    config = good_config();
    config.ca_cert_file = cert_path("missing.crt");
    assert_refused(config);
    config = good_config();
    config.client_cert_file = cert_path("missing.crt");
    config.client_key_file = cert_path("client.key");
    assert_refused(config);
}
END_TEST

START_TEST(protocol_names)
{
    ck_assert_int_eq(tls_context_parse_protocols(NULL), TLS_PROTO_DEFAULT);
    ck_assert_int_eq(tls_context_parse_protocols("TLSv1.3"), TLS_PROTO_TLSV1_3);
    ck_assert_int_eq(tls_context_parse_protocols("tlsv1 TLSV1.1"),
                     TLS_PROTO_TLSV1 | TLS_PROTO_TLSV1_1);
    ck_assert_int_eq(tls_context_parse_protocols(" TLSv1.2  TLSv1.3 "), TLS_PROTO_DEFAULT);
    ck_assert_int_eq(tls_context_parse_protocols("TLSv1.4"), -1);
    ck_assert_int_eq(tls_context_parse_protocols("TLSv1.2,TLSv1.3"), -1);
    ck_assert_int_eq(tls_context_parse_protocols(""), 0);
}
END_TEST

/* Only TLSv1.3 on the server, only TLSv1.2 on the client: no handshake. */
START_TEST(protocol_mismatch_fails)
{
    struct tls_context_config config = good_config();
    config.protocols = "TLSv1.3";
    struct tls_context *server = tls_context_new(&config);
    config.protocols = "TLSv1.2";
    struct tls_context *client = tls_context_new(&config);
    ck_assert_ptr_nonnull(server);
    ck_assert_ptr_nonnull(client);
    struct pair p;
    pair_init(&p, server, client, CONN_TLS_AUTH_NO);
    run_failing_pair(&p);
    pair_free(&p);
}
END_TEST

static int generate_certs(void)
{
    const char *script = getenv("VIGIL_GEN_CERTS");
    if (!script)
        script = "tests/tls/gen-certs.sh";
    snprintf(cert_dir, sizeof cert_dir, "/tmp/vigil-tls-XXXXXX");
    if (!mkdtemp(cert_dir))
        return -1;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sh '%s' '%s'", script, cert_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void remove_certs(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", cert_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", cert_dir);
}

int main(void)
{
    /* A peer that vanished mid-write must not kill the test process. */
    signal(SIGPIPE, SIG_IGN);
    /* The refused configurations log warnings by design. */
    log_set_level(LOG_NOTHING);
    if (generate_certs() < 0) {
        fprintf(stderr, "test_conn_tls: could not generate certificates\n");
        return EXIT_FAILURE;
    }
    Suite *s = suite_create("conn_tls");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, handshake_and_round_trip);
    tcase_add_test(tc, big_write_partial_progress);
    tcase_add_test(tc, pending_data_reaches_reader);
    tcase_add_test(tc, close_from_handler);
    tcase_add_test(tc, abrupt_close_reads_as_eof);
    tcase_add_test(tc, untrusted_server_certificate);
    tcase_add_test(tc, untrusted_client_certificate);
    tcase_add_test(tc, client_certificate_ignored_without_auth);
    tcase_add_test(tc, plain_peer_fails_handshake);
    tcase_add_test(tc, connect_without_context_fails);
    tcase_add_test(tc, context_accepts_full_config);
    tcase_add_test(tc, context_refuses_bad_config);
    tcase_add_test(tc, protocol_names);
    tcase_add_test(tc, protocol_mismatch_fails);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    remove_certs();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
