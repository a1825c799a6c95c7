#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/err.h>

#include "base64.h"
#include "dsse.h"
#include "error.h"
#include "keys.h"

void
ic_dsse_pae(ic_buf *out, const char *type, const void *body, size_t len)
{
    ic_buf_appendf(out, "DSSEv1 %zu %s %zu ", strlen(type), type, len);
    ic_buf_append(out, body, len);
}

static const EVP_MD *
digest_for(EVP_PKEY *key)
{
    /* Ed25519 is a one-shot scheme over the message: no digest */
    return EVP_PKEY_is_a(key, "ED25519") ? NULL : EVP_sha256();
}

int
ic_dsse_sign_bytes(unsigned char **sig, size_t *sig_len, EVP_PKEY *key,
                   const void *msg, size_t len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t n = 0;
    int rc = IC_OK;

    *sig = NULL;
    *sig_len = 0;
    if (!ctx ||
        EVP_DigestSignInit(ctx, NULL, digest_for(key), NULL, key) != 1 ||
        EVP_DigestSign(ctx, NULL, &n, msg, len) != 1) {
        rc = ic_error_set(IC_ERUNTIME, "signing failed");
        goto cleanup;
    }
    *sig = xmalloc(n);
    if (EVP_DigestSign(ctx, *sig, &n, msg, len) != 1) {
        rc = ic_error_set(IC_ERUNTIME, "signing failed");
        free(*sig);
        *sig = NULL;
        goto cleanup;
    }
    *sig_len = n;
cleanup:
    ERR_clear_error();
    EVP_MD_CTX_free(ctx);
    return rc;
}

int
ic_dsse_verify_bytes(EVP_PKEY *key, const void *msg, size_t len,
                     const unsigned char *sig, size_t sig_len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc;

    if (!ctx ||
        EVP_DigestVerifyInit(ctx, NULL, digest_for(key), NULL, key) != 1) {
        rc = ic_error_set(IC_ERUNTIME, "signature verification unavailable");
        goto cleanup;
    }
    rc = EVP_DigestVerify(ctx, sig, sig_len, msg, len) == 1 ? 0 : 1;
cleanup:
    ERR_clear_error();
    EVP_MD_CTX_free(ctx);
    return rc;
}

void
ic_dsse_envelope_init(ic_dsse_envelope *e)
{
    memset(e, 0, sizeof(*e));
}

void
ic_dsse_envelope_dispose(ic_dsse_envelope *e)
{
    if (!e)
        return;
    free(e->payload_type);
    free(e->payload);
    for (size_t i = 0; i < e->nsigs; i++) {
        free(e->sigs[i].keyid);
        free(e->sigs[i].sig);
    }
    free(e->sigs);
    free(e->damage);
    ic_dsse_envelope_init(e);
}

int
ic_dsse_envelope_sign(ic_dsse_envelope *e, const char *payload_type,
                      const void *payload, size_t len, EVP_PKEY *key)
{
    char keyid[IC_KEYID_LEN + 1];
    ic_buf pae;
    int rc;

    ic_buf_init(&pae, 0);
    ic_dsse_envelope_init(e);
    rc = ic_key_id(keyid, key);
    if (rc < 0)
        goto cleanup;
    e->payload_type = xstrdup(payload_type);
    e->payload = xmalloc(len + 1);
    memcpy(e->payload, payload, len);
    e->payload[len] = '\0';
    e->payload_len = len;
    e->sigs = xcalloc(1, sizeof(*e->sigs));
    e->nsigs = 1;
    e->sigs[0].keyid = xstrdup(keyid);
    ic_dsse_pae(&pae, payload_type, payload, len);
    rc = ic_dsse_sign_bytes(&e->sigs[0].sig, &e->sigs[0].sig_len, key, pae.data,
                            pae.len);
cleanup:
    if (rc < 0)
        ic_dsse_envelope_dispose(e);
    ic_buf_dispose(&pae);
    return rc;
}

int
ic_dsse_envelope_verify(const ic_dsse_envelope *e, size_t i, EVP_PKEY *key)
{
    ic_buf pae;
    int rc;

    if (i >= e->nsigs)
        return ic_error_set(IC_EINPUT, "no signature %zu", i);
    ic_buf_init(&pae, 0);
    ic_dsse_pae(&pae, e->payload_type, e->payload, e->payload_len);
    rc = ic_dsse_verify_bytes(key, pae.data, pae.len, e->sigs[i].sig,
                              e->sigs[i].sig_len);
    ic_buf_dispose(&pae);
    return rc;
}

