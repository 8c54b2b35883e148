/* keyspace_events — class letters of notify-keyspace-events; see keyspace_events.h. */
#include "keyspace_events.h"

#include <stddef.h>

struct event_class {
    char letter;
    int flag;
};

/* The order here is the order of the rendered string. */
static const struct event_class type_classes[] = {
    {'g', NOTIFY_GENERIC}, {'$', NOTIFY_STRING}, {'l', NOTIFY_LIST},  {'s', NOTIFY_SET},
    {'h', NOTIFY_HASH},    {'z', NOTIFY_ZSET},   {'x', NOTIFY_EXPIRED}, {'e', NOTIFY_EVICTED},
    {'t', NOTIFY_STREAM},  {'d', NOTIFY_MODULE}, {'n', NOTIFY_NEW},
};

static const struct event_class target_classes[] = {
    {'K', NOTIFY_KEYSPACE},
    {'E', NOTIFY_KEYEVENT},
    {'m', NOTIFY_KEY_MISS},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int flag_for_letter(char c)
{
    if (c == 'A')
        return NOTIFY_ALL;
    for (size_t i = 0; i < COUNT(type_classes); i++)
        if (type_classes[i].letter == c)
            return type_classes[i].flag;
    for (size_t i = 0; i < COUNT(target_classes); i++)
        if (target_classes[i].letter == c)
            return target_classes[i].flag;
    return -1;
}

int keyspace_events_parse(const char *s)
{
    int flags = 0;
    for (; *s; s++) {
        int f = flag_for_letter(*s);
        if (f < 0)
            return -1;
        flags |= f;
    }
    return flags;
}

/* Redis 7.0 prints "A" when every class of A is present and then skips
 * the per-type letters entirely, 'n' included; we print the same so that
 * CONFIG GET answers match byte for byte. */
vstr keyspace_events_render(int flags)
{
    vstr s = vstr_empty();
    if ((flags & NOTIFY_ALL) == NOTIFY_ALL) {
        s = vstr_cat(s, "A", 1);
    } else {
        for (size_t i = 0; i < COUNT(type_classes); i++)
            if (flags & type_classes[i].flag)
                s = vstr_cat(s, &type_classes[i].letter, 1);
    }
    for (size_t i = 0; i < COUNT(target_classes); i++)
        if (flags & target_classes[i].flag)
            s = vstr_cat(s, &target_classes[i].letter, 1);
    return s;
}
