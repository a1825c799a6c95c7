/*
 * trust — the trust list: which public keys a verifier accepts, whose they
 * are (test centre) and when each is valid (validity window, revocation).
 */
#ifndef IC_TRUST_H
#define IC_TRUST_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>

#include "keys.h"

typedef struct ic_trust_key {
    char keyid[IC_KEYID_LEN + 1];
    char *owner;        /* owned: test centre */
    EVP_PKEY *key;      /* owned */
    time_t valid_from;  /* inclusive */
    time_t valid_until; /* exclusive */
    time_t revoked_at;  /* exclusive end as well; only when revoked */
    int revoked;
} ic_trust_key;

typedef struct ic_trust {
    ic_trust_key *keys; /* owned array */
    size_t nkeys;
} ic_trust;

/* Malformed list -> IC_EINPUT naming the file and the JSON path. */
int ic_trust_load(ic_trust **out, const char *path);
void ic_trust_free(ic_trust *t);
/* Entry with that key id (whatever its validity), or NULL. Borrowed. */
const ic_trust_key *ic_trust_find(const ic_trust *t, const char *keyid);
/* 1 when the key may be used at time t; else 0 and why (a sentence). */
int ic_trust_key_valid_at(const ic_trust_key *k, time_t t, char *why,
                          size_t whylen);
/* RFC 3339 date-time ("2026-01-01T00:00:00Z", fraction and offset allowed)
 * to time_t; IC_EINPUT when malformed. */
int ic_time_parse_rfc3339(time_t *out, const char *s);

#endif
