/*
 * Alarm rules: the parsed form of ovalarm.conf(5) files and the checks that
 * decide whether a rule applies to a record.
 */
#ifndef OVALARM_RULES_H
#define OVALARM_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COND_MAX_TERMS 8
#define GLOB_MAX 8
#define LABEL_MAX 16

enum rule_kind { RULE_THRESHOLD, RULE_ABSENT, RULE_EVENT, RULE_DROP };

enum cmp_op { OP_GT, OP_GE, OP_LT, OP_LE, OP_EQ, OP_NE };

enum term_type {
	TERM_VALUE,	/* the rule's own metric against a number */
	TERM_OTHER,	/* the last value of another metric of the same node */
	TERM_LABEL,	/* a label of the sample, compared as a glob */
	TERM_FIELD,	/* a field of an event, compared as a glob */
};

/* One comparison of a condition. */
struct term {
	enum term_type type;
	enum cmp_op op;
	double number;
	char *name;	/* other metric, label or field name */
	char *pattern;	/* glob for labels and fields */
};

/* Terms joined by "and". */
struct cond {
	struct term terms[COND_MAX_TERMS];
	int n;
};

/* A list of glob patterns; empty matches everything. */
struct globs {
	char *v[GLOB_MAX];
	int n;
};

/* A label or event field as seen in one record. */
struct kv {
	const char *key, *value;
};

struct rule {
	char *name;
	char *file;		/* where it was defined, for messages */
	int line;
	enum rule_kind kind;
	char *metric;		/* the metric, or the event name */
	struct cond when;	/* threshold; event field conditions */
	struct cond clear;	/* hysteresis; n == 0 means "not when" */
	int64_t for_s;		/* how long the condition must hold */
	int64_t keep_s;		/* how long clear must hold to resolve */
	double drop_pct;	/* drop rules: at least this % below the max */
	int64_t window_s;	/* drop rules: window of the max */
	double floor;		/* drop rules: minimum max to consider */
	char *resolve_event;	/* event rules: the pairing event */
	struct cond resolve_fields;
	int64_t resolve_after_s;
	int flap_count;		/* 0 = no damping */
	int64_t flap_window_s;
	bool critical;
	char *summary;
	struct globs customers, deployments, nodes;
	struct cond match;	/* label filters that select series */
	char *owner;		/* customer of a --rules-dir file, or NULL */
	char *excluded[64];	/* customers that override or disable it */
	int nexcluded;
};

struct ruleset {
	struct rule **rules;
	size_t n, cap;
};

/*
 * Reads a rules file and appends its rules to set.  owner is NULL for the
 * default set, or the customer a --rules-dir file belongs to: its rules
 * apply to that customer only, and a rule or "disable" naming a default rule
 * takes that customer out of the default rule.  Returns 0, or -1 after an
 * error naming file, line and token.
 */
int rules_load(struct ruleset *set, const char *path, const char *owner);

/* Loads every CUSTOMER.conf of a folder with rules_load(); 0 or -1. */
int rules_load_dir(struct ruleset *set, const char *dir);

/*
 * Loads the rules of a run: path, or the shipped alarms.conf when path is
 * NULL, then the customer files of dir when it is not NULL.  Exits with
 * status 3 after an error.
 */
void rules_load_all(struct ruleset *set, const char *path, const char *dir);

/* Returns the rule with that name and owner, or NULL. */
struct rule *rules_find(const struct ruleset *set, const char *name,
    const char *owner);

/* Returns true when the rule applies to records of this customer,
 * deployment and node (scope, owner and exclusions). */
bool rule_in_scope(const struct rule *r, const char *customer,
    const char *deployment, const char *node);

/* Returns true when labels pass the rule's "match" filters. */
bool rule_match_labels(const struct rule *r, const struct kv *labels,
    int nlabels);

/* Compares a number with op. */
bool cmp_number(enum cmp_op op, double a, double b);

/* Evaluates a label or field term against a record's key-value pairs; a
 * missing key compares as the empty string. */
bool term_match_kv(const struct term *t, const struct kv *kv, int n);

/* Frees the rules. */
void rules_free(struct ruleset *set);

#endif
