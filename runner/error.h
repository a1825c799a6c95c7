/*
 * error — the thread-local last-error message.
 * Functions return 0 or a negative IC_E* code and leave one line here.
 */
#ifndef IC_ERROR_H
#define IC_ERROR_H

enum {
    IC_OK = 0,
    IC_EINPUT = -1,  /* invalid input file or usage: exit 2 */
    IC_ERUNTIME = -2 /* runtime failure (I/O, library): exit 3 */
};

/* Replace the last error with a formatted message; returns code. */
int ic_error_set(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prefix the current message ("prefix: old message"). */
void ic_error_prefix(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* Borrowed; never NULL. */
const char *ic_error_last(void);
void ic_error_clear(void);

#endif
