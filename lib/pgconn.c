/*
 * The checks of pgconn.h.  Only ovsla and ovticket, which link libpq, call
 * them, so the other programs never pull this file out of libov.a.
 */
#include <string.h>

#include <libpq-fe.h>

#include "diag.h"
#include "pgconn.h"

bool
ov_pg_is_uri(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 ||
	    strncmp(path, "postgres://", 11) == 0;
}

void
ov_pg_check_uri(const char *uri)
{
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(uri, &err);
	bool has_password = false;

	if (opts == NULL) {
		PQfreemem(err);
		ov_usage_error("--db: not a valid PostgreSQL connection URI");
	}
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL)
			has_password = true;
	PQconninfoFree(opts);
	if (has_password)
		ov_usage_error("--db: the PostgreSQL URI contains a password; "
		    "remove it and set PGPASSWORD or use a pgpass file");
}
