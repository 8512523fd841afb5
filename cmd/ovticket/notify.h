/*
 * The configuration of ovticket notify (notify.conf, see
 * ovticket-notify.conf(5)): the SMTP server and the routes that decide
 * which records go where.
 */
#ifndef OVTICKET_NOTIFY_H
#define OVTICKET_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "send.h"

#define NOTIFY_MAX_LIST 32

/* One [route NAME] section. */
struct notify_route {
	char *name;
	char *email[NOTIFY_MAX_LIST + 1];	/* NULL-terminated addresses */
	char *webhook;		/* URL, or NULL for an e-mail route */
	char *ca_file;		/* webhook's extra CA certificates */
	char *severity;		/* "critical", "normal", NULL for both */
	char *customers[NOTIFY_MAX_LIST + 1];	/* empty list: every one */
	char *actions[NOTIFY_MAX_LIST + 1];	/* ticket actions sent */
	char *sla_states[NOTIFY_MAX_LIST + 1];	/* sla states sent */
	bool batch;		/* one message per run with every entry */
	long line;		/* of the section header, for messages */
};

struct notify_config {
	const char *path;
	bool has_smtp;
	struct smtp_config smtp;
	char *credentials;	/* path of the SMTP credentials file */
	int credentials_line;	/* line of the config file naming it */
	size_t nroutes;
	struct notify_route *routes;
};

/*
 * Loads and checks a configuration file.  Returns 0, or -1 with
 * "file:line: reason" in err.
 */
int notify_config_load(const char *path, struct notify_config *c, char *err,
    size_t errsize);

void notify_config_free(struct notify_config *c);

/* Finds a route by name, or NULL. */
const struct notify_route *notify_route_find(const struct notify_config *c,
    const char *name);

/* Returns true when word is in the NULL-terminated list. */
bool notify_list_has(char *const *list, const char *word);

#endif
