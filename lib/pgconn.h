/*
 * PostgreSQL connection URIs of --db: recognising one, and keeping
 * passwords out of the command line.
 */
#ifndef OV_PGCONN_H
#define OV_PGCONN_H

#include <stdbool.h>

/* Returns true when path is a postgresql:// or postgres:// URI. */
bool ov_pg_is_uri(const char *path);

/*
 * Exits with a usage error when libpq cannot parse the URI or it contains
 * a password.  A password in argv is visible to every user of the host
 * (ps), so it must come from PGPASSWORD or a pgpass file.  The messages
 * never repeat the URI, because it may contain the password.
 */
void ov_pg_check_uri(const char *uri);

#endif
