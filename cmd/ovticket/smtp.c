/*
 * E-mail notifications: the message is built by GMime (RFC 2047 subject,
 * quoted-printable UTF-8 body, CRLF line ends) and sent by libcurl's SMTP
 * client, which requires TLS: STARTTLS on smtp://, or SMTPS.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <gmime/gmime.h>

#include "mailmsg.h"
#include "send.h"

int
smtp_read_credentials(struct smtp_config *c, const char *path, char *err,
    size_t errsize)
{
	FILE *f = fopen(path, "r");
	char line[1024], *colon;

	if (f == NULL) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	if ((colon = strchr(line, ':')) == NULL || colon == line) {
		snprintf(err, errsize, "%s:1: expected username:password",
		    path);
		return -1;
	}
	*colon = '\0';
	c->username = strdup(line);
	c->password = strdup(colon + 1);
	explicit_bzero(line, sizeof line);
	if (c->username == NULL || c->password == NULL)
		abort();
	return 0;
}

/* Builds the message text with CRLF line ends; free it with g_free. */
static char *
build_message(const struct smtp_config *c, const char *const *to,
    const char *subject, const char *text, const char *message_id)
{
	GMimeMessage *msg = g_mime_message_new(TRUE);
	GMimeTextPart *part = g_mime_text_part_new_with_subtype("plain");
	GMimeFormatOptions *opts = g_mime_format_options_new();
	GDateTime *now = g_date_time_new_now_utc();
	char *clean = mail_one_line(subject, 900);
	char *data;

	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, "ovticket",
	    c->from);
	for (size_t i = 0; to[i] != NULL; i++)
		g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL,
		    to[i]);
	/* Control characters are gone from clean, so no text of a ticket
	 * can end the Subject header and start another one. */
	g_mime_message_set_subject(msg, clean, "utf-8");
	g_mime_message_set_date(msg, now);
	g_mime_message_set_message_id(msg, message_id);
	g_mime_text_part_set_text(part, text);
	g_mime_part_set_content_encoding(GMIME_PART(part),
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(part));
	g_mime_format_options_set_newline_format(opts,
	    GMIME_NEWLINE_FORMAT_DOS);
	data = g_mime_object_to_string(GMIME_OBJECT(msg), opts);
	g_mime_format_options_free(opts);
	g_date_time_unref(now);
	g_object_unref(part);
	g_object_unref(msg);
	free(clean);
	return data;
}

struct upload {
	const char *data;
	size_t len, pos;
};

static size_t
read_upload(char *buf, size_t size, size_t n, void *ctx)
{
	struct upload *u = ctx;
	size_t len = size * n;

	if (len > u->len - u->pos)
		len = u->len - u->pos;
	memcpy(buf, u->data + u->pos, len);
	u->pos += len;
	return len;
}

static void
set_smtp_options(CURL *curl, const struct smtp_config *c,
    struct curl_slist *rcpt, struct upload *u)
{
	curl_easy_setopt(curl, CURLOPT_URL, c->url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, c->from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
	curl_easy_setopt(curl, CURLOPT_READDATA, u);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, c->timeout);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	if (c->ca_file != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, c->ca_file);
	if (c->username != NULL) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, c->username);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, c->password);
	}
}

int
smtp_send(const struct smtp_config *c, const char *const *to,
    const char *subject, const char *text, const char *message_id,
    char *err, size_t errsize)
{
	char *data = build_message(c, to, subject, text, message_id);
	struct upload u = { data, strlen(data), 0 };
	struct curl_slist *rcpt = NULL;
	CURL *curl = curl_easy_init();
	CURLcode rc = CURLE_FAILED_INIT;

	for (size_t i = 0; to[i] != NULL; i++)
		rcpt = curl_slist_append(rcpt, to[i]);
	if (curl != NULL) {
		set_smtp_options(curl, c, rcpt, &u);
		rc = curl_easy_perform(curl);
		curl_easy_cleanup(curl);
	}
	if (rc != CURLE_OK)
		snprintf(err, errsize, "%s", curl_easy_strerror(rc));
	curl_slist_free_all(rcpt);
	g_free(data);
	return rc == CURLE_OK ? 0 : -1;
}
