/* ttl — the commands that set, read and remove a key's time to live:
 * EXPIRE PEXPIRE EXPIREAT PEXPIREAT (with NX XX GT LT), TTL PTTL EXPIRETIME
 * PEXPIRETIME and PERSIST.  Keys past their TTL are removed by db.c (on
 * access) and expire.c (in the background). */
#ifndef VIGIL_TTL_H
#define VIGIL_TTL_H

#include "commands.h"

extern struct command ttl_commands[];

#endif
