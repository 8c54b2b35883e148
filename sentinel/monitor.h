/* monitor — watching instances: links, PING/INFO/hello, INFO and hello
 * processing, SDOWN/ODOWN, asking other sentinels, TILT, and the timer
 * that drives it all.
 *
 * The timer (monitor_tick, ten times a second) does what redis-sentinel's
 * does.  On top of it, replies that can move a down primary or a failover
 * forward (a vote, an INFO from a replica being promoted or reconfigured)
 * step that primary at once, with exactly the same checks, so progress
 * does not wait for the next period.
 */
#ifndef VIGIL_SENTINEL_MONITOR_H
#define VIGIL_SENTINEL_MONITOR_H

#include <stddef.h>

#include "instance.h"

void monitor_tick(void);
/* SLAVEOF host port (NO ONE when host is NULL) in a MULTI with CONFIG
 * REWRITE and CLIENT KILL, as Redis sends it.  -1 if the link is down. */
int monitor_send_slaveof(struct instance *ri, const char *host, int port);
/* Publishes hellos for master and its replicas on the next tick. */
void monitor_force_hello(struct instance *master);
/* A hello payload, from our pub/sub links or a PUBLISH sent to us. */
void monitor_process_hello(const char *msg, size_t len);

#endif
