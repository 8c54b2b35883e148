/* pubsub — transitional: delivery arrives with the pub/sub module. */
#include "pubsub.h"

long long pubsub_publish(const char *channel, size_t chlen, const char *msg, size_t msglen)
{
    (void)channel;
    (void)chlen;
    (void)msg;
    (void)msglen;
    return 0;
}
