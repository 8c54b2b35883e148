/* notify — keyspace and keyevent notifications.
 *
 * Commands report what they did to a key; if `notify-keyspace-events`
 * enables that class, a message is published on
 * __keyspace@<db>__:<key> (payload: the event) and/or
 * __keyevent@<db>__:<event> (payload: the key), as Redis does.
 *
 * The K and E bits choose the channels; the other bits are classes of
 * events.  "new" (n) and "keymiss" (m) are not part of A, as in Redis.
 */
#ifndef VIGIL_NOTIFY_H
#define VIGIL_NOTIFY_H

#include "vstr.h"

#include <stddef.h>

/* Event classes: the letters of notify-keyspace-events. */
#define NOTIFY_KEYSPACE (1 << 0)  /* K */
#define NOTIFY_KEYEVENT (1 << 1)  /* E */
#define NOTIFY_GENERIC (1 << 2)   /* g */
#define NOTIFY_STRING (1 << 3)    /* $ */
#define NOTIFY_LIST (1 << 4)      /* l */
#define NOTIFY_SET (1 << 5)       /* s */
#define NOTIFY_HASH (1 << 6)      /* h */
#define NOTIFY_ZSET (1 << 7)      /* z */
#define NOTIFY_EXPIRED (1 << 8)   /* x */
#define NOTIFY_EVICTED (1 << 9)   /* e */
#define NOTIFY_STREAM (1 << 10)   /* t */
#define NOTIFY_KEY_MISS (1 << 11) /* m */
#define NOTIFY_LOADED (1 << 12)
#define NOTIFY_MODULE (1 << 13) /* d */
#define NOTIFY_NEW (1 << 14)    /* n */
#define NOTIFY_ALL                                                                                 \
    (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET |       \
     NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE) /* A */

/* Publishes event for key in db dbid if cfg.notify_keyspace_events enables
 * its class (type: one NOTIFY_* class bit). */
void notify_keyspace_event(int type, const char *event, const char *key, size_t keylen, int dbid);

/* The notify-keyspace-events string as bits ("KEA" -> K|E|A), -1 if it
 * holds a character that is not a class. */
int notify_flags_parse(const char *classes);
/* The canonical string for flags, as CONFIG GET shows it ("AKE"); the
 * caller frees it with vstr_free. */
vstr notify_flags_render(int flags);

#endif
