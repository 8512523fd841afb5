/*
 * Decoding of one received message with GMime 3.  MIME structure, transfer
 * encodings, RFC 2047 words and charsets are all GMime's work.  This file
 * only picks the parts a ticket needs and cleans them into UTF-8 text.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "json.h"
#include "mailmsg.h"

/* Deeper MIME nesting is not searched for text: no real mail client nests
 * that far, and the walk stays bounded on hostile input. */
#define MAIL_MAX_DEPTH 32

/* Attachment names listed in the text; 50 names of at most 200 bytes keep
 * the list within 10 KiB. */
#define MAIL_MAX_ATTACHMENTS_LISTED 50

/* Text and attachment names found while walking the MIME tree. */
struct walk {
	char *plain;		/* first inline text/plain part */
	char *html;		/* first inline text/html part */
	struct ov_buf names;	/* "- name\n" per attachment */
	size_t nattachments;
};

static char *
xstrdup_or_empty(const char *s)
{
	char *copy = strdup(s != NULL ? s : "");

	if (copy == NULL)
		abort();
	return copy;
}

/* Returns a valid UTF-8 copy of s, replacing invalid bytes. */
static char *
utf8_copy(const char *s)
{
	gchar *valid = g_utf8_make_valid(s != NULL ? s : "", -1);
	char *copy = xstrdup_or_empty(valid);

	g_free(valid);
	return copy;
}

/* Tells whether s starts with a C1 control character (U+0080 to U+009F)
 * in UTF-8, which some terminals obey as the start of an escape
 * sequence. */
static bool
is_c1(const char *s)
{
	return (unsigned char)s[0] == 0xc2 && (unsigned char)s[1] >= 0x80 &&
	    (unsigned char)s[1] <= 0x9f;
}

char *
mail_one_line(const char *s, size_t max)
{
	size_t n = strlen(s), out = 0;
	char *line = malloc(n + 1);
	bool space = false;

	if (line == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == ' ') {
			space = out > 0;
			continue;
		}
		if (is_c1(s + i)) {
			i++;
			continue;
		}
		if (space)
			line[out++] = ' ';
		space = false;
		line[out++] = (char)c;
	}
	if (out > max) {
		out = max;
		/* Step back over UTF-8 continuation bytes. */
		while (out > 0 && ((unsigned char)line[out] & 0xc0) == 0x80)
			out--;
	}
	line[out] = '\0';
	return line;
}

int64_t
mail_ticket_tag(const char *subject)
{
	const char *p = subject;

	while ((p = strstr(p, "[#")) != NULL) {
		int64_t n = 0;
		int digits = 0;

		p += 2;
		while (isdigit((unsigned char)p[digits]) && digits < 16) {
			n = n * 10 + (p[digits] - '0');
			digits++;
		}
		if (digits > 0 && digits < 16 && p[digits] == ']' && n > 0)
			return n;
	}
	return -1;
}

/* Named character references that mail programs write, the accents of
 * Spanish and the usual punctuation among them. */
static const struct {
	const char *name, *text;
} html_entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
	{ "apos", "'" }, { "nbsp", " " }, { "aacute", "\u00e1" },
	{ "eacute", "\u00e9" }, { "iacute", "\u00ed" }, { "oacute", "\u00f3" },
	{ "uacute", "\u00fa" }, { "Aacute", "\u00c1" }, { "Eacute", "\u00c9" },
	{ "Iacute", "\u00cd" }, { "Oacute", "\u00d3" }, { "Uacute", "\u00da" },
	{ "ntilde", "\u00f1" }, { "Ntilde", "\u00d1" }, { "uuml", "\u00fc" },
	{ "Uuml", "\u00dc" }, { "ccedil", "\u00e7" }, { "Ccedil", "\u00c7" },
	{ "agrave", "\u00e0" }, { "egrave", "\u00e8" }, { "ograve", "\u00f2" },
	{ "iexcl", "\u00a1" }, { "iquest", "\u00bf" }, { "ordf", "\u00aa" },
	{ "ordm", "\u00ba" }, { "deg", "\u00b0" }, { "euro", "\u20ac" },
	{ "copy", "\u00a9" }, { "reg", "\u00ae" }, { "laquo", "\u00ab" },
	{ "raquo", "\u00bb" }, { "ndash", "\u2013" }, { "mdash", "\u2014" },
	{ "hellip", "\u2026" }, { "lsquo", "\u2018" }, { "rsquo", "\u2019" },
	{ "ldquo", "\u201c" }, { "rdquo", "\u201d" }, { "bull", "\u2022" },
	{ "middot", "\u00b7" },
};

