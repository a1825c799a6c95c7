/*
 * base64 — encoding (standard alphabet, padded) and lenient decoding
 * (standard or URL-safe alphabet, with or without padding) over OpenSSL.
 */
#ifndef IC_BASE64_H
#define IC_BASE64_H

#include <stddef.h>

/* Allocated, NUL-terminated standard base64 with padding. */
char *ic_base64_encode(const void *data, size_t len);
/* Decode into an allocated buffer (NUL-terminated after *len); IC_EINPUT
 * when the text is not base64. */
int ic_base64_decode(unsigned char **out, size_t *len, const char *text);

#endif
