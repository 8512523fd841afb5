#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "csvfile.h"
#include "diag.h"
#include "inventory.h"

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

bool
ov_valid_id(const char *id)
{
	size_t n = strlen(id);

	/* The first character is a letter or digit, so that an id used as a
	 * file or folder name (the portal's trees) is never "." or "..". */
	if (n == 0 || n > 128 || !isalnum((unsigned char)id[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)id[i];

		if (!isalnum(c) && c != '.' && c != '_' && c != '-' && c != '@')
			return false;
	}
	return true;
}

static int
field_error(char *err, size_t errsize, const struct ov_csv *csv, long line,
    const char *field, const char *value, const char *reason)
{
	snprintf(err, errsize, "%s:%ld: %s: %s: '%.60s'", csv->path, line,
	    field, reason, value);
	return -1;
}

static int
parse_customer(const struct ov_csv *csv, const struct ov_csv_row *row,
    struct ov_customer *c, char *err, size_t errsize)
{
	const char *v;
	char why[160];

	c->line = row->line;
	v = ov_csv_get(csv, row, "customer");
	if (!ov_valid_id(v))
		return field_error(err, errsize, csv, row->line, "customer", v,
		    "invalid identifier (letters, digits, . _ - @)");
	c->id = xstrdup(v);
	c->name = xstrdup(ov_csv_get(csv, row, "name"));
	v = ov_csv_get(csv, row, "plan");
	if (!ov_valid_id(v))
		return field_error(err, errsize, csv, row->line, "plan", v,
		    "missing or invalid plan name");
	c->plan = xstrdup(v);
	v = ov_csv_get(csv, row, "contract_start");
	if (ov_date_parse(v, &c->contract_start, why, sizeof why) < 0)
		return field_error(err, errsize, csv, row->line,
		    "contract_start", v, why);
	v = ov_csv_get(csv, row, "contract_end");
	c->contract_end = OV_NO_DATE;
	if (*v != '\0') {
		if (ov_date_parse(v, &c->contract_end, why, sizeof why) < 0)
			return field_error(err, errsize, csv, row->line,
			    "contract_end", v, why);
		if (c->contract_end < c->contract_start)
			return field_error(err, errsize, csv, row->line,
			    "contract_end", v,
			    "contract ends before it starts");
	}
	v = ov_csv_get(csv, row, "hour_rate");
	if (*v != '\0') {
		if (ov_decimal_parse(v, &c->hour_rate, why, sizeof why) < 0)
			return field_error(err, errsize, csv, row->line,
			    "hour_rate", v, why);
		if (c->hour_rate.units < 0)
			return field_error(err, errsize, csv, row->line,
			    "hour_rate", v, "negative amount");
		c->has_hour_rate = true;
	}
	v = ov_csv_get(csv, row, "deployment_fee");
	if (*v != '\0') {
		if (ov_cents_parse(v, &c->deployment_fee, why, sizeof why) < 0)
			return field_error(err, errsize, csv, row->line,
			    "deployment_fee", v, why);
		if (c->deployment_fee < 0)
			return field_error(err, errsize, csv, row->line,
			    "deployment_fee", v, "negative amount");
		c->has_deployment_fee = true;
	}
	c->email = xstrdup(ov_csv_get(csv, row, "email"));
	return 0;
}

int
ov_customers_load(const char *path, struct ov_customers *out, char *err,
    size_t errsize)
{
	static const char *const required[] = { "customer", "name", "plan",
		"contract_start", "contract_end", "hour_rate",
		"deployment_fee", "email", NULL };
	struct ov_csv csv;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (ov_csv_load(path, required, &csv, err, errsize) < 0)
		return -1;
	out->items = calloc(csv.nrows ? csv.nrows : 1, sizeof *out->items);
	if (out->items == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	for (size_t i = 0; i < csv.nrows && rc == 0; i++) {
		struct ov_customer *c = &out->items[out->count++];

		rc = parse_customer(&csv, &csv.rows[i], c, err, errsize);
		for (size_t j = 0; rc == 0 && j + 1 < out->count; j++)
			if (strcmp(out->items[j].id, c->id) == 0) {
				snprintf(err, errsize, "%s:%ld: customer: "
				    "duplicate customer '%s' (first on line "
				    "%ld)", path, c->line, c->id,
				    out->items[j].line);
				rc = -1;
			}
	}
	ov_csv_free(&csv);
	if (rc < 0)
		ov_customers_free(out);
	return rc;
}

const struct ov_customer *
ov_customer_find(const struct ov_customers *c, const char *id)
{
	for (size_t i = 0; i < c->count; i++)
		if (strcmp(c->items[i].id, id) == 0)
			return &c->items[i];
	return NULL;
}

void
ov_customers_free(struct ov_customers *c)
{
	for (size_t i = 0; i < c->count; i++) {
		free(c->items[i].id);
		free(c->items[i].name);
		free(c->items[i].plan);
		free(c->items[i].email);
	}
	free(c->items);
	memset(c, 0, sizeof *c);
}

const char *
ov_api_name(enum ov_api api)
{
	switch (api) {
	case OV_API_OPENVIDU2:
		return "openvidu2";
	case OV_API_OPENVIDU3:
		return "openvidu3";
	case OV_API_PROMETHEUS:
		return "prometheus";
	}
	return "?";
}

static int
parse_cores(const char *v, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < 0 || n > 100000)
		return -1;
	*out = (int)n;
	return 0;
}

static int
parse_deployment(const struct ov_csv *csv, const struct ov_csv_row *row,
    struct ov_deployment *d, char *err, size_t errsize)
{
	const char *v;

	d->line = row->line;
	v = ov_csv_get(csv, row, "deployment");
	if (!ov_valid_id(v))
		return field_error(err, errsize, csv, row->line, "deployment",
		    v, "invalid identifier (letters, digits, . _ - @)");
	d->id = xstrdup(v);
	v = ov_csv_get(csv, row, "customer");
	if (!ov_valid_id(v))
		return field_error(err, errsize, csv, row->line, "customer", v,
		    "invalid identifier (letters, digits, . _ - @)");
	d->customer = xstrdup(v);
	v = ov_csv_get(csv, row, "url");
	if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
		return field_error(err, errsize, csv, row->line, "url", v,
		    "expected an http:// or https:// URL");
	/* API paths are appended to the URL, so it must end at its path. */
	if (strpbrk(v, "?# \t") != NULL)
		return field_error(err, errsize, csv, row->line, "url", v,
		    "expected a base URL without query, fragment or spaces");
	/* The URL appears in messages, so its value is not repeated here. */
	if (memchr(strstr(v, "://") + 3, '@', strcspn(strstr(v, "://") + 3,
	    "/")) != NULL) {
		snprintf(err, errsize, "%s:%ld: url: deployment %s: the URL "
		    "contains credentials; put the secret in secret_file",
		    csv->path, row->line, d->id);
		return -1;
	}
	d->url = xstrdup(v);
	v = ov_csv_get(csv, row, "api");
	if (strcmp(v, "openvidu2") == 0)
		d->api = OV_API_OPENVIDU2;
	else if (strcmp(v, "openvidu3") == 0)
		d->api = OV_API_OPENVIDU3;
	else if (strcmp(v, "prometheus") == 0)
		d->api = OV_API_PROMETHEUS;
	else
		return field_error(err, errsize, csv, row->line, "api", v,
		    "expected openvidu2, openvidu3 or prometheus");
	v = ov_csv_get(csv, row, "secret_file");
	d->secret_file = *v ? xstrdup(v) : NULL;
	if (parse_cores(ov_csv_get(csv, row, "master_cores"),
	    &d->master_cores) < 0)
		return field_error(err, errsize, csv, row->line,
		    "master_cores", ov_csv_get(csv, row, "master_cores"),
		    "expected a whole number of cores");
	if (parse_cores(ov_csv_get(csv, row, "media_node_cores"),
	    &d->media_node_cores) < 0)
		return field_error(err, errsize, csv, row->line,
		    "media_node_cores",
		    ov_csv_get(csv, row, "media_node_cores"),
		    "expected a whole number of cores");
	v = ov_csv_get(csv, row, "tls_verify");
	if (*v == '\0' || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
	    strcmp(v, "1") == 0)
		d->tls_verify = true;
	else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 ||
	    strcmp(v, "0") == 0)
		d->tls_verify = false;
	else
		return field_error(err, errsize, csv, row->line, "tls_verify",
		    v, "expected true or false");
	return 0;
}

