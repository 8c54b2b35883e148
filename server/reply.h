/* reply — writing RESP replies into a client's output buffers.
 *
 * Handlers call these and never touch sockets: the bytes are queued and
 * written out before the loop sleeps.  Error replies also feed the error
 * statistics (INFO errorstats) by their first word.
 */
#ifndef VIGIL_REPLY_H
#define VIGIL_REPLY_H

#include <stddef.h>

struct client;
struct vobj;

void reply_raw(struct client *c, const char *p, size_t len);
void reply_ok(struct client *c);
void reply_status(struct client *c, const char *status);
/* msg without a leading '-' gets the "ERR " code. */
void reply_error(struct client *c, const char *msg);
void reply_error_fmt(struct client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void reply_null(struct client *c);       /* RESP2 $-1 */
void reply_null_array(struct client *c); /* RESP2 *-1 */
void reply_ll(struct client *c, long long v);
void reply_bulk(struct client *c, const char *p, size_t len);
void reply_bulk_cstr(struct client *c, const char *s);
void reply_bulk_ll(struct client *c, long long v);
void reply_bulk_double(struct client *c, double d);
void reply_bulk_obj(struct client *c, const struct vobj *o);
void reply_double(struct client *c, double d);
void reply_array_len(struct client *c, long len);
/* Maps are flat arrays of key, value in RESP2. */
void reply_map_len(struct client *c, long pairs);
void reply_set_len(struct client *c, long len);
/* Multiline text: a bulk string in RESP2 (INFO, CLIENT LIST). */
void reply_verbatim(struct client *c, const char *p, size_t len);

/* Lengths not known in advance: reserve, then fill in. */
void *reply_deferred_len(struct client *c);
void reply_set_deferred_array_len(struct client *c, void *slot, long len);
void reply_set_deferred_map_len(struct client *c, void *slot, long pairs);

/* HELP output: "<COMMAND> <subcommand> [<arg> ...]. Subcommands are:" + lines. */
void reply_help(struct client *c, const char *const *lines);
void reply_subcommand_syntax_error(struct client *c);

/* Redis's standard error replies. */
void reply_error_wrongtype(struct client *c);
void reply_error_syntax(struct client *c);
void reply_error_not_integer(struct client *c);
void reply_error_not_float(struct client *c);
void reply_error_arity(struct client *c);
void reply_error_out_of_range(struct client *c);
void reply_error_no_such_key(struct client *c);

/* Bytes waiting to be written for this client. */
size_t reply_pending_bytes(const struct client *c);
int reply_has_pending(const struct client *c);

#endif
