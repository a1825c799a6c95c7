/*
 * html — the text/html representation of the OGC API resources: whether a
 * request negotiated it (f, then Accept) and a minimal HTML5 page rendered
 * from the same JSON document as the JSON representation, every value
 * escaped.
 */
#ifndef IC_RS_HTML_H
#define IC_RS_HTML_H

#include <stddef.h>

#include <jansson.h>

#include "query.h"
#include "util.h"

/* 1 when the request asks for text/html: f=html, or (without f) an Accept
 * header that ranks text/html above every JSON type. JSON stays the
 * default for a missing Accept and for a bare "*" "/" "*". */
int ic_rs_html_wanted(const char *accept, const ic_rs_param *p, size_t n);

/* Append s with &, <, >, " and ' escaped (text and attribute values). */
void ic_rs_html_escape(ic_buf *b, const char *s);

/* An HTML5 page (NUL-terminated, malloc'd) showing every member of doc;
 * members named "links" become <a> elements. */
char *ic_rs_html_page(const char *title, const json_t *doc, size_t *len);

#endif
