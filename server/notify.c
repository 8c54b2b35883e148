/* notify — keyspace notifications and the notify-keyspace-events flag
 * string; see notify.h. */
#include "notify.h"

#include "config.h"
#include "pubsub.h"

#include <string.h>

/* The event classes in the order CONFIG GET lists them. */
static const struct {
    char letter;
    int bit;
} event_classes[] = {
    {'g', NOTIFY_GENERIC}, {'$', NOTIFY_STRING}, {'l', NOTIFY_LIST},    {'s', NOTIFY_SET},
    {'h', NOTIFY_HASH},    {'z', NOTIFY_ZSET},   {'x', NOTIFY_EXPIRED}, {'e', NOTIFY_EVICTED},
    {'t', NOTIFY_STREAM},  {'d', NOTIFY_MODULE}, {'n', NOTIFY_NEW},
};

/* The selectors and key-miss, which always follow the classes. */
static const struct {
    char letter;
    int bit;
} trailing_flags[] = {
    {'K', NOTIFY_KEYSPACE},
    {'E', NOTIFY_KEYEVENT},
    {'m', NOTIFY_KEY_MISS},
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static int letter_bit(char ch)
{
    if (ch == 'A')
        return NOTIFY_ALL;
    for (size_t i = 0; i < COUNT_OF(event_classes); i++)
        if (event_classes[i].letter == ch)
            return event_classes[i].bit;
    for (size_t i = 0; i < COUNT_OF(trailing_flags); i++)
        if (trailing_flags[i].letter == ch)
            return trailing_flags[i].bit;
    return 0;
}

int notify_flags_parse(const char *classes)
{
    int flags = 0;
    for (const char *p = classes; *p; p++) {
        int bit = letter_bit(*p);
        if (bit == 0)
            return -1;
        flags |= bit;
    }
    return flags;
}

/* "A" stands for the whole set of A's classes; "n" is not one of them and
 * is then not shown, as redis-server renders it. */
vstr notify_flags_render(int flags)
{
    vstr s = vstr_empty();
    if ((flags & NOTIFY_ALL) == NOTIFY_ALL) {
        s = vstr_cat(s, "A", 1);
    } else {
        for (size_t i = 0; i < COUNT_OF(event_classes); i++)
            if (flags & event_classes[i].bit)
                s = vstr_cat(s, &event_classes[i].letter, 1);
    }
    for (size_t i = 0; i < COUNT_OF(trailing_flags); i++)
        if (flags & trailing_flags[i].bit)
            s = vstr_cat(s, &trailing_flags[i].letter, 1);
    return s;
}

/* One buffer reused for every channel name: notifications fire on every
 * write, so building the name must not allocate each time.  A buffer
 * grown by a huge key is released rather than kept. */
static vstr channel_buf;
#define CHANNEL_BUF_KEEP (64 * 1024)

static void publish_on(const char *prefix, int dbid, const char *suffix, size_t suffixlen,
                       const char *payload, size_t payloadlen)
{
    if (!channel_buf)
        channel_buf = vstr_empty();
    vstr_clear(channel_buf);
    channel_buf = vstr_catfmt(channel_buf, "%s@%d__:", prefix, dbid);
    channel_buf = vstr_cat(channel_buf, suffix, suffixlen);
    pubsub_publish(channel_buf, vstr_len(channel_buf), payload, payloadlen);
    if (vstr_alloc_size(channel_buf) > CHANNEL_BUF_KEEP) {
        vstr_free(channel_buf);
        channel_buf = NULL;
    }
}

void notify_keyspace_event(int type, const char *event, const char *key, size_t keylen, int dbid)
{
    int flags = cfg.notify_keyspace_events;
    if (!(flags & type))
        return;
    size_t evlen = strlen(event);
    if (flags & NOTIFY_KEYSPACE)
        publish_on("__keyspace", dbid, key, keylen, event, evlen);
    if (flags & NOTIFY_KEYEVENT)
        publish_on("__keyevent", dbid, event, evlen, key, keylen);
}
