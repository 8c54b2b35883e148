/* dump — DUMP and RESTORE: one value as an RDB payload.
 *
 * A payload is the value's RDB type byte and body (rdb.h), then the RDB
 * version as 2 bytes little-endian and a CRC-64 of everything before it as
 * 8 bytes little-endian — byte for byte what redis-server 7.0 produces and
 * accepts, so values move between the two in both directions.
 */
#ifndef VIGIL_DUMP_H
#define VIGIL_DUMP_H

#include "commands.h"
#include "object.h"
#include "vstr.h"

extern struct command dump_commands[];

/* The payload of o as a new vstr. */
vstr dump_payload(const vobj *o);
/* 0 when the footer's version is one we read and the CRC matches. */
int dump_verify(const char *p, size_t len);
/* The value a verified payload holds, or NULL when it is malformed (or
 * an empty collection).  deep: count each blob it holds in INFO's
 * dump_payload_sanitizations. */
vobj *dump_load(const char *p, size_t len, int deep);

#endif
