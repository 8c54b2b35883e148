/* tls_context — OpenSSL contexts built from the tls-* directives.
 *
 * A tls_context holds the SSL_CTX for the server side of TLS connections
 * (and the default for outgoing ones) and, when tls-client-cert-file and
 * tls-client-key-file are both set, a second SSL_CTX with that identity
 * for outgoing connections.  Building one is all or nothing: on any error
 * the reason is logged with Redis's wording and NULL comes back, so a
 * running server keeps its previous context.  Reloading is building a new
 * context and freeing the old one: live connections hold their own
 * reference to the SSL_CTX they were created from (see conn_tls.h).
 */
#ifndef VIGIL_TLS_CONTEXT_H
#define VIGIL_TLS_CONTEXT_H

struct ssl_ctx_st; /* OpenSSL's SSL_CTX */
struct tls_context;

/* tls-protocols bits; tls_context_parse_protocols() builds the set. */
#define TLS_PROTO_TLSV1 (1 << 0)
#define TLS_PROTO_TLSV1_1 (1 << 1)
#define TLS_PROTO_TLSV1_2 (1 << 2)
#define TLS_PROTO_TLSV1_3 (1 << 3)
#define TLS_PROTO_DEFAULT (TLS_PROTO_TLSV1_2 | TLS_PROTO_TLSV1_3)

/* The directives, as plain values: NULL strings mean "not set". */
struct tls_context_config {
    const char *cert_file;
    const char *key_file;
    const char *key_file_pass;
    const char *client_cert_file;
    const char *client_key_file;
    const char *client_key_file_pass;
    const char *dh_params_file;
    const char *ca_cert_file;
    const char *ca_cert_dir;
    const char *protocols;    /* "TLSv1.2 TLSv1.3"; NULL for the default */
    const char *ciphers;      /* TLSv1.2 and older */
    const char *ciphersuites; /* TLSv1.3 */
    int prefer_server_ciphers;
    int session_caching;
    int session_cache_size;
    int session_cache_timeout; /* seconds */
    /* Peers are verified (tls-auth-clients, tls-replication, tls-cluster):
     * then a CA file or directory is mandatory. */
    int require_ca;
};

/* Builds both contexts; NULL (reason logged) on error. */
struct tls_context *tls_context_new(const struct tls_context_config *config);
void tls_context_free(struct tls_context *ctx);

/* The context for accepted connections. */
struct ssl_ctx_st *tls_context_server(const struct tls_context *ctx);
/* The context for outgoing connections: the client identity when one is
 * configured, else the server's. */
struct ssl_ctx_st *tls_context_client(const struct tls_context *ctx);

/* "TLSv1.2 TLSv1.3" (case-insensitive, space separated) to TLS_PROTO_*
 * bits; NULL gives TLS_PROTO_DEFAULT; -1 (logged) on an unknown name. */
int tls_context_parse_protocols(const char *str);

#endif
