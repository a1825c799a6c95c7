/*
 * assert_impl — what the assertion evaluator (assert.c) and the load-time
 * checker (assert_check.c) share; not part of the library's interface.
 */
#ifndef IC_ASSERT_IMPL_H
#define IC_ASSERT_IMPL_H

#include <jansson.h>

/* Assertion kind keys and comparison operators, NULL-terminated. */
extern const char *const ic_assert_kinds[];
extern const char *const ic_assert_ops[];

/* A JSON number or numeric string; -1 when it is neither. */
int ic_assert_number(const json_t *v, double *out);

#endif
