/* notify — keyspace notifications; see notify.h. */
#include "notify.h"

#include "config.h"
#include "pubsub.h"
#include "vstr.h"

#include <string.h>

void notify_keyspace_event(int type, const char *event, const char *key, size_t keylen, int dbid)
{
    int flags = cfg.notify_keyspace_events;
    if (!(flags & type))
        return;
    size_t evlen = strlen(event);
    if (flags & NOTIFY_KEYSPACE) {
        vstr chan = vstr_catfmt(vstr_empty(), "__keyspace@%d__:", dbid);
        chan = vstr_cat(chan, key, keylen);
        pubsub_publish(chan, vstr_len(chan), event, evlen);
        vstr_free(chan);
    }
    if (flags & NOTIFY_KEYEVENT) {
        vstr chan = vstr_catfmt(vstr_empty(), "__keyevent@%d__:", dbid);
        chan = vstr_cat(chan, event, evlen);
        pubsub_publish(chan, vstr_len(chan), key, keylen);
        vstr_free(chan);
    }
}