/*
 * Decodes the character reference at p ("&aacute;", "&#233;", "&#xE9;")
 * into b.  Returns its length, or 0 when it is not one: an unknown name, a
 * missing ';', or a number that is NUL, a surrogate or past U+10FFFF.
 */
static size_t
html_entity(const char *p, struct ov_buf *b)
{
	size_t len = strspn(p + 1, "#xX0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	char utf8[8];
	unsigned long code;
	char *end;

	if (len == 0 || len > 12 || p[1 + len] != ';')
		return 0;
	if (p[1] == '#') {
		bool hex = p[2] == 'x' || p[2] == 'X';

		code = strtoul(p + (hex ? 3 : 2), &end, hex ? 16 : 10);
		if (end != p + 1 + len || end == p + (hex ? 3 : 2) ||
		    code == 0 || code > 0x10ffff ||
		    (code >= 0xd800 && code <= 0xdfff))
			return 0;
		ov_buf_add(b, utf8, (size_t)g_unichar_to_utf8(
		    (gunichar)code, utf8));
		return len + 2;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(html_entities); i++)
		if (strlen(html_entities[i].name) == len &&
		    strncmp(p + 1, html_entities[i].name, len) == 0) {
			ov_buf_adds(b, html_entities[i].text);
			return len + 2;
		}
	return 0;
}

/*
 * Turns HTML into rough plain text for messages that have no text/plain
 * part: tags and the contents of style and script elements are dropped,
 * and character references decoded.  The result is only ever shown as
 * text.
 */
static char *
html_to_text(const char *html)
{
	struct ov_buf b = { 0 };
	const char *p = html;

	while (*p != '\0') {
		if (*p == '<') {
			const char *end;

			if (strncasecmp(p, "<style", 6) == 0)
				end = strcasestr(p, "</style");
			else if (strncasecmp(p, "<script", 7) == 0)
				end = strcasestr(p, "</script");
			else
				end = p;
			if (end == NULL)
				break;
			end = strchr(end, '>');
			if (end == NULL)
				break;
			if (strncasecmp(p, "<br", 3) == 0 ||
			    strncasecmp(p, "<p", 2) == 0 ||
			    strncasecmp(p, "<div", 4) == 0)
				ov_buf_addc(&b, '\n');
			p = end + 1;
			continue;
		}
		if (*p == '&') {
			size_t n = html_entity(p, &b);

			if (n > 0) {
				p += n;
				continue;
			}
		}
		ov_buf_addc(&b, *p++);
	}
	ov_buf_addc(&b, '\0');
	return b.data;
}

/*
 * Decodes a text part to valid UTF-8: GMime undoes the transfer encoding
 * and converts the charset (as g_mime_text_part_get_text() does), but the
 * bytes are taken with their length, so a NUL byte inside the text drops
 * only itself and not the rest.  An unknown charset leaves the bytes as
 * they are, and invalid UTF-8 becomes U+FFFD.
 */
static char *
part_text(GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *mem = g_mime_stream_mem_new();
	GMimeStream *filtered = g_mime_stream_filter_new(mem);
	const char *charset = g_mime_object_get_content_type_parameter(
	    GMIME_OBJECT(part), "charset");
	GByteArray *bytes;
	GMimeFilter *filter;
	gchar *valid;
	char *text;
	size_t n = 0;

	if (charset != NULL && g_ascii_strcasecmp(charset, "utf-8") != 0 &&
	    (filter = g_mime_filter_charset_new(charset, "UTF-8")) != NULL) {
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), filter);
		g_object_unref(filter);
	}
	if (content != NULL)
		g_mime_data_wrapper_write_to_stream(content, filtered);
	g_mime_stream_flush(filtered);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	text = malloc(bytes->len + 1);
	if (text == NULL)
		abort();
	for (guint i = 0; i < bytes->len; i++)
		if (bytes->data[i] != '\0')
			text[n++] = (char)bytes->data[i];
	valid = g_utf8_make_valid(text, (gssize)n);
	free(text);
	text = xstrdup_or_empty(valid);
	g_free(valid);
	g_object_unref(filtered);
	g_object_unref(mem);
	return text;
}

