/*
 * response — one recorded HTTP exchange as the evaluators see it: the exact
 * request bytes sent and the response (raw header block and body) received,
 * or the transport failure that prevented it.
 */
#ifndef IC_RESPONSE_H
#define IC_RESPONSE_H

#include <stddef.h>

typedef struct ic_header {
    char *name;  /* owned */
    char *value; /* owned, trimmed */
} ic_header;

typedef struct ic_response {
    /* request as sent */
    char *method;      /* owned */
    char *url;         /* owned; secrets already redacted */
    char *request_raw; /* owned: request line + headers + CRLF + body */
    size_t request_len;
    /* response; status 0 when the transport failed */
    long status;
    char *header_raw; /* owned: status line + header lines + CRLF */
    size_t header_len;
    ic_header *headers; /* owned array, headers of the final response */
    size_t nheaders;
    unsigned char *body; /* owned, NUL-terminated after body_len */
    size_t body_len;
    char *effective_url; /* owned; after redirects */
    double seconds;      /* total time */
    /* transport failure: NULL when the exchange completed */
    char *transport_error; /* owned, e.g. "timeout after 30 s" */
} ic_response;

void ic_response_init(ic_response *r);
void ic_response_dispose(ic_response *r);
/* Case-insensitive lookup; borrowed value or NULL. Last one wins. */
const char *ic_response_header(const ic_response *r, const char *name);
/* Parse a raw header block ("HTTP/1.1 200 OK\r\nName: v\r\n...") into
 * status and headers. When several blocks follow each other (redirects,
 * 100-continue), the last one counts. */
int ic_response_parse_headers(ic_response *r, const char *raw, size_t len);

#endif