int
ov_deployments_load(const char *path, struct ov_deployments *out, char *err,
    size_t errsize)
{
	static const char *const required[] = { "deployment", "customer",
		"url", "api", "secret_file", "master_cores",
		"media_node_cores", "tls_verify", NULL };
	struct ov_csv csv;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (ov_csv_load(path, required, &csv, err, errsize) < 0)
		return -1;
	out->items = calloc(csv.nrows ? csv.nrows : 1, sizeof *out->items);
	if (out->items == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	for (size_t i = 0; i < csv.nrows && rc == 0; i++) {
		struct ov_deployment *d = &out->items[out->count++];

		rc = parse_deployment(&csv, &csv.rows[i], d, err, errsize);
		for (size_t j = 0; rc == 0 && j + 1 < out->count; j++)
			if (strcmp(out->items[j].id, d->id) == 0) {
				snprintf(err, errsize, "%s:%ld: deployment: "
				    "duplicate deployment '%s' (first on line "
				    "%ld)", path, d->line, d->id,
				    out->items[j].line);
				rc = -1;
			}
	}
	ov_csv_free(&csv);
	if (rc < 0)
		ov_deployments_free(out);
	return rc;
}

const struct ov_deployment *
ov_deployment_find(const struct ov_deployments *d, const char *id)
{
	for (size_t i = 0; i < d->count; i++)
		if (strcmp(d->items[i].id, id) == 0)
			return &d->items[i];
	return NULL;
}

void
ov_deployments_free(struct ov_deployments *d)
{
	for (size_t i = 0; i < d->count; i++) {
		free(d->items[i].id);
		free(d->items[i].customer);
		free(d->items[i].url);
		free(d->items[i].secret_file);
	}
	free(d->items);
	memset(d, 0, sizeof *d);
}