static void
walk_part(GMimePart *part, struct walk *w)
{
	GMimeContentType *type;
	const char *filename = g_mime_part_get_filename(part);

	if (g_mime_part_is_attachment(part) || filename != NULL) {
		char *name;
		char *valid;

		if (++w->nattachments > MAIL_MAX_ATTACHMENTS_LISTED)
			return;
		name = mail_one_line(filename != NULL ? filename :
		    "(unnamed)", 200);
		valid = utf8_copy(name);
		ov_buf_printf(&w->names, "- %s\n", valid);
		free(valid);
		free(name);
		return;
	}
	if (!GMIME_IS_TEXT_PART(part))
		return;
	type = g_mime_object_get_content_type(GMIME_OBJECT(part));
	if (g_mime_content_type_is_type(type, "text", "plain") &&
	    w->plain == NULL)
		w->plain = part_text(part);
	else if (g_mime_content_type_is_type(type, "text", "html") &&
	    w->html == NULL)
		w->html = part_text(part);
}

static void
walk_object(GMimeObject *obj, struct walk *w, int depth)
{
	if (obj == NULL || depth > MAIL_MAX_DEPTH)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		const char *prologue = g_mime_multipart_get_prologue(mp);

		/* A multipart without its boundary parameter has no parts,
		 * and GMime keeps the whole body as the prologue.  So the
		 * prologue is read as the plain text. */
		if (n == 0 && prologue != NULL && w->plain == NULL)
			w->plain = utf8_copy(prologue);
		for (int i = 0; i < n; i++)
			walk_object(g_mime_multipart_get_part(mp, i), w,
			    depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		ov_buf_adds(&w->names, "- (forwarded message)\n");
		w->nattachments++;
	} else if (GMIME_IS_PART(obj)) {
		walk_part(GMIME_PART(obj), w);
	}
}

/* Keeps newlines and tabs, drops CR and the other C0 and C1 control
 * characters, and cuts the text at MAIL_TEXT_MAX bytes on a character
 * boundary with a note. */
static void
clean_text(struct ov_buf *b, const char *s)
{
	size_t n = strlen(s), kept = 0, start = b->len, i = 0;

	/* Leading blank lines carry nothing either. */
	while (s[i] == '\n' || s[i] == '\r' || s[i] == ' ' || s[i] == '\t')
		i++;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			continue;
		if (is_c1(s + i)) {
			i++;
			continue;
		}
		if (kept >= MAIL_TEXT_MAX && (c & 0xc0) != 0x80) {
			ov_buf_printf(b, "\n[%zu more bytes cut]", n - i);
			return;
		}
		ov_buf_addc(b, (char)c);
		kept++;
	}
	/* Nor do trailing ones. */
	while (b->len > start && (b->data[b->len - 1] == '\n' ||
	    b->data[b->len - 1] == ' '))
		b->len--;
}

