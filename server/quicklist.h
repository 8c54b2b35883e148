/* quicklist — the list type's encoding: a doubly linked list of listpack nodes.
 *
 * Semantics follow Redis 7.0:
 *  - fill (list-max-listpack-size): a positive value caps the entries per
 *    node (and a node also stays within 8 KB); -1..-5 cap node bytes at
 *    4, 8, 16, 32 or 64 KB.  Values are clamped to [-5, 32768].
 *  - compress (list-compress-depth): that many nodes at each end stay raw;
 *    interior nodes are LZF-compressed when that saves at least 8 bytes
 *    (nodes under 48 bytes are never tried).  0 disables compression.
 *  - An element too big for any node gets a node of its own.  Redis 7.0
 *    turns elements of 1 GB and more into "plain" nodes; ours are always
 *    listpacks, since elements stay far below that (proto-max-bulk-len).
 *
 * Elements must stay under 1 GB (listpack's safety limit).
 *
 * Element values handed out (entries, iterators) point into node memory and
 * stay valid until the next call on the same quicklist.  At most one
 * iterator should be live per quicklist while it is being modified.
 */
#ifndef VIGIL_QUICKLIST_H
#define VIGIL_QUICKLIST_H

#include "vstr.h"

#include <stddef.h>
#include <stdint.h>

#define QUICKLIST_HEAD 0
#define QUICKLIST_TAIL 1

typedef struct quicklist quicklist;
typedef struct quicklist_node quicklist_node;
typedef struct quicklist_iter quicklist_iter;

/* One element.  value is NULL for integers (then ival holds the value). */
typedef struct quicklist_entry {
    quicklist_node *node;
    unsigned char *lp_pos; /* the entry inside the node's listpack */
    long offset;           /* its index within the node */
    unsigned char *value;
    size_t len;
    int64_t ival;
} quicklist_entry;

quicklist *quicklist_new(int fill, int compress);
void quicklist_free(quicklist *ql);
/* A deep copy (COPY, RESTORE of a duplicate). */
quicklist *quicklist_dup(quicklist *ql);
/* Takes effect for later writes; existing nodes are not reshaped. */
void quicklist_set_options(quicklist *ql, int fill, int compress);
unsigned long quicklist_count(const quicklist *ql);
unsigned long quicklist_node_count(const quicklist *ql);
/* Bytes of memory held, nodes and headers included (walks the nodes). */
size_t quicklist_mem_usage(const quicklist *ql);

void quicklist_push_head(quicklist *ql, const void *s, size_t len);
void quicklist_push_tail(quicklist *ql, const void *s, size_t len);
void quicklist_push(quicklist *ql, int where, const void *s, size_t len);
/* Removes the head or tail element: a string comes back as a new vstr in
 * *sval, an integer as *sval = NULL and *ival.  -1 when the list is empty. */
int quicklist_pop(quicklist *ql, int where, vstr *sval, int64_t *ival);

/* Element at idx (negative from the tail): 0 and *e filled, or -1. */
int quicklist_index(quicklist *ql, long idx, quicklist_entry *e);
/* Replaces the element at idx: 0, or -1 when out of range. */
int quicklist_replace_at_index(quicklist *ql, long idx, const void *s, size_t len);
/* Deletes up to count elements from start (negative from the tail);
 * returns how many were deleted. */
unsigned long quicklist_delete_range(quicklist *ql, long start, unsigned long count);
/* 1 when e's value equals s (integers compare by value), else 0. */
int quicklist_entry_equals(const quicklist_entry *e, const void *s, size_t len);

/* Iteration from the head (QUICKLIST_HEAD, moving forward) or the tail. */
quicklist_iter *quicklist_iter_new(quicklist *ql, int direction);
/* Starts at element idx (negative from the tail); NULL when out of range. */
quicklist_iter *quicklist_iter_at_index(quicklist *ql, int direction, long idx);
/* 1 and *e filled with the next element, 0 at the end. */
int quicklist_iter_next(quicklist_iter *it, quicklist_entry *e);
/* Deletes e, the element last returned by it; iteration continues with the
 * element that came after it in the iterator's direction. */
void quicklist_delete_entry(quicklist_iter *it, quicklist_entry *e);
/* Insert next to e, the element last returned by it.  The iterator is spent
 * afterwards: it may only be freed. */
void quicklist_insert_before(quicklist_iter *it, quicklist_entry *e, const void *s, size_t len);
void quicklist_insert_after(quicklist_iter *it, quicklist_entry *e, const void *s, size_t len);
void quicklist_iter_free(quicklist_iter *it);

/* Node walk for RDB save, head to tail. */
const quicklist_node *quicklist_first_node(const quicklist *ql);
const quicklist_node *quicklist_next_node(const quicklist_node *node);
unsigned long quicklist_node_entries(const quicklist_node *node);
/* The node's listpack, uncompressed: a raw node's own bytes, or a compressed
 * node decompressed into *scratch (grown as needed; the caller frees it with
 * mem_free once done with all nodes).  NULL if the node cannot be decoded. */
const unsigned char *quicklist_node_listpack(const quicklist_node *node, size_t *len,
                                             unsigned char **scratch);
/* For compressed nodes, the LZF bytes and the listpack size they expand to,
 * so RDB can store them without recompressing: 0, or -1 for a raw node. */
int quicklist_node_lzf(const quicklist_node *node, const unsigned char **lzf, size_t *lzf_len,
                       size_t *raw_len);
/* Adopts lp (which must be valid) as a new tail node (RDB load); an empty
 * listpack is freed and ignored. */
void quicklist_append_listpack(quicklist *ql, unsigned char *lp);

#endif
