/*
 * report — the report document (docs/formats.md "Report"): class and overall
 * verdicts derived from the results, and the files of a run directory.
 */
#ifndef IC_REPORT_H
#define IC_REPORT_H

#include <jansson.h>

/* (Re)compute "classes" and "summary" from "results" and "suites". */
json_t *ic_report_summarize(json_t *report);
/* Exit code for the run: 0 when the overall verdict is passed, else 1. */
int ic_report_exit_code(const json_t *report);
/* Atomically write DIR/report.json, junit.xml, report.html and earl.jsonld
 * (creating DIR). */
int ic_report_write(const char *dir, const json_t *report);
/* The JUnit XML document as a string (allocated). */
int ic_report_junit(char **out, size_t *len, const json_t *report);

#endif
