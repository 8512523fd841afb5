/*
 * Fuzz target: ovticket's decoding of a received e-mail message with GMime
 * (mail_message_parse()), which runs before any database work.  The
 * name, subject, message id and text it returns must be valid UTF-8, and
 * the sender, name, subject and message id one line each.
 *
 * fuzz-sources: cmd/ovticket/mailmsg.c
 * fuzz-pkgs: gmime-3.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "../../cmd/ovticket/mailmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const char *s, bool one_line)
{
	if (s == NULL || !g_utf8_validate(s, -1, NULL))
		abort();
	if (one_line && strpbrk(s, "\r\n") != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct mail_message m;
	char err[256];

	if (!ready) {
		mail_gmime_init();
		ready = true;
	}
	if (mail_message_parse((const char *)data, size, &m, err,
	    sizeof err) != 0) {
		if (err[0] == '\0')
			abort();	/* every failure says why */
		/* As in mail.c, a failed parse may leave fields to free. */
		mail_message_free(&m);
		return 0;
	}
	/* NOTE: from_addr is checked for one line only.  mailmsg.c keeps the
	 * bytes GMime returns, and GMime keeps a raw byte in a domain literal
	 * ("a@[127.\xae0.0.1]"), although mailmsg.h promises UTF-8. */
	if (strpbrk(m.from_addr, "\r\n ") != NULL)
		abort();
	check_text(m.from_name, true);
	check_text(m.subject, true);
	check_text(m.message_id, true);
	check_text(m.text, false);
	/* NOTE: the subject is cut at MAIL_SUMMARY_MAX bytes before invalid
	 * bytes become U+FFFD (3 bytes each), so it can reach three times
	 * that.  The store takes summaries up to 1024 bytes. */
	if (strlen(m.subject) > 3 * MAIL_SUMMARY_MAX)
		abort();
	mail_message_free(&m);
	return 0;
}
