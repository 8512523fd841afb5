/*
 * The channels of ovticket: mail in, notifications out, the customers' web
 * portal, and the prompts of the telephone path.  Each tk_cmd_* function is
 * a subcommand: it takes the subcommand's own argv (argv[0] is its name)
 * and returns the exit status.
 */
#ifndef OVTICKET_CHANNELS_H
#define OVTICKET_CHANNELS_H

#include <stdbool.h>
#include <stddef.h>

/* ovticket mail: one message on standard input; exits with sysexits(3)
 * codes for a mail server's pipe delivery (see ovticket(1)). */
int tk_cmd_mail(int argc, char **argv);

/* ovticket notify: alerts the experts by e-mail and webhook. */
int tk_cmd_notify(int argc, char **argv);

/* ovticket portal: writes the static web portal. */
int tk_cmd_portal(int argc, char **argv);

/* Fields of a new ticket that an engineer may be asked for at a terminal.
 * Each points to a caller's string or NULL when not given; the prompts fill
 * the NULL ones with strings that stay valid until the program exits. */
struct tk_open_fields {
	const char *customer;
	const char *severity;
	const char *summary;
};

/*
 * Asks on the terminal for the missing fields of `ovticket open`: the
 * customer (listing the known ones, from $OV_CUSTOMERS and the store), the
 * severity and the summary.  Call it only when standard input is a
 * terminal.  Returns 0, or -1 when the input ended before every field was
 * given.
 */
int tk_prompt_open(struct tk_open_fields *f);

#endif
