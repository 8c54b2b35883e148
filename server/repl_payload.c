/* repl_payload — full-sync images; see repl_payload.h.
 *
 * Until the RDB codec lands (branch rdb), only an empty data set can be
 * shipped: the image is a bare RDB 10 file (magic, EOF opcode, CRC-64)
 * and a primary holding keys refuses the full sync rather than send a
 * wrong image.  The load side accepts that bare image.
 */
#include "repl_payload.h"

#include "crc64.h"
#include "db.h"
#include "log.h"
#include "mem.h"

#include <string.h>

#define RDB_MAGIC "REDIS0010"
#define RDB_EOF 0xff

struct repl_payload *repl_payload_build(void)
{
    if (db_total_keys() > 0) {
        log_warning("Full sync of a non-empty data set needs the RDB codec");
        return NULL;
    }
    vstr data = vstr_new(RDB_MAGIC, 9);
    unsigned char eof = RDB_EOF;
    data = vstr_cat(data, &eof, 1);
    uint64_t crc = crc64(0, data, vstr_len(data));
    unsigned char trailer[8];
    for (int i = 0; i < 8; i++)
        trailer[i] = (unsigned char)(crc >> (8 * i));
    data = vstr_cat(data, trailer, 8);
    struct repl_payload *p = mem_malloc(sizeof *p);
    p->data = data;
    p->refs = 1;
    return p;
}

void repl_payload_retain(struct repl_payload *p)
{
    p->refs++;
}

void repl_payload_release(struct repl_payload *p)
{
    if (!p || --p->refs > 0)
        return;
    vstr_free(p->data);
    mem_free(p);
}

int repl_payload_load(const char *p, size_t len)
{
    db_empty(-1, 0);
    if (len != 18 || memcmp(p, RDB_MAGIC, 9) != 0 || (unsigned char)p[9] != RDB_EOF) {
        log_warning("Failed trying to load the MASTER synchronization DB from memory: only "
                    "empty data sets are supported without the RDB codec");
        return -1;
    }
    return 0;
}
