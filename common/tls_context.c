/* tls_context — building OpenSSL contexts from the tls-* directives; see
 * tls_context.h.
 *
 * Both contexts share one base recipe (protocols, identity, CA, ciphers);
 * the server context adds session caching, server cipher preference and DH
 * parameters.  Every failure is logged with the text redis-server 7.0 uses,
 * since operators grep for those.  Written for OpenSSL 3.0 (DH parameters
 * are loaded as an EVP_PKEY).
 */
#include "tls_context.h"

#include "log.h"
#include "mem.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct tls_context {
    SSL_CTX *server;
    SSL_CTX *client; /* NULL: outgoing connections use server */
};

/* Session ids are only resumed by contexts with the same id context. */
static const unsigned char session_id_context[] = "vigil";

static void log_openssl_error(const char *what, const char *path)
{
    char buf[256];
    ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
    if (path)
        log_warning("%s: %s: %s", what, path, buf);
    else
        log_warning("%s: %s", what, buf);
}

int tls_context_parse_protocols(const char *str)
{
    static const struct {
        const char *name;
        int bit;
    } names[] = {{"tlsv1", TLS_PROTO_TLSV1},
                 {"tlsv1.1", TLS_PROTO_TLSV1_1},
                 {"tlsv1.2", TLS_PROTO_TLSV1_2},
                 {"tlsv1.3", TLS_PROTO_TLSV1_3}};
    if (!str)
        return TLS_PROTO_DEFAULT;
    int protocols = 0;
    const char *p = str;
    while (*p) {
        size_t len = strcspn(p, " ");
        int bit = 0;
        for (size_t i = 0; len && i < sizeof names / sizeof names[0]; i++)
            if (strlen(names[i].name) == len && strncasecmp(names[i].name, p, len) == 0)
                bit = names[i].bit;
        if (len && !bit) {
            log_warning("Invalid tls-protocols specified. Use a combination of 'TLSv1', "
                        "'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
            return -1;
        }
        protocols |= bit;
        p += len;
        p += strspn(p, " ");
    }
    return protocols;
}

/* Hands the configured key password to OpenSSL.  Without a password it
 * refuses, so an encrypted key fails instead of prompting on a terminal. */
static int password_cb(char *buf, int size, int rwflag, void *userdata)
{
    (void)rwflag;
    const char *pass = userdata;
    if (!pass)
        return -1;
    size_t len = strlen(pass);
    if (len > (size_t)size)
        return -1;
    memcpy(buf, pass, len);
    return (int)len;
}

static void disable_protocols(SSL_CTX *ctx, int protocols)
{
    static const struct {
        int bit;
        uint64_t op;
    } map[] = {{TLS_PROTO_TLSV1, SSL_OP_NO_TLSv1},
               {TLS_PROTO_TLSV1_1, SSL_OP_NO_TLSv1_1},
               {TLS_PROTO_TLSV1_2, SSL_OP_NO_TLSv1_2},
               {TLS_PROTO_TLSV1_3, SSL_OP_NO_TLSv1_3}};
    /* Options, not a min/max range: the set may have holes. */
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!(protocols & map[i].bit))
            SSL_CTX_set_options(ctx, map[i].op);
}

static int load_identity(SSL_CTX *ctx, const char *cert, const char *key, const char *pass)
{
    SSL_CTX_set_default_passwd_cb(ctx, password_cb);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, (void *)pass);
    int ok = 0;
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) <= 0)
        log_openssl_error("Failed to load certificate", cert);
    else if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) <= 0)
        log_openssl_error("Failed to load private key", key);
    else
        ok = 1;
    /* The password belongs to the caller's config, which may change. */
    SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
    return ok ? 0 : -1;
}

static int load_ciphers(SSL_CTX *ctx, const struct tls_context_config *config)
{
    if (config->ciphers && !SSL_CTX_set_cipher_list(ctx, config->ciphers)) {
        log_warning("Failed to configure ciphers: %s", config->ciphers);
        return -1;
    }
    if (config->ciphersuites && !SSL_CTX_set_ciphersuites(ctx, config->ciphersuites)) {
        log_warning("Failed to configure ciphersuites: %s", config->ciphersuites);
        return -1;
    }
    return 0;
}

