/* debug_digest — DEBUG DIGEST and DEBUG DIGEST-VALUE: SHA1-based digests
 * of the whole data set or of single values, computed exactly as Redis
 * 7.0 computes them, so two servers (vigil or redis-server) holding the
 * same data answer the same 40 hex characters whatever their encodings.
 */
#ifndef VIGIL_DEBUG_DIGEST_H
#define VIGIL_DEBUG_DIGEST_H

struct client;

void debug_digest(struct client *c);
void debug_digest_value(struct client *c);

#endif
