/*
 * Fuzz target: ovalarm's rule language (ovalarm.conf(5)), read by
 * rules_load() as a default file and again as a customer's --rules-dir
 * file over the first set, so that overrides and "disable" run too.
 *
 * fuzz-sources: cmd/ovalarm/rules.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../cmd/ovalarm/rules.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct ruleset set = { 0 };
	static const struct kv labels[] = {
		{ "error", "auth" }, { "endpoint", "sessions" },
		{ "status", "UNSTABLE" },
	};
	FILE *f;

	ov_verbosity = OV_QUIET;
	if (path[0] == '\0')
		snprintf(path, sizeof path, "/tmp/ovfuzzrules.%d",
		    (int)getpid());
	f = fopen(path, "wb");
	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
	if (rules_load(&set, path, NULL) == 0) {
		(void)rules_load(&set, path, "acme");
		for (size_t i = 0; i < set.n; i++) {
			const struct rule *r = set.rules[i];

			(void)rule_in_scope(r, "acme", "acme-prod", "node-1");
			(void)rule_match_labels(r, labels, 3);
			for (int t = 0; t < r->when.n; t++)
				if (r->when.terms[t].type == TERM_LABEL ||
				    r->when.terms[t].type == TERM_FIELD)
					(void)term_match_kv(&r->when.terms[t],
					    labels, 3);
			if (rules_find(&set, r->name, r->owner) == NULL)
				abort();
		}
	}
	rules_free(&set);
	unlink(path);
	return 0;
}
