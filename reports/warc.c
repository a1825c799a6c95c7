#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "error.h"
#include "util.h"
#include "warc.h"

/* A record header is small; anything longer is not a WARC header. */
#define HEADER_MAX (64 * 1024)

struct ic_warc {
    FILE *f;
    char *path; /* owned */
    char *tmp;  /* owned */
    char warcinfo_id[64];
};

/* One part of a record block; a block is written from up to two parts so
 * that a response body is never copied next to its header. */
typedef struct part {
    const void *data;
    size_t len;
} part;

static int
new_record_id(char *out, size_t len)
{
    unsigned char u[16];

    if (RAND_bytes(u, sizeof(u)) != 1)
        return ic_error_set(IC_ERUNTIME, "no random bytes for a record id");
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, len,
             "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x>",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
             u[11], u[12], u[13], u[14], u[15]);
    return IC_OK;
}

static void
hex_digest(char *out, EVP_MD_CTX *ctx)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;

    EVP_DigestFinal_ex(ctx, md, &n);
    memcpy(out, "sha256:", 7);
    for (unsigned i = 0; i < n; i++) {
        out[7 + 2 * i] = digits[md[i] >> 4];
        out[7 + 2 * i + 1] = digits[md[i] & 15];
    }
    out[7 + 2 * n] = '\0';
}

/* Header field values are one line: control characters and spaces would
 * break the record, so they are percent-encoded. */
static void
append_value(ic_buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c <= 0x20 || c == 0x7f)
            ic_buf_appendf(b, "%%%02X", c);
        else
            ic_buf_append(b, s, 1);
    }
}

static void
append_field(ic_buf *b, const char *name, const char *value)
{
    ic_buf_appendf(b, "%s: ", name);
    append_value(b, value);
    ic_buf_append(b, "\r\n", 2);
}

typedef struct record_spec {
    const char *type;
    const char *id;
    const char *date;
    const char *target_uri;
    const char *concurrent_to;
    const char *test;
    const char *filename;
    const char *content_type;
    int payload_digest; /* over the second part */
    part parts[2];
} record_spec;

static int
write_record(ic_warc *w, const record_spec *s, char *block_digest)
{
    EVP_MD_CTX *block = EVP_MD_CTX_new(), *payload = EVP_MD_CTX_new();
    char digest[72], pdigest[72];
    size_t total = 0;
    ic_buf h;
    int rc = IC_OK;

    ic_buf_init(&h, 0);
    if (!block || !payload || !EVP_DigestInit_ex(block, EVP_sha256(), NULL) ||
        !EVP_DigestInit_ex(payload, EVP_sha256(), NULL)) {
        rc = ic_error_set(IC_ERUNTIME, "SHA-256 unavailable");
        goto cleanup;
    }
    for (int i = 0; i < 2; i++) {
        if (!s->parts[i].len)
            continue;
        EVP_DigestUpdate(block, s->parts[i].data, s->parts[i].len);
        total += s->parts[i].len;
    }
    if (s->payload_digest && s->parts[1].len)
        EVP_DigestUpdate(payload, s->parts[1].data, s->parts[1].len);
    hex_digest(digest, block);
    hex_digest(pdigest, payload);

    ic_buf_append(&h, "WARC/1.1\r\n", 10);
    append_field(&h, "WARC-Type", s->type);
    append_field(&h, "WARC-Record-ID", s->id);
    append_field(&h, "WARC-Date", s->date);
    if (s->filename)
        append_field(&h, "WARC-Filename", s->filename);
    if (s->target_uri)
        append_field(&h, "WARC-Target-URI", s->target_uri);
    if (w->warcinfo_id[0] && strcmp(s->type, "warcinfo") != 0)
        append_field(&h, "WARC-Warcinfo-ID", w->warcinfo_id);
    if (s->concurrent_to)
        append_field(&h, "WARC-Concurrent-To", s->concurrent_to);
    if (s->test)
        append_field(&h, "WARC-Isrcert-Test", s->test);
    append_field(&h, "Content-Type", s->content_type);
    append_field(&h, "WARC-Block-Digest", digest);
    if (s->payload_digest)
        append_field(&h, "WARC-Payload-Digest", pdigest);
    ic_buf_appendf(&h, "Content-Length: %zu\r\n\r\n", total);

    fwrite(h.data, 1, h.len, w->f);
    for (int i = 0; i < 2; i++)
        if (s->parts[i].len)
            fwrite(s->parts[i].data, 1, s->parts[i].len, w->f);
    fwrite("\r\n\r\n", 1, 4, w->f);
    if (ferror(w->f)) {
        rc = ic_error_set(IC_ERUNTIME, "%s: write error: %s", w->tmp,
                          strerror(errno));
        goto cleanup;
    }
    if (block_digest)
        memcpy(block_digest, digest, sizeof(digest));
cleanup:
    ic_buf_dispose(&h);
    EVP_MD_CTX_free(block);
    EVP_MD_CTX_free(payload);
    return rc;
}

