#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "error.h"
#include "keys.h"
#include "util.h"

int
ic_key_type_parse(const char *name)
{
    if (strcmp(name, "ed25519") == 0)
        return IC_KEY_ED25519;
    if (strcmp(name, "p256") == 0)
        return IC_KEY_P256;
    return -1;
}

const char *
ic_key_type_name(const EVP_PKEY *key)
{
    char group[64];
    size_t n = 0;

    if (EVP_PKEY_is_a(key, "ED25519"))
        return "ed25519";
    if (EVP_PKEY_is_a(key, "EC") &&
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                       sizeof(group), &n) &&
        (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0))
        return "p256";
    return NULL;
}

static const char *
ssl_error(void)
{
    static _Thread_local char msg[256];
    unsigned long e = ERR_get_error();

    if (!e)
        return "OpenSSL error";
    ERR_error_string_n(e, msg, sizeof(msg));
    ERR_clear_error();
    return msg;
}

int
ic_key_generate(EVP_PKEY **out, ic_key_type type)
{
    *out = type == IC_KEY_P256 ? EVP_EC_gen("P-256")
                               : EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!*out)
        return ic_error_set(IC_ERUNTIME, "key generation: %s", ssl_error());
    return IC_OK;
}

static char *
bio_text(BIO *bio, size_t *len)
{
    char *mem = NULL;
    long n = BIO_get_mem_data(bio, &mem);
    char *s = xstrndup(mem, n > 0 ? (size_t)n : 0);

    if (len)
        *len = n > 0 ? (size_t)n : 0;
    return s;
}

char *
ic_key_public_pem(const EVP_PKEY *key)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *s = NULL;

    if (bio && PEM_write_bio_PUBKEY(bio, key))
        s = bio_text(bio, NULL);
    BIO_free(bio);
    return s;
}

int
ic_key_write_pair(const char *prefix, ic_key_type type, char *keyid)
{
    EVP_PKEY *key = NULL;
    BIO *bio = NULL;
    char *keypath = xasprintf("%s.key", prefix);
    char *pubpath = xasprintf("%s.pub", prefix);
    char *priv = NULL, *pub = NULL;
    size_t privlen = 0;
    struct stat st;
    int rc, wrote_key = 0;

    /* check both first so that neither is written when one exists */
    if (lstat(keypath, &st) == 0 || lstat(pubpath, &st) == 0) {
        rc = ic_error_set(IC_EINPUT, "%s: exists, refusing to overwrite",
                          lstat(keypath, &st) == 0 ? keypath : pubpath);
        goto cleanup;
    }
    rc = ic_key_generate(&key, type);
    if (rc < 0)
        goto cleanup;
    bio = BIO_new(BIO_s_mem());
    if (!bio ||
        !PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)) {
        rc = ic_error_set(IC_ERUNTIME, "PEM encoding: %s", ssl_error());
        goto cleanup;
    }
    priv = bio_text(bio, &privlen);
    pub = ic_key_public_pem(key);
    if (!pub) {
        rc = ic_error_set(IC_ERUNTIME, "PEM encoding: %s", ssl_error());
        goto cleanup;
    }
    rc = ic_file_write_new(keypath, priv, privlen, 0600);
    if (rc < 0)
        goto cleanup;
    wrote_key = 1;
    rc = ic_file_write_new(pubpath, pub, strlen(pub), 0644);
    if (rc < 0)
        goto cleanup;
    if (keyid)
        rc = ic_key_id(keyid, key);
cleanup:
    if (rc < 0 && wrote_key)
        unlink(keypath);
    if (priv) {
        OPENSSL_cleanse(priv, privlen);
        free(priv);
    }
    free(pub);
    BIO_free(bio);
    EVP_PKEY_free(key);
    free(keypath);
    free(pubpath);
    return rc;
}

static int
check_type(const EVP_PKEY *key, const char *what)
{
    if (!ic_key_type_name(key))
        return ic_error_set(IC_EINPUT,
                            "%s: unsupported key type (need Ed25519 or "
                            "ECDSA P-256)",
                            what);
    return IC_OK;
}

int
ic_key_load_private(EVP_PKEY **out, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    BIO *bio = NULL;
    int rc;

    *out = NULL;
    rc = ic_file_read(&text, &len, path);
    if (rc < 0)
        goto cleanup;
    bio = BIO_new_mem_buf(text, (int)len);
    if (!bio) {
        rc = ic_error_set(IC_ERUNTIME, "out of memory");
        goto cleanup;
    }
    *out = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    if (!*out) {
        rc = ic_error_set(IC_EINPUT, "%s: not a PEM private key: %s", path,
                          ssl_error());
        goto cleanup;
    }
    rc = check_type(*out, path);
cleanup:
    if (rc < 0) {
        EVP_PKEY_free(*out);
        *out = NULL;
    }
    BIO_free(bio);
    if (text) {
        OPENSSL_cleanse(text, len);
        free(text);
    }
    return rc;
}

int
ic_key_from_pem(EVP_PKEY **out, const char *pem, const char *what)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    int rc = IC_OK;

    *out = NULL;
    if (!bio)
        return ic_error_set(IC_ERUNTIME, "out of memory");
    *out = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    if (!*out) {
        rc = ic_error_set(IC_EINPUT, "%s: not a PEM public key: %s", what,
                          ssl_error());
        goto cleanup;
    }
    rc = check_type(*out, what);
    if (rc < 0) {
        EVP_PKEY_free(*out);
        *out = NULL;
    }
cleanup:
    BIO_free(bio);
    return rc;
}

int
ic_key_load_public(EVP_PKEY **out, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    rc = ic_file_read(&text, &len, path);
    if (rc == IC_OK)
        rc = ic_key_from_pem(out, text, path);
    free(text);
    return rc;
}

int
ic_key_id(char *out, const EVP_PKEY *key)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(key, &der);

    if (n <= 0)
        return ic_error_set(IC_ERUNTIME, "key id: %s", ssl_error());
    ic_sha256_hex(out, der, (size_t)n);
    OPENSSL_free(der);
    return IC_OK;
}