char *
ic_dsse_envelope_encode(const ic_dsse_envelope *e)
{
    json_t *root = json_object(), *sigs = json_array();
    char *payload = ic_base64_encode(e->payload, e->payload_len);
    char *text, *out;

    json_object_set_new(root, "payloadType", json_string(e->payload_type));
    json_object_set_new(root, "payload", json_string(payload));
    for (size_t i = 0; i < e->nsigs; i++) {
        json_t *s = json_object();
        char *b = ic_base64_encode(e->sigs[i].sig, e->sigs[i].sig_len);

        if (e->sigs[i].keyid && e->sigs[i].keyid[0])
            json_object_set_new(s, "keyid", json_string(e->sigs[i].keyid));
        json_object_set_new(s, "sig", json_string(b));
        json_array_append_new(sigs, s);
        free(b);
    }
    json_object_set_new(root, "signatures", sigs);
    text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text) {
        fputs("isrcert: out of memory\n", stderr);
        abort();
    }
    out = xasprintf("%s\n", text);
    free(text);
    free(payload);
    json_decref(root);
    return out;
}

static int
get_string(const char **out, json_t *obj, const char *key, const char *what,
           const char *path)
{
    json_t *v = json_object_get(obj, key);

    if (!json_is_string(v))
        return ic_error_set(IC_EINPUT, "%s: %s.%s: %s", what, path, key,
                            v ? "not a string" : "missing");
    *out = json_string_value(v);
    return IC_OK;
}

int
ic_dsse_envelope_decode(ic_dsse_envelope *e, const char *json, size_t len,
                        const char *what)
{
    json_error_t jerr;
    json_t *root = NULL, *sigs, *v;
    const char *s = NULL, *key;
    size_t i;
    int rc = IC_OK;

    ic_dsse_envelope_init(e);
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        rc = ic_error_set(IC_EINPUT, "%s:%d:%d: %s", what, jerr.line,
                          jerr.column, jerr.text);
        goto cleanup;
    }
    if (!json_is_object(root)) {
        rc = ic_error_set(IC_EINPUT, "%s: $: not an object", what);
        goto cleanup;
    }
    json_object_foreach (root, key, v) {
        if (strcmp(key, "payloadType") && strcmp(key, "payload") &&
            strcmp(key, "signatures")) {
            rc =
                ic_error_set(IC_EINPUT, "%s: $: unknown key \"%s\"", what, key);
            goto cleanup;
        }
    }
    if ((rc = get_string(&s, root, "payloadType", what, "$")) < 0)
        goto cleanup;
    e->payload_type = xstrdup(s);
    if ((rc = get_string(&s, root, "payload", what, "$")) < 0)
        goto cleanup;
    if (ic_base64_decode(&e->payload, &e->payload_len, s) < 0) {
        if (!e->damage)
            e->damage = xasprintf("$.payload: %s", ic_error_last());
        e->payload = (unsigned char *)xstrdup(s);
        e->payload_len = strlen(s);
    }
    sigs = json_object_get(root, "signatures");
    if (!json_is_array(sigs) || json_array_size(sigs) == 0) {
        rc = ic_error_set(IC_EINPUT, "%s: $.signatures: %s", what,
                          json_is_array(sigs) ? "empty"
                                              : "missing or not an array");
        goto cleanup;
    }
    e->sigs = xcalloc(json_array_size(sigs), sizeof(*e->sigs));
    json_array_foreach (sigs, i, v) {
        char path[64];
        json_t *kid;

        snprintf(path, sizeof(path), "$.signatures[%zu]", i);
        if (!json_is_object(v)) {
            rc = ic_error_set(IC_EINPUT, "%s: %s: not an object", what, path);
            goto cleanup;
        }
        e->nsigs++;
        kid = json_object_get(v, "keyid");
        if (kid && !json_is_string(kid)) {
            rc = ic_error_set(IC_EINPUT, "%s: %s.keyid: not a string", what,
                              path);
            goto cleanup;
        }
        e->sigs[i].keyid = xstrdup(kid ? json_string_value(kid) : "");
        if ((rc = get_string(&s, v, "sig", what, path)) < 0)
            goto cleanup;
        if (ic_base64_decode(&e->sigs[i].sig, &e->sigs[i].sig_len, s) < 0) {
            if (!e->damage)
                e->damage = xasprintf("%s.sig: %s", path, ic_error_last());
            e->sigs[i].sig = (unsigned char *)xstrdup(s);
            e->sigs[i].sig_len = strlen(s);
        }
    }
cleanup:
    if (rc < 0)
        ic_dsse_envelope_dispose(e);
    json_decref(root);
    return rc;
}
