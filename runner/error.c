#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

static _Thread_local char last[1024];

int
ic_error_set(int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last, sizeof(last), fmt, ap);
    va_end(ap);
    return code;
}

void
ic_error_prefix(const char *fmt, ...)
{
    char prefix[512], old[sizeof(last)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    size_t n;

    memcpy(old, last, sizeof(old));
    n = strlen(prefix);
    if (n > sizeof(last) - 3)
        n = sizeof(last) - 3;
    memcpy(last, prefix, n);
    memcpy(last + n, ": ", 2);
    n += 2;
    memcpy(last + n, old, strnlen(old, sizeof(last) - n - 1));
    last[n + strnlen(old, sizeof(last) - n - 1)] = '\0';
}

const char *
ic_error_last(void)
{
    return last[0] ? last : "unknown error";
}

void
ic_error_clear(void)
{
    last[0] = '\0';
}
