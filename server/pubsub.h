/* pubsub — channels and patterns: SUBSCRIBE, PSUBSCRIBE, PUBLISH, PUBSUB. */
#ifndef VIGIL_PUBSUB_H
#define VIGIL_PUBSUB_H

#include <stddef.h>

/* Delivers msg to every subscriber of channel (and matching pattern);
 * returns the number of receivers. */
long long pubsub_publish(const char *channel, size_t chlen, const char *msg, size_t msglen);

#endif
