/* events — what the sentinel tells the world about changes.
 *
 * An event is logged, published on the sentinel's own pub/sub with the
 * event type as channel, and (warnings only) handed to the primary's
 * notification-script.  Messages follow Redis's format: an instance is
 * described as `<role> <name> <ip> <port>`, followed by
 * `@ <master-name> <master-ip> <master-port>` unless it is a primary.
 * Scripts (notification and client-reconfig) run in a queue with a
 * concurrency limit, a run time limit and retries, as redis-sentinel does.
 */
#ifndef VIGIL_SENTINEL_EVENTS_H
#define VIGIL_SENTINEL_EVENTS_H

#include "instance.h"
#include "log.h"
#include "vstr.h"

/* Message "<description of ri>[ <fmt...>]"; fmt may be NULL. */
void events_instance(enum log_level level, const char *type, struct instance *ri,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Message from fmt alone; ri (may be NULL) selects the notification script. */
void events_plain(enum log_level level, const char *type, struct instance *ri, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));

/* The `<role> <name> <ip> <port>[ @ ...]` description. */
vstr events_describe(vstr out, const struct instance *ri);

/* Runs master's client-reconfig-script (if any) with Redis's arguments:
 * <master-name> <role> <state> <from-ip> <from-port> <to-ip> <to-port>. */
void events_client_reconfig(struct instance *master, const char *role, const char *state,
                            const char *from_ip, int from_port, const char *to_ip, int to_port);

/* Queue maintenance, from the sentinel timer: start, reap, kill. */
void events_scripts_tick(void);
int events_scripts_running(void);
int events_scripts_queued(void);
/* SENTINEL PENDING-SCRIPTS reply. */
vstr events_pending_scripts_reply(vstr out);

/* Set by the client module: delivers a message to subscribed clients. */
void events_set_publisher(void (*publish)(const char *channel, const char *msg, size_t len));

#endif
