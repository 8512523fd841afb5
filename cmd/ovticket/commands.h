/*
 * The subcommands of ovticket and the helpers they share.  Each subcommand
 * is called as fn(argc, argv) with argv[0] the command's name and getopt
 * reset, parses its own options (including --db), and returns the exit
 * status.  main.c lists them in its command table.
 */
#ifndef OVTICKET_COMMANDS_H
#define OVTICKET_COMMANDS_H

#include <stdint.h>

#include "store.h"

int tk_cmd_ingest(int argc, char **argv);
int tk_cmd_open(int argc, char **argv);
/* ack, note, reply, workaround, resolve, close, reopen, pending, resume,
 * severity, assign and worklog: the action is argv[0]. */
int tk_cmd_action(int argc, char **argv);
int tk_cmd_list(int argc, char **argv);
int tk_cmd_show(int argc, char **argv);
int tk_cmd_export(int argc, char **argv);
int tk_cmd_import(int argc, char **argv);

/* Long option of every subcommand: --db FILE. */
#define TK_OPT_DB 1200
#define TK_DB_LONGOPT { "db", required_argument, NULL, TK_OPT_DB }

/* The login name of the user, for --by's default: getlogin(), else the
 * name of the effective user id, else "unknown". */
const char *tk_login_name(void);

/* Writes one recorded event to standard output as a ticket record. */
void tk_print_event(const struct tk_event *ev);

/* Parses a ticket number operand ("42") or exits with a usage error. */
int64_t tk_parse_ticket(const char *arg);

#endif