void
ic_warc_free(ic_warc *w)
{
    if (!w)
        return;
    if (w->f) {
        fclose(w->f);
        unlink(w->tmp);
    }
    free(w->path);
    free(w->tmp);
    free(w);
}

int
ic_warc_open(ic_warc **out, const char *path, const char *software)
{
    ic_warc *w = xcalloc(1, sizeof(*w));
    const char *base = strrchr(path, '/');
    char date[32];
    ic_buf info;
    record_spec s;
    int fd, rc = IC_OK;

    *out = NULL;
    ic_buf_init(&info, 0);
    w->path = xstrdup(path);
    w->tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || !(w->f = fdopen(fd, "wb"))) {
        rc = ic_error_set(IC_ERUNTIME, "%s: %s", w->tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(w->tmp);
        }
        goto cleanup;
    }
    /* records are tens of kB: fewer, larger writes */
    setvbuf(w->f, NULL, _IOFBF, 1 << 20);
    ic_buf_appendf(&info, "software: %s\r\n", software ? software : "isrcert");
    ic_buf_appendf(&info, "format: WARC File Format 1.1\r\n");
    ic_buf_appendf(&info, "conformsTo: http://iipc.github.io/"
                          "warc-specifications/specifications/warc-format/"
                          "warc-1.1/\r\n");
    ic_time_now_rfc3339(date, sizeof(date));
    rc = new_record_id(w->warcinfo_id, sizeof(w->warcinfo_id));
    if (rc < 0)
        goto cleanup;
    memset(&s, 0, sizeof(s));
    s.type = "warcinfo";
    s.id = w->warcinfo_id;
    s.date = date;
    s.content_type = "application/warc-fields";
    s.parts[0].data = info.data;
    s.parts[0].len = info.len;
    s.filename = base ? base + 1 : path;
    rc = write_record(w, &s, NULL);
    if (rc < 0)
        goto cleanup;
    *out = w;
    w = NULL;
cleanup:
    ic_buf_dispose(&info);
    ic_warc_free(w);
    return rc;
}

int
ic_warc_write_exchange(ic_warc *w, const char *instance_id,
                       const ic_response *r, ic_warc_ref *ref)
{
    char date[32], req_id[64], resp_id[64], digest[72];
    record_spec s;
    ic_buf meta;
    int rc;

    memset(ref, 0, sizeof(*ref));
    ic_buf_init(&meta, 0);
    if (!w->f)
        return ic_error_set(IC_ERUNTIME, "%s: archive is closed", w->path);
    ic_time_now_rfc3339(date, sizeof(date));
    if ((rc = new_record_id(req_id, sizeof(req_id))) < 0 ||
        (rc = new_record_id(resp_id, sizeof(resp_id))) < 0)
        goto cleanup;

    memset(&s, 0, sizeof(s));
    s.type = "request";
    s.id = req_id;
    s.date = date;
    s.target_uri = r->url ? r->url : "";
    s.concurrent_to = resp_id;
    s.test = instance_id;
    s.content_type = "application/http;msgtype=request";
    s.parts[0].data = r->request_raw;
    s.parts[0].len = r->request_raw ? r->request_len : 0;
    if ((rc = write_record(w, &s, NULL)) < 0)
        goto cleanup;

    s.id = resp_id;
    s.concurrent_to = req_id;
    if (r->transport_error) {
        s.type = "metadata";
        s.content_type = "application/warc-fields";
        ic_buf_append(&meta, "transport-error: ", 17);
        append_value(&meta, r->transport_error);
        ic_buf_append(&meta, "\r\n", 2);
        s.parts[0].data = meta.data;
        s.parts[0].len = meta.len;
    } else {
        s.type = "response";
        s.content_type = "application/http;msgtype=response";
        s.payload_digest = 1;
        s.parts[0].data = r->header_raw;
        s.parts[0].len = r->header_raw ? r->header_len : 0;
        s.parts[1].data = r->body;
        s.parts[1].len = r->body ? r->body_len : 0;
    }
    if ((rc = write_record(w, &s, digest)) < 0)
        goto cleanup;
    memcpy(ref->request_id, req_id, sizeof(req_id));
    memcpy(r->transport_error ? ref->metadata_id : ref->response_id, resp_id,
           sizeof(resp_id));
    memcpy(ref->sha256, digest, sizeof(digest));
cleanup:
    ic_buf_dispose(&meta);
    return rc;
}