static char *
body_text(GMimeMessage *msg, size_t *nattachments)
{
	struct walk w = { 0 };
	struct ov_buf b = { 0 };
	char *html_text = NULL;

	walk_object(g_mime_message_get_mime_part(msg), &w, 0);
	if (w.plain != NULL) {
		clean_text(&b, w.plain);
	} else if (w.html != NULL) {
		html_text = html_to_text(w.html);
		clean_text(&b, html_text);
	}
	if (w.nattachments > 0) {
		if (b.len > 0)
			ov_buf_adds(&b, "\n\n");
		ov_buf_adds(&b, "Attachments:\n");
		ov_buf_add(&b, w.names.data, w.names.len);
		if (w.nattachments > MAIL_MAX_ATTACHMENTS_LISTED)
			ov_buf_printf(&b, "- and %zu more\n", w.nattachments -
			    MAIL_MAX_ATTACHMENTS_LISTED);
		b.len--;	/* the last "\n" */
	}
	ov_buf_addc(&b, '\0');
	*nattachments = w.nattachments;
	free(w.plain);
	free(w.html);
	free(html_text);
	ov_buf_free(&w.names);
	return b.data;
}

/* Counts the top-level headers named name, case ignored. */
static int
header_count(GMimeMessage *msg, const char *name)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(
	    GMIME_OBJECT(msg));
	int n = 0;

	for (int i = 0; i < g_mime_header_list_get_count(list); i++)
		if (g_ascii_strcasecmp(g_mime_header_get_name(
		    g_mime_header_list_get_header_at(list, i)), name) == 0)
			n++;
	return n;
}

static int
parse_from(GMimeMessage *msg, struct mail_message *m)
{
	InternetAddressList *list = g_mime_message_get_from(msg);
	InternetAddress *ia;
	const char *addr, *at;
	char *p;

	if (list == NULL || internet_address_list_length(list) < 1)
		return -1;
	ia = internet_address_list_get_address(list, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
		return -1;
	addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	/* 254 bytes is the longest address SMTP can carry (RFC 5321). */
	if (addr == NULL || strlen(addr) > 254 ||
	    (at = strrchr(addr, '@')) == NULL || at == addr || at[1] == '\0')
		return -1;
	m->from_addr = mail_one_line(addr, 254);
	if (strchr(m->from_addr, ' ') != NULL)
		return -1;
	for (p = m->from_addr; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	p = mail_one_line(internet_address_get_name(ia) != NULL ?
	    internet_address_get_name(ia) : "", 200);
	m->from_name = utf8_copy(p);
	free(p);
	return 0;
}

static void
parse_headers(GMimeMessage *msg, struct mail_message *m)
{
	const char *subject = g_mime_message_get_subject(msg);
	const char *id = g_mime_message_get_message_id(msg);
	char *line;

	/* GMime returns the subject decoded from RFC 2047 words. */
	line = mail_one_line(subject != NULL ? subject : "", MAIL_SUMMARY_MAX);
	m->subject = utf8_copy(line);
	free(line);
	line = mail_one_line(id != NULL ? id : "", 250);
	m->message_id = utf8_copy(line);
	free(line);
	m->ticket_tag = mail_ticket_tag(m->subject);
}

void
mail_gmime_init(void)
{
	static bool done;

	if (!done) {
		g_mime_init();
		done = true;
	}
}

int
mail_message_parse(const char *data, size_t len, struct mail_message *m,
    char *err, size_t errsize)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	int rc = 0;

	memset(m, 0, sizeof *m);
	m->ticket_tag = -1;
	m->digest = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	    (const guchar *)data, len);
	mail_gmime_init();
	stream = g_mime_stream_mem_new_with_buffer(data, len);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (msg == NULL) {
		snprintf(err, errsize, "not an RFC 5322 message");
		return -1;
	}
	/* With two, the sender would depend on which one is read, and the
	 * mail server's DMARC check may have read the other. */
	if (header_count(msg, "From") > 1) {
		snprintf(err, errsize, "more than one From header");
		rc = -1;
	} else if (parse_from(msg, m) < 0) {
		snprintf(err, errsize, "no valid From address");
		rc = -1;
	} else {
		parse_headers(msg, m);
		m->text = body_text(msg, &m->nattachments);
	}
	g_object_unref(msg);
	return rc;
}

void
mail_message_free(struct mail_message *m)
{
	free(m->from_addr);
	free(m->from_name);
	free(m->subject);
	free(m->message_id);
	g_free(m->digest);
	free(m->text);
	memset(m, 0, sizeof *m);
}
