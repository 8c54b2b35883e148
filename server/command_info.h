/* command_info — the COMMAND command (COUNT, INFO, DOCS, LIST, GETKEYS,
 * GETKEYSANDFLAGS, HELP) and the command metadata it reports: ACL
 * categories, key specs and documentation arguments.
 *
 * Family tables describe that metadata with short strings in struct
 * command (commands.h), parsed here when COMMAND asks for them:
 *
 *   key_specs  specs separated by ';', each "FLAGS|BEGIN|FIND[|NOTES]":
 *              FLAGS  key-spec flag words as COMMAND INFO prints them
 *                     ("RW access update")
 *              BEGIN  "index POS" | "keyword WORD STARTFROM" | "unknown"
 *              FIND   "range LASTKEY STEP LIMIT" | "keynum IDX FIRSTKEY STEP"
 *                     | "unknown"
 *              Without key_specs a command with first_key > 0 gets one spec
 *              derived from first_key/last_key/key_step, flagged "RO access"
 *              when readonly and "RW access update" otherwise.
 *   args       space-separated arguments, each
 *                [?*+]name:type[#KEYSPEC][=TOKEN][@SINCE][(children)]
 *              '?' optional, '*' multiple, '+' multiple_token; type is the
 *              COMMAND DOCS name (key, string, integer, double, pattern,
 *              unix-time, pure-token, oneof, block); children follow for
 *              oneof and block.  Example: "key:key#0 ?count:integer".
 *              Without args, a command whose every argument is a key gets
 *              that key argument derived.
 *   history    one "VERSION text" per line.
 *   tips, doc_flags  space-separated words.
 */
#ifndef VIGIL_COMMAND_INFO_H
#define VIGIL_COMMAND_INFO_H

#include "commands.h"

/* Fills acl_bits of every command (flag-implied categories plus its .acl
 * words) and marks commands with keyword/keynum key specs movablekeys. */
void command_info_init(void);

/* A key found in a command line: its argv index and the flags of the key
 * spec that found it (a slice of the key_specs string, or a constant). */
struct command_key {
    int pos;
    const char *flags;
    size_t flags_len;
};

/* Finds the keys of argv (argv[0] the command name) by cmd's key specs.
 * keys must have room for argc entries.  Returns the count, or -1 when a
 * spec cannot be applied to these arguments (bad numkeys, out of range). */
int command_info_get_keys(const struct command *cmd, int argc, const struct resp_arg *argv,
                          struct command_key *keys);

/* The ACL category bit of "@name" or "name" (case-insensitive), or 0. */
uint64_t command_info_acl_category(const char *name, size_t len);

extern struct command command_info_commands[];

#endif
