/*
 * dsse — DSSE envelopes: the pre-authentication encoding (PAE), signing and
 * verifying it with an EVP_PKEY, and the envelope's JSON form.
 */
#ifndef IC_DSSE_H
#define IC_DSSE_H

#include <stddef.h>

#include <openssl/evp.h>

#include "util.h"

#define IC_DSSE_INTOTO_TYPE "application/vnd.in-toto+json"

typedef struct ic_dsse_sig {
    char *keyid;        /* owned; "" when absent */
    unsigned char *sig; /* owned */
    size_t sig_len;
} ic_dsse_sig;

typedef struct ic_dsse_envelope {
    char *payload_type;     /* owned */
    unsigned char *payload; /* owned, NUL-terminated after payload_len */
    size_t payload_len;
    ic_dsse_sig *sigs; /* owned array */
    size_t nsigs;
    /* set when the payload or a signature is not base64: the envelope was
     * altered; it is kept (raw text as bytes) so that it fails to verify */
    char *damage; /* owned, e.g. "$.signatures[0].sig: invalid base64" */
} ic_dsse_envelope;

/* "DSSEv1" SP len(type) SP type SP len(body) SP body, appended to out. */
void ic_dsse_pae(ic_buf *out, const char *type, const void *body, size_t len);

/* Ed25519 signs the message itself; P-256 signs its SHA-256 (DER ECDSA). */
int ic_dsse_sign_bytes(unsigned char **sig, size_t *sig_len, EVP_PKEY *key,
                       const void *msg, size_t len);
/* 0 valid, 1 invalid signature, <0 error. */
int ic_dsse_verify_bytes(EVP_PKEY *key, const void *msg, size_t len,
                         const unsigned char *sig, size_t sig_len);

void ic_dsse_envelope_init(ic_dsse_envelope *e);
void ic_dsse_envelope_dispose(ic_dsse_envelope *e);
/* Build an envelope over payload, signed once with key. */
int ic_dsse_envelope_sign(ic_dsse_envelope *e, const char *payload_type,
                          const void *payload, size_t len, EVP_PKEY *key);
/* Signature i checked against key over the envelope's PAE: 0/1/<0. */
int ic_dsse_envelope_verify(const ic_dsse_envelope *e, size_t i, EVP_PKEY *key);
/* Allocated JSON text (standard base64). */
char *ic_dsse_envelope_encode(const ic_dsse_envelope *e);
/* Parse JSON text; IC_EINPUT naming what (file) and the JSON path. */
int ic_dsse_envelope_decode(ic_dsse_envelope *e, const char *json, size_t len,
                            const char *what);

#endif
