#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base64.h"
#include "error.h"
#include "util.h"

char *
ic_base64_encode(const void *data, size_t len)
{
    char *out = xmalloc(4 * ((len + 2) / 3) + 1);
    const unsigned char *p = data;
    size_t done = 0, o = 0;

    /* EVP_EncodeBlock takes an int length: feed it in whole 3-byte groups */
    while (done < len) {
        size_t n = len - done;

        if (n > (size_t)3 * 1024 * 1024)
            n = (size_t)3 * 1024 * 1024;
        o +=
            (size_t)EVP_EncodeBlock((unsigned char *)out + o, p + done, (int)n);
        done += n;
    }
    out[o] = '\0';
    return out;
}

static int
is_b64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int
ic_base64_decode(unsigned char **out, size_t *len, const char *text)
{
    size_t n = strlen(text), m = 0, pad = 0, o = 0;
    char *norm = NULL;
    unsigned char *buf = NULL;
    int rc = IC_OK;

    *out = NULL;
    *len = 0;
    while (n > 0 && text[n - 1] == '=' && pad < 2) {
        n--;
        pad++;
    }
    norm = xmalloc(n + 4);
    for (size_t i = 0; i < n; i++) {
        char c = text[i];

        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        if (!is_b64_char(c)) {
            rc = ic_error_set(IC_EINPUT, "invalid base64 character at %zu", i);
            goto cleanup;
        }
        norm[m++] = c;
    }
    if (m % 4 == 1 || (pad && (m + pad) % 4 != 0)) {
        rc = ic_error_set(IC_EINPUT, "invalid base64 length");
        goto cleanup;
    }
    pad = (4 - m % 4) % 4;
    for (size_t i = 0; i < pad; i++)
        norm[m++] = '=';
    buf = xmalloc(m / 4 * 3 + 1);
    /* decode in chunks because EVP_DecodeBlock takes an int length */
    for (size_t done = 0; done < m;) {
        size_t chunk = m - done;
        int r;

        if (chunk > (size_t)4 * 1024 * 1024)
            chunk = (size_t)4 * 1024 * 1024;
        r = EVP_DecodeBlock(buf + o, (const unsigned char *)norm + done,
                            (int)chunk);
        if (r < 0) {
            rc = ic_error_set(IC_EINPUT, "invalid base64");
            goto cleanup;
        }
        o += (size_t)r;
        done += chunk;
    }
    o -= pad; /* EVP_DecodeBlock counts padding as zero bytes */
    buf[o] = '\0';
    *out = buf;
    *len = o;
    buf = NULL;
cleanup:
    free(norm);
    free(buf);
    return rc;
}
