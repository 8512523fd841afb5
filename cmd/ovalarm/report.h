/*
 * ovalarm report: the monthly surveillance report, one record per
 * deployment.
 */
#ifndef OVALARM_REPORT_H
#define OVALARM_REPORT_H

/* Runs "ovalarm report" with its own options (argv[0] is "report") and
 * returns the exit status. */
int report_main(int argc, char **argv);

#endif
