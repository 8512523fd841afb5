/*
 * The PostgreSQL connection of the ticket store: the URI check that keeps
 * passwords out of the command line, and the connection settings.
 */
#include <string.h>

#include "diag.h"
#include "store_impl.h"

bool
tk_is_pg_uri(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 ||
	    strncmp(path, "postgres://", 11) == 0;
}

/*
 * Rejects a URI that libpq cannot parse or that contains a password.  A
 * password in argv is visible to every user of the host (ps), so it must
 * come from PGPASSWORD or a pgpass file.  These messages never repeat the
 * URI, because it may contain the password.
 */
static void
check_uri(const char *uri)
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

void
tk_pg_connect(struct tk_store *st)
{
	PGresult *r;

	check_uri(st->path);
	st->pg = PQconnectdb(st->path);
	if (st->pg == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	if (PQstatus(st->pg) != CONNECTION_OK)
		tk_db_die(st, "cannot connect");
	/* Notices ("table exists, skipping") are not for the user. */
	r = PQexec(st->pg, "SET client_min_messages = warning");
	PQclear(r);
	if (st->readonly)
		tk_exec(st, "SET default_transaction_read_only = on",
		    "cannot make the session read-only");
}
