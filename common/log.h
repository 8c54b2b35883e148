/* log — Redis-style log lines.
 *
 *   pid:R 22 Nov 2026 01:07:21.123 * message
 *
 * R is the role letter (M primary, S replica, X sentinel, C forked child),
 * the mark after the time the level: . debug, - verbose, * notice, # warning.
 * Output goes to the file named by `logfile`, or stdout when it is empty.
 */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

enum log_level { LOG_DEBUG, LOG_VERBOSE, LOG_NOTICE, LOG_WARNING, LOG_NOTHING };

/* Returns -1 if the file cannot be opened (the previous target stays). */
int log_set_file(const char *path);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_set_role(char role);
/* Parses "debug", "verbose", "notice", "warning", "nothing"; -1 if unknown. */
int log_level_from_name(const char *name);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_verbose(...) log_msg(LOG_VERBOSE, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)

#endif
