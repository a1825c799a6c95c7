/*
 * jsonptr — RFC 6901 JSON pointers, plus one extension for API documents:
 * a segment "[name=value]" selects the first array element whose member
 * "name" equals "value" (e.g. /links/[rel=next]/href).
 */
#ifndef IC_JSONPTR_H
#define IC_JSONPTR_H

#include <jansson.h>

/* Borrowed value or NULL when the pointer does not resolve. */
json_t *ic_jsonptr_get(const json_t *doc, const char *pointer);
/* 0 when the pointer is syntactically valid. */
int ic_jsonptr_check(const char *pointer);

#endif
