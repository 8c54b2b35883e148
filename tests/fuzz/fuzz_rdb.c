/* libFuzzer target for the RDB reader: each input is tried as a whole RDB
 * file and, from its second byte on, as a single value of the type its
 * first byte names (what RESTORE hands the reader).  Anything may be
 * refused; nothing may crash, leak or read out of bounds.  Built by
 * tests/fuzz/build.sh with clang's -fsanitize=fuzzer,address,undefined. */
#include "config.h"
#include "db.h"
#include "log.h"
#include "rdb.h"
#include "server.h"
#include "t_hash.h"
#include "t_list.h"
#include "t_set.h"
#include "t_zset.h"

#include <stddef.h>
#include <stdint.h>

static void init_once(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    config_init_defaults();
    log_set_level(LOG_NOTHING);
    obj_init_shared();
    hash_init();
    zset_init();
    list_init();
    set_init();
    db_init_all();
    server_update_cached_time();
    cfg.hash_max_listpack_entries = 8;
    cfg.zset_max_listpack_entries = 8;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_once();
    struct rdb_in in;
    struct rdb_in_buffer src;
    struct rdb_load_stats st;
    rdb_in_init_buffer(&in, &src, data, size);
    in.checksum = 0;
    rdb_read_dataset(&in, 1, &st);
    db_empty(-1, 0);
    if (size > 1 && rdb_is_value_type(data[0])) {
        rdb_in_init_buffer(&in, &src, data + 1, size - 1);
        vobj *o = rdb_read_value(&in, data[0]);
        if (o)
            obj_decr_ref(o);
    }
    return 0;
}
