/* keyspace_events — the classes of keyspace notifications.
 *
 * `notify-keyspace-events` holds a set of single-letter classes; this module
 * turns that string into a bit mask and back.  The server's notification
 * code tests the mask before publishing anything, and CONFIG GET shows the
 * normalised string produced by keyspace_events_render().
 */
#ifndef VIGIL_KEYSPACE_EVENTS_H
#define VIGIL_KEYSPACE_EVENTS_H

#include "notify.h"
#include "vstr.h"

/* Returns the mask for a class string, or -1 if it holds an unknown letter. */
int keyspace_events_parse(const char *s);
/* The normalised string for a mask, as CONFIG GET shows it. */
vstr keyspace_events_render(int flags);

#endif
