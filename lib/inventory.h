/*
 * The inventory files: customers.csv and deployments.csv (see
 * customers.csv(5) and deployments.csv(5)).  Both are validated whole on
 * load; an error names the file, the line and the field.
 */
#ifndef OV_INVENTORY_H
#define OV_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "money.h"

#define OV_NO_DATE INT64_MIN

/* One row of customers.csv. */
struct ov_customer {
	char *id;
	char *name;
	char *plan;		/* a plan name of plans.conf: "24x7", "nbd" */
	int64_t contract_start;	/* Madrid date, days since 1970-01-01 */
	int64_t contract_end;	/* last day of service, or OV_NO_DATE */
	bool has_hour_rate;
	struct ov_decimal hour_rate;	/* euros per hour */
	bool has_deployment_fee;
	int64_t deployment_fee;	/* cents */
	char *email;		/* domains or addresses, separated by spaces
				   or semicolons */
	long line;
};

struct ov_customers {
	size_t count;
	struct ov_customer *items;
};

enum ov_api {
	OV_API_OPENVIDU2,
	OV_API_OPENVIDU3,
	OV_API_PROMETHEUS,
};

/* One row of deployments.csv. */
struct ov_deployment {
	char *id;
	char *customer;
	char *url;
	enum ov_api api;
	char *secret_file;	/* a path, "env:NAME", or NULL when empty */
	int master_cores;
	int media_node_cores;
	bool tls_verify;
	long line;
};

struct ov_deployments {
	size_t count;
	struct ov_deployment *items;
};

/* Loads customers.csv.  Returns 0, or -1 with "file:line: field: reason". */
int ov_customers_load(const char *path, struct ov_customers *out, char *err,
    size_t errsize);

/* Finds a customer by id, or NULL. */
const struct ov_customer *ov_customer_find(const struct ov_customers *c,
    const char *id);

void ov_customers_free(struct ov_customers *c);

/* Loads deployments.csv.  Returns 0, or -1 with "file:line: field: reason". */
int ov_deployments_load(const char *path, struct ov_deployments *out,
    char *err, size_t errsize);

const struct ov_deployment *ov_deployment_find(const struct ov_deployments *d,
    const char *id);

void ov_deployments_free(struct ov_deployments *d);

/* Name of an api value: "openvidu2", "openvidu3", "prometheus". */
const char *ov_api_name(enum ov_api api);

/* Returns true when id is a valid identifier: 1 to 128 characters from
 * letters, digits, '.', '_', '-' and '@', starting with a letter or
 * digit. */
bool ov_valid_id(const char *id);

#endif
