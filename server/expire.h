/* expire — the active expire cycle, which finds and deletes keys past
 * their TTL that nobody touches (lazy expiry handles the touched ones),
 * on their own. */
#ifndef VIGIL_EXPIRE_H
#define VIGIL_EXPIRE_H

enum expire_cycle_type { EXPIRE_CYCLE_SLOW, EXPIRE_CYCLE_FAST };

void expire_active_cycle(enum expire_cycle_type type);

#endif
