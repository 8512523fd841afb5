/*
 * Ticket events as records: action names, the ticket record format, and the
 * checks of an event's values.
 */
#include <string.h>

#include "civil.h"
#include "json.h"
#include "store.h"

static const char *const action_names[TK_ACTION_COUNT] = {
	[TK_OPENED] = "opened",
	[TK_ACKNOWLEDGED] = "acknowledged",
	[TK_NOTE] = "note",
	[TK_CUSTOMER_REPLY] = "customer_reply",
	[TK_WORKAROUND] = "workaround",
	[TK_RESOLVED] = "resolved",
	[TK_CLOSED] = "closed",
	[TK_REOPENED] = "reopened",
	[TK_PENDING] = "pending",
	[TK_RESUMED] = "resumed",
	[TK_SEVERITY] = "severity",
	[TK_ASSIGNED] = "assigned",
	[TK_WORKLOG] = "worklog",
	[TK_ALARM_REFIRED] = "alarm_refired",
	[TK_ALARM_CLEARED] = "alarm_cleared",
};

const char *
tk_action_name(enum tk_action a)
{
	if ((unsigned)a >= TK_ACTION_COUNT)
		return "unknown";
	return action_names[a];
}

int
tk_action_parse(const char *name, enum tk_action *out)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < TK_ACTION_COUNT; i++) {
		if (strcmp(name, action_names[i]) == 0) {
			*out = (enum tk_action)i;
			return 0;
		}
	}
	return -1;
}

/* Writes the fields that follow "action", in the order of the action
 * table of the ticket record. */
static void
format_fields(const struct tk_event *ev, struct ov_buf *b)
{
	switch (ev->action) {
	case TK_OPENED:
		ov_rec_str(b, "customer", ev->customer);
		ov_rec_str(b, "deployment", ev->deployment);
		ov_rec_str(b, "severity", ev->severity);
		ov_rec_str(b, "channel", ev->channel);
		ov_rec_str(b, "summary", ev->summary);
		ov_rec_str(b, "fingerprint", ev->fingerprint);
		ov_rec_str(b, "by", ev->by);
		break;
	case TK_NOTE:
		ov_rec_str(b, "text", ev->text);
		ov_rec_str(b, "by", ev->by);
		ov_rec_bool(b, "public", ev->is_public);
		break;
	case TK_CUSTOMER_REPLY:
	case TK_REOPENED:
		ov_rec_str(b, "text", ev->text);
		break;
	case TK_WORKAROUND:
	case TK_RESOLVED:
		ov_rec_str(b, "text", ev->text);
		ov_rec_str(b, "by", ev->by);
		break;
	case TK_ACKNOWLEDGED:
	case TK_CLOSED:
	case TK_PENDING:
	case TK_RESUMED:
		ov_rec_str(b, "by", ev->by);
		break;
	case TK_SEVERITY:
		ov_rec_str(b, "severity", ev->severity);
		break;
	case TK_ASSIGNED:
		ov_rec_str(b, "to", ev->to);
		break;
	case TK_WORKLOG:
		ov_rec_int(b, "minutes", ev->minutes);
		ov_rec_str(b, "by", ev->by);
		break;
	case TK_ALARM_REFIRED:
	case TK_ALARM_CLEARED:
		ov_rec_str(b, "fingerprint", ev->fingerprint);
		break;
	case TK_ACTION_COUNT:
		break;
	}
}

void
tk_event_format(const struct tk_event *ev, struct ov_buf *b)
{
	ov_rec_begin(b, "ticket");
	ov_rec_time(b, "time", ev->time);
	ov_rec_int(b, "ticket", ev->ticket);
	ov_rec_str(b, "action", tk_action_name(ev->action));
	format_fields(ev, b);
	ov_rec_end(b);
}

bool
tk_valid_severity(const char *s)
{
	return s != NULL && (strcmp(s, "critical") == 0 ||
	    strcmp(s, "normal") == 0);
}

bool
tk_valid_channel(const char *s)
{
	static const char *const channels[] = { "alarm", "email", "phone",
		"portal" };

	if (s == NULL)
		return false;
	for (size_t i = 0; i < sizeof channels / sizeof *channels; i++)
		if (strcmp(s, channels[i]) == 0)
			return true;
	return false;
}

bool
tk_valid_text(const char *s, size_t max, char *err, size_t errsize)
{
	size_t n = strlen(s);

	if (n > max) {
		snprintf(err, errsize, "longer than %zu bytes", max);
		return false;
	}
	if (!ov_utf8_valid(s, n)) {
		snprintf(err, errsize, "not valid UTF-8");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			snprintf(err, errsize, "contains control character "
			    "0x%02x", c);
			return false;
		}
	}
	return true;
}