int
ic_warc_close(ic_warc *w)
{
    int rc = IC_OK, fd;

    if (!w->f)
        return ic_error_set(IC_ERUNTIME, "%s: archive is closed", w->path);
    fd = fileno(w->f);
    if (fflush(w->f) != 0 || fsync(fd) < 0) {
        rc = ic_error_set(IC_ERUNTIME, "%s: %s", w->tmp, strerror(errno));
        goto cleanup;
    }
    if (fclose(w->f) != 0) {
        w->f = NULL;
        rc = ic_error_set(IC_ERUNTIME, "%s: %s", w->tmp, strerror(errno));
        goto cleanup;
    }
    w->f = NULL;
    if (rename(w->tmp, w->path) < 0)
        rc = ic_error_set(IC_ERUNTIME, "%s: %s", w->path, strerror(errno));
cleanup:
    if (rc < 0) {
        if (w->f)
            fclose(w->f);
        w->f = NULL;
        unlink(w->tmp);
    }
    return rc;
}

/* ---- reader ---- */

typedef struct fields {
    char *type, *id, *target_uri, *concurrent_to, *test, *block_digest;
    char *length;
} fields;

static void
fields_dispose(fields *f)
{
    free(f->type);
    free(f->id);
    free(f->target_uri);
    free(f->concurrent_to);
    free(f->test);
    free(f->block_digest);
    free(f->length);
    memset(f, 0, sizeof(*f));
}

static char **
field_slot(fields *f, const char *name, size_t n)
{
    static const struct {
        const char *name;
        size_t off;
    } map[] = {
        {"WARC-Type", offsetof(fields, type)},
        {"WARC-Record-ID", offsetof(fields, id)},
        {"WARC-Target-URI", offsetof(fields, target_uri)},
        {"WARC-Concurrent-To", offsetof(fields, concurrent_to)},
        {"WARC-Isrcert-Test", offsetof(fields, test)},
        {"WARC-Block-Digest", offsetof(fields, block_digest)},
        {"Content-Length", offsetof(fields, length)},
    };

    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strlen(map[i].name) == n && strncasecmp(map[i].name, name, n) == 0)
            return (char **)((char *)f + map[i].off);
    return NULL;
}

/* Parse the header lines between p and end (after the version line). */
static int
parse_fields(fields *f, const char *p, const char *end, const char *path,
             long long base, const char *start)
{
    while (p < end) {
        const char *eol = memchr(p, '\r', (size_t)(end - p));
        const char *colon, *v, *ve;
        char **slot;

        if (!eol || eol + 1 >= end || eol[1] != '\n')
            eol = end;
        colon = memchr(p, ':', (size_t)(eol - p));
        if (!colon || colon == p)
            return ic_error_set(IC_EINPUT,
                                "%s: offset %lld: malformed header line", path,
                                base + (long long)(p - start));
        v = colon + 1;
        while (v < eol && (*v == ' ' || *v == '\t'))
            v++;
        ve = eol;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        slot = field_slot(f, p, (size_t)(colon - p));
        if (slot) {
            if (*slot)
                return ic_error_set(
                    IC_EINPUT, "%s: offset %lld: repeated header %.*s", path,
                    base + (long long)(p - start), (int)(colon - p), p);
            *slot = xstrndup(v, (size_t)(ve - v));
        }
        p = eol + 2;
    }
    return IC_OK;
}

static int
parse_length(size_t *out, const char *s)
{
    size_t n = 0;

    if (!s || !*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > (SIZE_MAX - 9) / 10)
            return -1;
        n = n * 10 + (size_t)(*s - '0');
    }
    *out = n;
    return 0;
}

