/* latency — two views of how long things take:
 *   the latency monitor (LATENCY LATEST/HISTORY/RESET/DOCTOR): for each
 *   event class ("command", "fast-command", ...) a time series of the
 *   spikes at or above latency-monitor-threshold milliseconds;
 *   latency tracking (INFO latencystats, LATENCY HISTOGRAM): a histogram
 *   of every command's execution time.
 * commands_call() reports each executed command here.
 */
#ifndef VIGIL_LATENCY_H
#define VIGIL_LATENCY_H

#include "commands.h"

/* Records a sample of event when the monitor is on and ms reaches its
 * threshold (other modules use it for "fork", "expire-cycle", ...). */
void latency_add_sample_if_needed(const char *event, long long ms);
/* Feeds cmd's histogram and the "command"/"fast-command" events. */
void latency_observe_command(struct command *cmd, long long duration_us);
/* The duration in microseconds under which p percent (0 < p <= 100) of
 * cmd's calls completed, or -1 if it has no samples. */
double latency_percentile(const struct command *cmd, double p);
/* Drops cmd's histogram (CONFIG RESETSTAT). */
void latency_reset_command(struct command *cmd);

extern struct command latency_commands[];

#endif
