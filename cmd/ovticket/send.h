/*
 * Delivery of one notification through libcurl: e-mail to an SMTP server
 * (always over TLS, STARTTLS or SMTPS) and JSON to a webhook.
 */
#ifndef OVTICKET_SEND_H
#define OVTICKET_SEND_H

#include <stddef.h>

/* The [smtp] section of notify.conf. */
struct smtp_config {
	char *url;		/* smtp://host:587 (STARTTLS), smtps://host */
	char *from;		/* envelope and header sender address */
	char *username;		/* from the credentials file, or NULL */
	char *password;
	char *ca_file;		/* extra CA certificates, or NULL */
	long timeout;		/* seconds for the whole transfer */
};

/*
 * Reads "username:password" from the first line of a credentials file.
 * Returns 0, or -1 with a reason in err.
 */
int smtp_read_credentials(struct smtp_config *c, const char *path,
    char *err, size_t errsize);

/*
 * Sends one text message to the addresses of to (a NULL-terminated list).
 * The subject is cleaned of control characters and encoded per RFC 2047
 * when it is not ASCII; message_id names the message for deduplication by
 * the recipient.  Returns 0, or -1 with curl's reason in err.
 */
int smtp_send(const struct smtp_config *c, const char *const *to,
    const char *subject, const char *text, const char *message_id,
    char *err, size_t errsize);

/*
 * Posts {"text": text} as JSON to a webhook URL, the body Slack and
 * Mattermost incoming webhooks accept.  Returns 0 on a 2xx response, or -1
 * with the reason in err.  The URL often contains a secret token, so it never
 * appears in err.
 */
int webhook_post(const char *url, const char *text, long timeout,
    const char *ca_file, char *err, size_t errsize);

#endif
