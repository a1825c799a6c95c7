/*
 * keys — signing keys: generation of Ed25519 / ECDSA P-256 key pairs as PEM
 * files (PKCS#8 private, SPKI public), loading them, and key ids.
 */
#ifndef IC_KEYS_H
#define IC_KEYS_H

#include <openssl/evp.h>

typedef enum ic_key_type {
    IC_KEY_ED25519 = 0,
    IC_KEY_P256,
} ic_key_type;

/* Key id: hex SHA-256 of the DER SubjectPublicKeyInfo. */
#define IC_KEYID_LEN 64

/* "ed25519" / "p256" -> type; -1 when unknown. */
int ic_key_type_parse(const char *name);
/* Name of a loaded key's type ("ed25519", "p256"), or NULL when the key is of
 * a kind isrcert does not sign with. */
const char *ic_key_type_name(const EVP_PKEY *key);

int ic_key_generate(EVP_PKEY **out, ic_key_type type);
/* Write PREFIX.key (0600) and PREFIX.pub; refuses (IC_EINPUT) when either
 * exists. keyid (IC_KEYID_LEN + 1 bytes) may be NULL. */
int ic_key_write_pair(const char *prefix, ic_key_type type, char *keyid);

int ic_key_load_private(EVP_PKEY **out, const char *path);
int ic_key_load_public(EVP_PKEY **out, const char *path);
/* Public key from PEM text (SPKI); what names the source in errors. */
int ic_key_from_pem(EVP_PKEY **out, const char *pem, const char *what);
/* Allocated PEM SPKI text of the public half. */
char *ic_key_public_pem(const EVP_PKEY *key);
int ic_key_id(char *out, const EVP_PKEY *key);

#endif
