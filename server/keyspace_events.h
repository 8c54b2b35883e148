/* keyspace_events — the classes of keyspace notifications.
 *
 * `notify-keyspace-events` holds a set of single-letter classes; this module
 * turns that string into a bit mask and back.  The server's notification
 * code tests the mask before publishing anything, and CONFIG GET shows the
 * normalised string produced by keyspace_events_render().
 */
#ifndef VIGIL_KEYSPACE_EVENTS_H
#define VIGIL_KEYSPACE_EVENTS_H

#include "vstr.h"

#define NOTIFY_KEYSPACE (1 << 0) /* K */
#define NOTIFY_KEYEVENT (1 << 1) /* E */
#define NOTIFY_GENERIC (1 << 2)  /* g */
#define NOTIFY_STRING (1 << 3)   /* $ */
#define NOTIFY_LIST (1 << 4)     /* l */
#define NOTIFY_SET (1 << 5)      /* s */
#define NOTIFY_HASH (1 << 6)     /* h */
#define NOTIFY_ZSET (1 << 7)     /* z */
#define NOTIFY_EXPIRED (1 << 8)  /* x */
#define NOTIFY_EVICTED (1 << 9)  /* e */
#define NOTIFY_STREAM (1 << 10)  /* t */
#define NOTIFY_KEY_MISS (1 << 11) /* m: not part of A */
#define NOTIFY_MODULE (1 << 12)  /* d */
#define NOTIFY_NEW (1 << 13)     /* n: not part of A */
/* What the letter A stands for: "g$lshzxetd". */
#define NOTIFY_ALL                                                                         \
    (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | \
     NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE)

/* Returns the mask for a class string, or -1 if it holds an unknown letter. */
int keyspace_events_parse(const char *s);
/* The normalised string for a mask, as CONFIG GET shows it. */
vstr keyspace_events_render(int flags);

#endif