int
ic_warc_read_buffer(const char *path, const void *buf, size_t size,
                    ic_warc_record_fn fn, void *ctx)
{
    const unsigned char *data = buf;
    size_t pos = 0;
    fields f;
    int rc = IC_OK;

    memset(&f, 0, sizeof(f));
    if (size == 0)
        return ic_error_set(IC_EINPUT, "%s: offset 0: empty archive", path);
    while (pos < size) {
        const char *start = (const char *)data + pos;
        size_t avail = size - pos, hlen, blen;
        const char *hend = NULL, *line;
        char digest[72];
        ic_warc_record rec;
        long long off = (long long)pos;

        for (size_t i = 0; i + 3 < avail && i < HEADER_MAX; i++)
            if (memcmp(start + i, "\r\n\r\n", 4) == 0) {
                hend = start + i;
                break;
            }
        if (!hend) {
            rc = ic_error_set(IC_EINPUT,
                              "%s: offset %lld: record header not terminated",
                              path, off);
            goto cleanup;
        }
        hlen = (size_t)(hend - start) + 4;
        if (avail < 10 || (memcmp(start, "WARC/1.1\r\n", 10) != 0 &&
                           memcmp(start, "WARC/1.0\r\n", 10) != 0)) {
            rc = ic_error_set(
                IC_EINPUT, "%s: offset %lld: not a WARC/1.1 record", path, off);
            goto cleanup;
        }
        line = start + 10;
        if (line < hend &&
            (rc = parse_fields(&f, line, hend, path, off, start)) < 0)
            goto cleanup;
        if (!f.type || !f.id) {
            rc = ic_error_set(IC_EINPUT, "%s: offset %lld: record without %s",
                              path, off,
                              f.type ? "WARC-Record-ID" : "WARC-Type");
            goto cleanup;
        }
        if (parse_length(&blen, f.length) < 0) {
            rc = ic_error_set(IC_EINPUT,
                              "%s: offset %lld: record %s: bad or missing "
                              "Content-Length",
                              path, off, f.id);
            goto cleanup;
        }
        if (blen > avail - hlen || avail - hlen - blen < 4 ||
            memcmp(start + hlen + blen, "\r\n\r\n", 4) != 0) {
            rc = ic_error_set(IC_EINPUT,
                              "%s: offset %lld: record %s: block does not "
                              "end where Content-Length says",
                              path, off, f.id);
            goto cleanup;
        }
        memset(&rec, 0, sizeof(rec));
        rec.type = f.type;
        rec.id = f.id;
        rec.target_uri = f.target_uri;
        rec.concurrent_to = f.concurrent_to;
        rec.test = f.test;
        rec.block_digest = f.block_digest;
        rec.block = data + pos + hlen;
        rec.block_len = blen;
        rec.offset = off;
        rec.digest_ok = -1;
        if (f.block_digest && strncasecmp(f.block_digest, "sha256:", 7) == 0) {
            memcpy(digest, "sha256:", 7);
            ic_sha256_hex(digest + 7, rec.block, blen);
            rec.digest_ok = strcasecmp(digest, f.block_digest) == 0;
        }
        rc = fn(&rec, ctx);
        fields_dispose(&f);
        if (rc != 0)
            goto cleanup;
        pos += hlen + blen + 4;
    }
cleanup:
    fields_dispose(&f);
    return rc;
}

int
ic_warc_read(const char *path, ic_warc_record_fn fn, void *ctx)
{
    struct stat st;
    void *map = MAP_FAILED;
    int fd, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ic_error_set(IC_EINPUT, "%s: %s", path, strerror(errno));
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        rc = ic_error_set(IC_EINPUT, "%s: not a regular file", path);
        goto cleanup;
    }
    if (st.st_size > 0) {
        /* mapped, not read: evidence can be larger than memory wants */
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            rc = ic_error_set(IC_ERUNTIME, "%s: mmap: %s", path,
                              strerror(errno));
            goto cleanup;
        }
    }
    rc = ic_warc_read_buffer(path, map == MAP_FAILED ? NULL : map,
                             (size_t)st.st_size, fn, ctx);
cleanup:
    if (map != MAP_FAILED)
        munmap(map, (size_t)st.st_size);
    close(fd);
    return rc;
}
