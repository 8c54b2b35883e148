/* commands — the commands a sentinel answers: SENTINEL and its
 * subcommands, PING, INFO, ROLE, CLIENT, HELLO, AUTH, ACL, COMMAND,
 * (P)SUBSCRIBE, PUBLISH (hello messages only), SHUTDOWN.  Replies and
 * error texts are redis-sentinel 7.0's.
 */
#ifndef VIGIL_SENTINEL_COMMANDS_H
#define VIGIL_SENTINEL_COMMANDS_H

#include "client.h"

/* Runs one request; the reply is appended to c->out. */
void commands_exec(struct client *c, int argc, struct resp_arg *argv);

#endif
