/*
 * html — report.html: the report as one self-contained, printable HTML5 page
 * for test centres and evaluators; every string from the report is escaped.
 */
#ifndef IC_HTML_H
#define IC_HTML_H

#include <stddef.h>

#include <jansson.h>

/* The page as a string (allocated, UTF-8). */
int ic_report_html(char **out, size_t *len, const json_t *report);

#endif