/* The recipe both sides share; `client` picks the identity. */
static SSL_CTX *base_context(const struct tls_context_config *config, int protocols, int client)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    if (!ctx) {
        log_openssl_error("Failed to create TLS context", NULL);
        return NULL;
    }
    SSL_CTX_set_options(ctx, SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_COMPRESSION |
                                 SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS);
    disable_protocols(ctx, protocols);
    /* Partial writes let a big reply go out record by record; a moving
     * buffer lets a retried write come from a freshly gathered copy. */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    /* Peers are verified unless a connection relaxes it (tls-auth-clients). */
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);

    const char *cert = client ? config->client_cert_file : config->cert_file;
    const char *key = client ? config->client_key_file : config->key_file;
    const char *pass = client ? config->client_key_file_pass : config->key_file_pass;
    if (load_identity(ctx, cert, key, pass) < 0)
        goto error;
    if ((config->ca_cert_file || config->ca_cert_dir) &&
        SSL_CTX_load_verify_locations(ctx, config->ca_cert_file, config->ca_cert_dir) <= 0) {
        log_openssl_error("Failed to configure CA certificate(s) file/directory", NULL);
        goto error;
    }
    if (load_ciphers(ctx, config) < 0)
        goto error;
    return ctx;
error:
    SSL_CTX_free(ctx);
    return NULL;
}

static int load_dh_params(SSL_CTX *ctx, const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        log_warning("Failed to load %s: %s", path, strerror(errno));
        return -1;
    }
    BIO *bio = BIO_new_fp(fp, BIO_NOCLOSE);
    EVP_PKEY *params = bio ? PEM_read_bio_Parameters(bio, NULL) : NULL;
    BIO_free(bio);
    fclose(fp);
    if (!params || EVP_PKEY_get_base_id(params) != EVP_PKEY_DH) {
        log_warning("%s: failed to read DH params.", path);
        EVP_PKEY_free(params);
        return -1;
    }
    /* On success the context owns params. */
    if (SSL_CTX_set0_tmp_dh_pkey(ctx, params) <= 0) {
        log_openssl_error("Failed to load DH params file", path);
        EVP_PKEY_free(params);
        return -1;
    }
    return 0;
}

static int setup_server_side(SSL_CTX *ctx, const struct tls_context_config *config)
{
    if (config->session_caching) {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
        SSL_CTX_sess_set_cache_size(ctx, config->session_cache_size);
        SSL_CTX_set_timeout(ctx, config->session_cache_timeout);
        SSL_CTX_set_session_id_context(ctx, session_id_context, sizeof session_id_context - 1);
    } else {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    }
    /* OpenSSL 3 refuses client-initiated renegotiation by default, which
     * is what a server wants: nothing to set for it. */
    SSL_CTX_set_options(ctx, SSL_OP_SINGLE_DH_USE);
    if (config->prefer_server_ciphers)
        SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (config->dh_params_file)
        return load_dh_params(ctx, config->dh_params_file);
    SSL_CTX_set_dh_auto(ctx, 1);
    return 0;
}

/* The checks Redis makes before touching any file. */
static int check_config(const struct tls_context_config *config)
{
    if (!config->cert_file) {
        log_warning("No tls-cert-file configured!");
        return -1;
    }
    if (!config->key_file) {
        log_warning("No tls-key-file configured!");
        return -1;
    }
    if (config->require_ca && !config->ca_cert_file && !config->ca_cert_dir) {
        log_warning("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when "
                    "tls-cluster, tls-replication or tls-auth-clients are enabled!");
        return -1;
    }
    return 0;
}

struct tls_context *tls_context_new(const struct tls_context_config *config)
{
    OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, NULL);
    ERR_clear_error();
    if (check_config(config) < 0)
        return NULL;
    int protocols = tls_context_parse_protocols(config->protocols);
    if (protocols < 0)
        return NULL;

    SSL_CTX *server = base_context(config, protocols, 0);
    if (!server)
        return NULL;
    if (setup_server_side(server, config) < 0) {
        SSL_CTX_free(server);
        return NULL;
    }
    SSL_CTX *client = NULL;
    if (config->client_cert_file && config->client_key_file) {
        client = base_context(config, protocols, 1);
        if (!client) {
            SSL_CTX_free(server);
            return NULL;
        }
    }
    struct tls_context *ctx = mem_malloc(sizeof *ctx);
    ctx->server = server;
    ctx->client = client;
    return ctx;
}

void tls_context_free(struct tls_context *ctx)
{
    if (!ctx)
        return;
    SSL_CTX_free(ctx->server);
    SSL_CTX_free(ctx->client);
    mem_free(ctx);
}

struct ssl_ctx_st *tls_context_server(const struct tls_context *ctx)
{
    return ctx->server;
}

struct ssl_ctx_st *tls_context_client(const struct tls_context *ctx)
{
    return ctx->client ? ctx->client : ctx->server;
}
