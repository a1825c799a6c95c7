/*
 * rundir — a run written into its folder: evidence.warc while the exchanges
 * happen, then the report renderings, each file atomically.
 */
#ifndef IC_RUNDIR_H
#define IC_RUNDIR_H

#include <jansson.h>

#include "run.h"

/* Run o into DIR (created if needed): evidence.warc, report.json,
 * junit.xml, report.html, earl.jsonld. Temp files of dead runs are
 * removed first; the report document is returned in *report. */
int ic_rundir_write(const ic_run_opts *o, const char *dir, json_t **report);

#endif
