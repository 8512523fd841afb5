/*
 * ovalarm report: the monthly surveillance report, one record per
 * deployment.
 */
#ifndef OVALARM_REPORT_H
#define OVALARM_REPORT_H

/* The SYNOPSIS of "ovalarm report" after "usage: ", shared by its own
 * --help and ovalarm's. */
#define REPORT_SYNOPSIS \
	"ovalarm report [-qv] [--csv] [--strict] [--max-gap DURATION]\n" \
	"               [--max-line BYTES] [--rejects FILE] [--rules FILE]\n" \
	"               [--rules-dir DIR] [--tz ZONE] --month YYYY-MM " \
	"[FILE ...]"

/* Runs "ovalarm report" with its own options (argv[0] is "report") and
 * returns the exit status. */
int report_main(int argc, char **argv);

#endif
