/* keyspace — generic key commands: DEL, EXISTS, TYPE, KEYS, SCAN, RENAME,
 * COPY, OBJECT, DBSIZE, FLUSHDB, ... */
#ifndef VIGIL_KEYSPACE_H
#define VIGIL_KEYSPACE_H

#include "commands.h"

extern struct command keyspace_commands[];

#endif
