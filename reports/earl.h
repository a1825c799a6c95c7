/*
 * earl — earl.jsonld: the results as W3C EARL 1.0 assertions in JSON-LD,
 * one earl:Assertion per test instance.
 */
#ifndef IC_EARL_H
#define IC_EARL_H

#include <stddef.h>

#include <jansson.h>

/* The JSON-LD document as a string (allocated). */
int ic_report_earl(char **out, size_t *len, const json_t *report);

#endif
