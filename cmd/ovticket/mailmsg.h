/*
 * One received e-mail message, decoded by GMime into the few things a ticket
 * needs: the sender, the subject, the text body and the attachments' names,
 * all as valid UTF-8.
 */
#ifndef OVTICKET_MAILMSG_H
#define OVTICKET_MAILMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest body text kept in a ticket record; the rest is cut with a note,
 * so that with the attachment list it stays within the store's 64 KiB
 * limit of a text. */
#define MAIL_TEXT_MAX (48 * 1024)

/* Maximum length in bytes of a summary taken from a subject. */
#define MAIL_SUMMARY_MAX 200

struct mail_message {
	char *from_addr;	/* "alice@acme.example", lowercased domain */
	char *from_name;	/* display name, "" when absent */
	char *subject;		/* one line, control characters removed */
	char *message_id;	/* without angle brackets, "" when absent */
	char *digest;		/* SHA-256 of the message's bytes, in hex */
	char *text;		/* plain text body and attachment list */
	size_t nattachments;
	int64_t ticket_tag;	/* the n of "[#n]" in the subject, or -1 */
};

/*
 * Parses one RFC 5322 message of len bytes.  Returns 0, or -1 with a reason
 * in err when the message has no usable From address or is not a message.
 */
int mail_message_parse(const char *data, size_t len, struct mail_message *m,
    char *err, size_t errsize);

void mail_message_free(struct mail_message *m);

/* Initialises GMime once per process; every GMime user calls it first. */
void mail_gmime_init(void);

/*
 * Finds a ticket tag "[#42]" in a subject.  Returns the number, or -1 when
 * there is none or it does not fit a ticket id.
 */
int64_t mail_ticket_tag(const char *subject);

/*
 * Copies s into one clean line: CR, LF, tabs and other control characters
 * become spaces, C1 control characters (U+0080 to U+009F) are dropped, runs
 * of spaces collapse, the ends are trimmed, and the text is cut at max
 * bytes on a UTF-8 character boundary.  Returns a malloc'ed string.
 */
char *mail_one_line(const char *s, size_t max);

#endif
