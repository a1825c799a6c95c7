#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "error.h"
#include "util.h"

static void
oom(void)
{
    fputs("isrcert: out of memory\n", stderr);
    abort();
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        oom();
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        oom();
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        oom();
    return q;
}

char *
xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom();
    p = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void
ic_buf_init(ic_buf *b, size_t cap)
{
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    b->cap = cap;
}

void
ic_buf_dispose(ic_buf *b)
{
    free(b->data);
    ic_buf_init(b, b->cap);
}

int
ic_buf_append(ic_buf *b, const void *data, size_t len)
{
    if (b->cap && (b->len + len > b->cap || b->len + len < b->len))
        return -1;
    if (b->len + len + 1 > b->alloc) {
        size_t n = b->alloc ? b->alloc : 256;

        while (n < b->len + len + 1)
            n *= 2;
        b->data = xrealloc(b->data, n);
        b->alloc = n;
    }
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int
ic_buf_appendf(ic_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256], *big = NULL;
    int n, rc;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n < sizeof(small))
        return ic_buf_append(b, small, (size_t)n);
    big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    rc = ic_buf_append(b, big, (size_t)n);
    free(big);
    return rc;
}

char *
ic_buf_take(ic_buf *b, size_t *len)
{
    char *p = b->data ? b->data : xstrdup("");

    if (len)
        *len = b->len;
    ic_buf_init(b, b->cap);
    return p;
}

int
ic_file_read(char **out, size_t *len, const char *path)
{
    FILE *f = NULL;
    ic_buf b;
    char chunk[65536];
    size_t n;
    int rc = IC_OK;

    ic_buf_init(&b, 0);
    *out = NULL;
    f = fopen(path, "rb");
    if (!f)
        return ic_error_set(IC_EINPUT, "%s: %s", path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        ic_buf_append(&b, chunk, n);
    if (ferror(f)) {
        rc = ic_error_set(IC_EINPUT, "%s: read error", path);
        goto cleanup;
    }
    *out = ic_buf_take(&b, len);
cleanup:
    ic_buf_dispose(&b);
    fclose(f);
    return rc;
}

/* Fill a new temp file with data, fsync and close it. */
static int
write_temp(const char *tmp, const void *data, size_t len, int mode)
{
    const char *p = data;
    int fd, rc = IC_OK;

    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return ic_error_set(IC_ERUNTIME, "%s: %s", tmp, strerror(errno));
    if (fchmod(fd, (mode_t)mode) < 0) { /* the umask must not widen it */
        rc = ic_error_set(IC_ERUNTIME, "%s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    while (len > 0) {
        ssize_t w = write(fd, p, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            rc = ic_error_set(IC_ERUNTIME, "%s: %s", tmp, strerror(errno));
            goto cleanup;
        }
        p += w;
        len -= (size_t)w;
    }
    if (fsync(fd) < 0)
        rc = ic_error_set(IC_ERUNTIME, "%s: fsync: %s", tmp, strerror(errno));
cleanup:
    if (close(fd) < 0 && rc == IC_OK)
        rc = ic_error_set(IC_ERUNTIME, "%s: %s", tmp, strerror(errno));
    return rc;
}

int
ic_file_write_atomic(const char *path, const void *data, size_t len, int mode)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int rc;

    unlink(tmp); /* a leftover of a killed run with the same pid */
    rc = write_temp(tmp, data, len, mode);
    if (rc == IC_OK && rename(tmp, path) < 0)
        rc = ic_error_set(IC_ERUNTIME, "%s: %s", path, strerror(errno));
    if (rc != IC_OK)
        unlink(tmp);
    free(tmp);
    return rc;
}

int
ic_file_write_new(const char *path, const void *data, size_t len, int mode)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int rc;

    unlink(tmp);
    rc = write_temp(tmp, data, len, mode);
    if (rc == IC_OK && link(tmp, path) < 0)
        rc = ic_error_set(errno == EEXIST ? IC_EINPUT : IC_ERUNTIME, "%s: %s",
                          path,
                          errno == EEXIST ? "exists, refusing to overwrite"
                                          : strerror(errno));
    unlink(tmp);
    free(tmp);
    return rc;
}

static void
hex(char *out, const unsigned char *md, unsigned n)
{
    static const char digits[] = "0123456789abcdef";

    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[2 * n] = '\0';
}

void
ic_sha256_hex(char *out, const void *data, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;

    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL))
        oom();
    hex(out, md, n);
}

int
ic_sha256_file_hex(char *out, const char *path)
{
    EVP_MD_CTX *ctx = NULL;
    unsigned char md[EVP_MAX_MD_SIZE], chunk[65536];
    unsigned n = 0;
    size_t r;
    FILE *f = fopen(path, "rb");
    int rc = IC_OK;

    if (!f)
        return ic_error_set(IC_EINPUT, "%s: %s", path, strerror(errno));
    ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        rc = ic_error_set(IC_ERUNTIME, "SHA-256 unavailable");
        goto cleanup;
    }
    while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
        EVP_DigestUpdate(ctx, chunk, r);
    if (ferror(f)) {
        rc = ic_error_set(IC_EINPUT, "%s: read error", path);
        goto cleanup;
    }
    EVP_DigestFinal_ex(ctx, md, &n);
    hex(out, md, n);
cleanup:
    EVP_MD_CTX_free(ctx);
    fclose(f);
    return rc;
}

void
ic_utf8_sanitize(char *s)
{
    unsigned char *p = (unsigned char *)s;

    while (*p) {
        size_t n = *p < 0x80                           ? 1
                   : (*p & 0xe0) == 0xc0 && *p >= 0xc2 ? 2
                   : (*p & 0xf0) == 0xe0               ? 3
                   : (*p & 0xf8) == 0xf0 && *p <= 0xf4 ? 4
                                                       : 0;
        size_t k;

        for (k = 1; k < n && (p[k] & 0xc0) == 0x80; k++)
            ;
        /* overlong 3-byte forms and surrogates are not UTF-8 either */
        if (n == 3 && k == 3 &&
            ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0)))
            k = 0;
        if (n == 4 && k == 4 &&
            ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90)))
            k = 0;
        if (n == 0 || k != n) {
            *p++ = '?';
            continue;
        }
        p += n;
    }
}

void
ic_time_now_rfc3339(char *out, size_t len)
{
    struct timespec ts;
    struct tm tm;
    char base[32];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, len, "%s.%03ldZ", base, ts.tv_nsec / 1000000);
}

double
ic_time_monotonic(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *
ic_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir);

    if (name[0] == '/')
        return xstrdup(name);
    if (n && dir[n - 1] == '/')
        return xasprintf("%s%s", dir, name);
    return xasprintf("%s/%s", dir, name);
}

char *
ic_path_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}
