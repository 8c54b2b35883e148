/* networking — listening sockets, accepting clients, reading requests and
 * flushing replies.  The client list and its lifecycle live here. */
#ifndef VIGIL_NETWORKING_H
#define VIGIL_NETWORKING_H

#include "client.h"

struct tls_context;

/* Opens every configured listener; -1 (logged) if a required one fails. */
int networking_listen(void);
void networking_close_listeners(void);
/* Builds the TLS context from cfg.tls_*, replacing the current one; -1
 * (reason logged) leaves the current one in place. */
int networking_tls_configure(void);
/* The TLS context for outgoing connections (conn_tls_new), NULL until
 * networking_tls_configure() succeeded. */
const struct tls_context *networking_tls_context(void);
/* Runs before the loop sleeps: frees closed clients, flushes replies. */
void networking_before_sleep(void);
/* Once per cron tick: idle timeouts, buffer limits, query buffer trimming. */
void networking_clients_cron(void);
/* Executes what the client has buffered (after unblocking or unpausing). */
void networking_process_input(struct client *c);
/* Queues c for the before-sleep flush. */
void networking_schedule_write(struct client *c);
/* Closes c if its output buffer crossed client-output-buffer-limit. */
int networking_check_obuf_limits(struct client *c);

/* Feature modules release their per-client state from here. */
void networking_add_free_hook(void (*hook)(struct client *c));

#endif
