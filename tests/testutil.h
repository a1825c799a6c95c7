/*
 * testutil — temporary folders for the cmocka tests (include after
 * cmocka.h and util.h).
 */
#ifndef IC_TESTUTIL_H
#define IC_TESTUTIL_H

#include <stdlib.h>

/* A new folder /tmp/<prefix>.XXXXXX (allocated). */
static inline char *
test_tmpdir(const char *prefix)
{
    char *d = xasprintf("/tmp/%s.XXXXXX", prefix);

    assert_non_null(mkdtemp(d));
    return d;
}

/* Remove a folder the test made, with everything in it. */
static inline void
test_rmrf(const char *dir)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);

    assert_int_equal(system(cmd), 0);
    free(cmd);
}

#endif
