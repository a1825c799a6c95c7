/*
 * assert_impl — what the assertion evaluator (assert.c) and the load-time
 * checker (assert_check.c) share; not part of the library's interface.
 */
#ifndef IC_ASSERT_IMPL_H
#define IC_ASSERT_IMPL_H

#include <stddef.h>

#include <jansson.h>

#include "assert.h"

/* Assertion kind keys and comparison operators, NULL-terminated. */
extern const char *const ic_assert_kinds[];
extern const char *const ic_assert_ops[];

/* A JSON number or numeric string; -1 when it is neither. */
int ic_assert_number(const json_t *v, double *out);
/* A number as XML Schema writes it (exponents allowed); NaN otherwise. */
double ic_assert_text_number(const char *s);
/* POSIX ERE match; -1 (message in msg) for an invalid regex. */
int ic_assert_regex_match(const char *re, const char *s, char *msg,
                          size_t msglen, int *ok);
/* The comparison operators present in spec, applied to x. */
int ic_assert_has_ops(const json_t *spec);
ic_outcome ic_assert_numeric_ops(const json_t *spec, double x, const char *what,
                                 char *msg, size_t msglen);
/* "count": a number or an object of comparison operators. */
ic_outcome ic_assert_count_check(const json_t *want, double n, const char *what,
                                 char *msg, size_t msglen);
/* Copy s, shortened with "..." to fit len. */
void ic_assert_clip(char *dst, size_t len, const char *s);

/* The XML kinds (assert_xml.c). */
ic_outcome ic_assert_xml_wf(ic_eval *ev, char *msg, size_t msglen);
ic_outcome ic_assert_xpath(ic_eval *ev, const json_t *a, char *msg,
                           size_t msglen);
ic_outcome ic_assert_xsd(ic_eval *ev, const json_t *a, char *msg,
                         size_t msglen);
ic_outcome ic_assert_ogc_exception(ic_eval *ev, const json_t *a, char *msg,
                                   size_t msglen);

#endif
