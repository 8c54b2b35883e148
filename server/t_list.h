/* t_list — the list type and the L* / BL* commands.
 *
 * Every list is a quicklist (OBJECT ENCODING "quicklist", as in Redis
 * 7.0.15): a chain of listpack nodes shaped by list-max-listpack-size and
 * list-compress-depth, read from the configuration when the list is
 * created.  An emptied list is deleted.  The blocking variants park the
 * client through blocking.h and are served from a key made ready by a
 * later push.
 *
 * Besides the command table, this header is what persistence uses to build
 * lists (RDB loading) without knowing the quicklist options.
 */
#ifndef VIGIL_T_LIST_H
#define VIGIL_T_LIST_H

#include "commands.h"
#include "object.h"
#include "quicklist.h"

#include <stddef.h>

#define LIST_HEAD QUICKLIST_HEAD
#define LIST_TAIL QUICKLIST_TAIL

extern struct command list_commands[];

/* Registers the list type's free/dup/mem_usage/length with object.c. */
void list_init(void);

/* An empty list (refcount 1) with the configured node size and compression. */
vobj *list_type_create(void);
size_t list_type_length(const vobj *o);
void list_type_push(vobj *o, int where, const char *s, size_t len);
/* Removes the head or tail element into a new vstr; NULL if empty. */
vstr list_type_pop(vobj *o, int where);

#endif
