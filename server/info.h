/* info — the INFO command: the server's state and statistics in Redis
 * 7.0's sections, field names and order (clients and tools parse them),
 * with Vigil's own values.  Also what CONFIG RESETSTAT resets. */
#ifndef VIGIL_INFO_H
#define VIGIL_INFO_H

#include "commands.h"
#include "resp.h"
#include "vstr.h"

/* Records the startup memory baseline and starts sampling the
 * instantaneous rates; call once the loop exists. */
void info_init(void);
/* Appends the named sections ("default" when nsections is 0) to s. */
vstr info_generate(vstr s, int nsections, const struct resp_arg *sections);
/* CONFIG RESETSTAT: zeroes the statistics Redis zeroes (command, error,
 * keyspace and network counters, latency histograms, peak memory). */
void info_reset_stats(void);

extern struct command info_commands[];

#endif
