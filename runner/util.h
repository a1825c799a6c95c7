/*
 * util — allocation that aborts on OOM, a growable byte buffer with a cap,
 * whole-file reading, atomic file writing and SHA-256 hex digests.
 */
#ifndef IC_UTIL_H
#define IC_UTIL_H

#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Allocated, formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Byte buffer, always NUL-terminated after len. cap 0 means unlimited. */
typedef struct ic_buf {
    char *data; /* owned */
    size_t len;
    size_t alloc;
    size_t cap;
} ic_buf;

void ic_buf_init(ic_buf *b, size_t cap);
void ic_buf_dispose(ic_buf *b);
/* Returns -1 (and appends nothing) when the cap would be exceeded. */
int ic_buf_append(ic_buf *b, const void *data, size_t len);
int ic_buf_appendf(ic_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hand the data to the caller; the buffer is left empty. */
char *ic_buf_take(ic_buf *b, size_t *len);

/* Read a whole file (NUL-terminated); IC_EINPUT when it cannot be read. */
int ic_file_read(char **out, size_t *len, const char *path);
/* Write atomically: temp file in the same folder, fsync, rename. */
int ic_file_write_atomic(const char *path, const void *data, size_t len,
                         int mode);
/* The same, but never replacing an existing file (IC_EINPUT if it exists):
 * the temp file is hard-linked into place. */
int ic_file_write_new(const char *path, const void *data, size_t len, int mode);

#define IC_SHA256_HEX_LEN 64
/* out must hold IC_SHA256_HEX_LEN + 1 bytes. */
void ic_sha256_hex(char *out, const void *data, size_t len);
int ic_sha256_file_hex(char *out, const char *path);

/* Replace every byte that does not belong to a valid UTF-8 sequence with
 * '?', in place (text from servers goes into JSON and XML reports). */
void ic_utf8_sanitize(char *s);

/* Current UTC time as RFC 3339 with milliseconds (out >= 32 bytes). */
void ic_time_now_rfc3339(char *out, size_t len);
double ic_time_monotonic(void);

/* Join dir and name with one '/'. Allocated. */
char *ic_path_join(const char *dir, const char *name);
/* Folder part of path ("." if none). Allocated. */
char *ic_path_dirname(const char *path);

#endif
