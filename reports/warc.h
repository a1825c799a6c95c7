/*
 * warc — the evidence archive: every HTTP exchange of a run as WARC 1.1
 * request/response records with SHA-256 digests, and a reader that walks
 * an archive's records and checks their block digests.
 */
#ifndef IC_WARC_H
#define IC_WARC_H

#include <stddef.h>

#include "response.h"

typedef struct ic_warc ic_warc;

typedef struct ic_warc_ref {
    char request_id[64];  /* "<urn:uuid:...>" as in WARC-Record-ID */
    char response_id[64]; /* "" when the transport failed: then a metadata
                             record carries the error */
    char sha256[72];      /* "sha256:<hex>" block digest of the response
                             record (of the metadata record on failure) */
    char metadata_id[64]; /* the metadata record on failure, else "" */
} ic_warc_ref;

/* Create the archive via a temp file (path.tmp.PID) and write the warcinfo
 * record naming software. */
int ic_warc_open(ic_warc **out, const char *path, const char *software);
/* Append the request record (block = r->request_raw) and the response record
 * (block = r->header_raw then r->body, written from those buffers), linked
 * by WARC-Concurrent-To and labelled "WARC-Isrcert-Test: instance_id". When
 * r->transport_error is set, a metadata record carrying it replaces the
 * response record. One thread at a time. */
int ic_warc_write_exchange(ic_warc *w, const char *instance_id,
                           const ic_response *r, ic_warc_ref *ref);
/* fsync and rename into place; on error the temp file is removed. */
int ic_warc_close(ic_warc *w);
/* Discards a non-closed archive (removes the temp file); accepts NULL. */
void ic_warc_free(ic_warc *w);

typedef struct ic_warc_record {
    const char *type;          /* WARC-Type */
    const char *id;            /* WARC-Record-ID, with the angle brackets */
    const char *target_uri;    /* or NULL */
    const char *concurrent_to; /* or NULL */
    const char *test;          /* WARC-Isrcert-Test or NULL */
    const char *block_digest;  /* WARC-Block-Digest or NULL */
    const unsigned char *block;
    size_t block_len;
    int digest_ok;    /* 1 matches, 0 differs, -1 no sha256 block digest */
    long long offset; /* of the record's first byte in the file */
} ic_warc_record;

/* Nonzero stops the iteration and is returned by ic_warc_read. */
typedef int (*ic_warc_record_fn)(const ic_warc_record *rec, void *ctx);
/* Walk the records of a WARC file; a malformed archive is IC_EINPUT naming
 * the byte offset. */
int ic_warc_read(const char *path, ic_warc_record_fn fn, void *ctx);
/* The same over an archive already in memory; path only names it in
 * messages. */
int ic_warc_read_buffer(const char *path, const void *data, size_t size,
                        ic_warc_record_fn fn, void *ctx);

#endif
