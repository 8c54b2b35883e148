/* config_file — the redis.conf format, independent of any daemon.
 *
 * A configuration is a sequence of directives, one a line: a name and its
 * arguments, split with the quoting rules of redis.conf (double quotes with
 * C-like escapes, single quotes with only \').  This module reads files
 * (following `include`), strings and command lines, and hands each
 * directive to a callback; the daemon (server or sentinel) owns the table
 * of directives and decides what they mean.  Errors carry the file, line
 * and raw text so the daemon can print the fatal message operators expect.
 */
#ifndef VIGIL_CONFIG_FILE_H
#define VIGIL_CONFIG_FILE_H

#include <stddef.h>

#include "vstr.h"

/* Where loading stopped.  file is NULL for text that came from the command
 * line; line is 0 when the failure is not tied to a line (unreadable file). */
struct cfgfile_error {
    vstr file;
    int line;
    vstr raw;
    vstr msg;
};

/* Called once per directive, argv[0] lower-cased.  On rejection return -1
 * and set *msg to a new vstr saying why. */
typedef int (*cfgfile_directive_fn)(void *ctx, const char *file, int line, int argc, vstr *argv,
                                    vstr *msg);

/* Reads path ("-" = stdin), following includes.  0 or -1 with *err set. */
int cfgfile_load_file(const char *path, cfgfile_directive_fn fn, void *ctx,
                      struct cfgfile_error *err);
/* Same for text already in memory; name labels errors (NULL: command line). */
int cfgfile_load_string(const char *name, const char *text, size_t len, cfgfile_directive_fn fn,
                        void *ctx, struct cfgfile_error *err);

/* Given the arguments after the program name, returns the config file
 * argument (or NULL) and sets *first_option to the index of what follows. */
const char *cfgfile_cmdline_file(int argc, char **argv, int *first_option);
/* Turns `--name value ...` options into directive text, one per line, as
 * redis-server does.  Sets *read_stdin when a lone "-" asks for stdin. */
vstr cfgfile_cmdline_to_text(int argc, char **argv, int *read_stdin);

/* The operator-facing report: the 4-line fatal block for errors tied to a
 * line, or just the message otherwise.  product is e.g. "Vigil 1.0.0". */
vstr cfgfile_error_format(const struct cfgfile_error *err, const char *product);
void cfgfile_error_clear(struct cfgfile_error *err);

#endif
