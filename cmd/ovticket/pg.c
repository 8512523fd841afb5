/*
 * The PostgreSQL connection of the ticket store and its settings.
 */
#include <string.h>

#include "diag.h"
#include "pgconn.h"
#include "store_impl.h"

void
tk_pg_connect(struct tk_store *st)
{
	PGresult *r;

	ov_pg_check_uri(st->path);
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
