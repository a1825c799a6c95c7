#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "certificate.h"
#include "dsse.h"
#include "error.h"
#include "evidence_check.h"
#include "keys.h"
#include "statement.h"
#include "trust.h"
#include "util.h"

/* The run directory and certificate file named by a path that is either. */
static int
resolve(char **dir, char **cert, const char *path)
{
    struct stat st;

    *dir = *cert = NULL;
    if (stat(path, &st) < 0)
        return ic_error_set(IC_EINPUT, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        *dir = xstrdup(path);
        *cert = ic_path_join(path, IC_CERTIFICATE_FILE);
    } else {
        *dir = ic_path_dirname(path);
        *cert = xstrdup(path);
    }
    return IC_OK;
}

static int
load_envelope(ic_dsse_envelope *e, const char *cert)
{
    char *text = NULL;
    size_t len = 0;
    int rc = ic_file_read(&text, &len, cert);

    ic_dsse_envelope_init(e);
    if (rc == IC_OK)
        rc = ic_dsse_envelope_decode(e, text, len, cert);
    free(text);
    return rc;
}

/* ---- signature ---- */

static int
verify_with_key(const ic_dsse_envelope *e, EVP_PKEY *key, const char *label,
                FILE *out)
{
    char keyid[IC_KEYID_LEN + 1];
    int rc, ok = 0;

    if ((rc = ic_key_id(keyid, key)) < 0)
        return rc;
    /* keyid is only a hint (DSSE): signatures naming this key go first */
    for (int pass = 0; pass < 2 && !ok; pass++)
        for (size_t i = 0; i < e->nsigs && !ok; i++) {
            int named = strcmp(e->sigs[i].keyid, keyid) == 0;

            if (named != (pass == 0))
                continue;
            rc = ic_dsse_envelope_verify(e, i, key);
            if (rc < 0)
                return rc;
            ok = rc == 0;
        }
    if (ok)
        fprintf(out, "ok      signature: %s key %s (%s)\n",
                ic_key_type_name(key), keyid, label);
    else
        fprintf(out,
                "FAILED  signature: does not verify with %s key %s (%s): "
                "the payload or the signature was altered, or another key "
                "signed it\n",
                ic_key_type_name(key), keyid, label);
    return ok ? 0 : 1;
}

static int
verify_with_trust(const ic_dsse_envelope *e, const char *list, FILE *out,
                  const char **owner, ic_trust **tout)
{
    ic_trust *t = NULL;
    time_t now = time(NULL);
    char why[128];
    int rc, ok = 0;

    *owner = NULL;
    rc = ic_trust_load(&t, list);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < e->nsigs && !ok; i++) {
        const ic_trust_key *k = ic_trust_find(t, e->sigs[i].keyid);
        size_t from = 0, to = t->nkeys;

        if (e->sigs[i].keyid[0] && !k) {
            fprintf(out,
                    "FAILED  signature[%zu]: key %s is not in the trust "
                    "list %s\n",
                    i, e->sigs[i].keyid, list);
            continue;
        }
        if (k) {
            from = (size_t)(k - t->keys);
            to = from + 1;
        }
        for (size_t j = from; j < to && !ok; j++) {
            k = &t->keys[j];
            if (!ic_trust_key_valid_at(k, now, why, sizeof(why))) {
                if (to - from == 1)
                    fprintf(out, "FAILED  signature[%zu]: key %s (%s): %s\n", i,
                            k->keyid, k->owner, why);
                continue;
            }
            rc = ic_dsse_envelope_verify(e, i, k->key);
            if (rc < 0)
                goto cleanup;
            if (rc == 0) {
                ok = 1;
                *owner = k->owner;
                fprintf(out,
                        "ok      signature: %s key %s of \"%s\" (trust "
                        "list %s)\n",
                        ic_key_type_name(k->key), k->keyid, k->owner, list);
            } else if (to - from == 1) {
                fprintf(out,
                        "FAILED  signature[%zu]: does not verify with "
                        "key %s (%s): the payload or the signature was "
                        "altered\n",
                        i, k->keyid, k->owner);
            }
        }
    }
    if (!ok)
        fprintf(out, "FAILED  signature: no currently valid key of the trust "
                     "list verifies it\n");
    rc = ok ? 0 : 1;
cleanup:
    if (rc == 0)
        *tout = t;
    else
        ic_trust_free(t);
    return rc;
}

static const char *
str_or(const json_t *obj, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(obj, key));

    return s ? s : dflt;
}

static void
print_summary(const json_t *pred, FILE *out)
{
    json_t *sys = json_object_get(json_object_get(pred, "target"), "system");
    json_t *prof = json_object_get(pred, "profile");
    json_t *tc = json_object_get(pred, "testCentre");

    fprintf(out, "        system: %s %s (%s)\n", str_or(sys, "name", "?"),
            str_or(sys, "version", ""), str_or(sys, "vendor", "?"));
    fprintf(out, "        profile: %s %s; verdict: %s; finished %s\n",
            str_or(prof, "id", "?"), str_or(prof, "version", ""),
            str_or(pred, "verdict", "?"), str_or(pred, "finished", "?"));
    fprintf(out, "        test centre: %s\n",
            str_or(tc, "name", "(not named)"));
}

/* Steps 1-4 with either a key (key != NULL) or the trust list of o. */
static int
verify_core(const ic_verify_opts *o, EVP_PKEY *key, FILE *out)
{
    ic_dsse_envelope e;
    ic_trust *trust = NULL;
    char *dir = NULL, *cert = NULL;
    const char *owner = NULL, *centre;
    json_t *st = NULL;
    json_error_t jerr;
    size_t failures = 0;
    int rc;

    ic_dsse_envelope_init(&e);
    if ((rc = resolve(&dir, &cert, o->path)) < 0 ||
        (rc = load_envelope(&e, cert)) < 0)
        goto cleanup;
    fprintf(out, "certificate %s\n", cert);

    /* 1. signature: nothing in the payload counts before it verifies */
    if (e.damage) {
        fprintf(out, "FAILED  envelope: %s (the certificate was altered)\n",
                e.damage);
        rc = 1;
        goto done;
    }
    if (strcmp(e.payload_type, IC_DSSE_INTOTO_TYPE) != 0) {
        fprintf(out, "FAILED  payloadType is \"%s\", not %s\n", e.payload_type,
                IC_DSSE_INTOTO_TYPE);
        rc = 1;
        goto done;
    }
    rc = key ? verify_with_key(&e, key, o->pubkey ? o->pubkey : "signer", out)
             : verify_with_trust(&e, o->trust, out, &owner, &trust);
    if (rc != 0) {
        if (rc > 0)
            fprintf(out, "        subjects and evidence not checked: the "
                         "statement is not authentic\n");
        goto done;
    }
    st = json_loadb((const char *)e.payload, e.payload_len,
                    JSON_REJECT_DUPLICATES, &jerr);
    if (!st) {
        fprintf(out, "FAILED  statement: not JSON (%s)\n", jerr.text);
        rc = 1;
        goto done;
    }
    if ((rc = ic_statement_check_form(st, out)) != 0)
        goto done;
    print_summary(json_object_get(st, "predicate"), out);
    centre = json_string_value(json_object_get(
        json_object_get(json_object_get(st, "predicate"), "testCentre"),
        "name"));
    if (owner && centre && strcmp(owner, centre) != 0) {
        fprintf(out,
                "FAILED  test centre: the certificate names \"%s\" but "
                "the key belongs to \"%s\"\n",
                centre, owner);
        failures++;
    }

    /* 2. subjects, 3. evidence */
    ic_statement_check_subjects(st, dir, out, &failures);
    ic_evidence_check(dir, out, &failures);

    /* 4. replay */
    if (o->replay) {
        rc = o->replay_fn(dir, out, o->replay_ctx);
        if (rc < 0)
            /* the run no longer loads (e.g. an edited report.json) */
            fprintf(out, "FAILED  replay: %s\n", ic_error_last());
        else
            fprintf(out, "%s  replay: %s\n", rc ? "FAILED" : "ok    ",
                    rc ? "verdicts differ from the recorded evidence"
                       : "every verdict reproduced from the evidence");
        failures += rc ? 1 : 0;
    }
    rc = failures ? 1 : 0;
done:
    if (rc == 0)
        fprintf(out, "VERIFIED\n");
    else
        fprintf(out, "NOT VERIFIED\n");
cleanup:
    json_decref(st);
    ic_trust_free(trust);
    ic_dsse_envelope_dispose(&e);
    free(dir);
    free(cert);
    return rc;
}

int
ic_certificate_verify(const ic_verify_opts *o, FILE *out)
{
    EVP_PKEY *key = NULL;
    int rc;

    if (!o->pubkey == !o->trust)
        return ic_error_set(IC_EINPUT, "give exactly one of a public key and "
                                       "a trust list");
    if (o->replay && !o->replay_fn)
        return ic_error_set(IC_EINPUT, "replay is not available");
    if (o->pubkey && (rc = ic_key_load_public(&key, o->pubkey)) < 0)
        return rc;
    rc = verify_core(o, key, out);
    EVP_PKEY_free(key);
    return rc;
}

/* ---- signing ---- */

/* First FAILED line of a verification transcript, for the error message. */
static void
first_failure(char *out, size_t len, const char *transcript)
{
    const char *p = strstr(transcript, "FAILED");
    size_t n;

    if (!p) {
        snprintf(out, len, "unknown failure");
        return;
    }
    n = strcspn(p, "\n");
    snprintf(out, len, "%.*s", (int)n, p);
}

int
ic_certificate_sign(const char *dir, const char *keyfile, const char *centre)
{
    EVP_PKEY *key = NULL;
    char keyid[IC_KEYID_LEN + 1], *payload = NULL, *text = NULL;
    char *cert = ic_path_join(dir, IC_CERTIFICATE_FILE);
    char *transcript = NULL, why[512];
    size_t tlen = 0;
    ic_dsse_envelope e;
    json_t *st = NULL;
    FILE *mem = NULL;
    ic_verify_opts vo;
    int rc;

    ic_dsse_envelope_init(&e);
    if ((rc = ic_key_load_private(&key, keyfile)) < 0 ||
        (rc = ic_key_id(keyid, key)) < 0 ||
        (rc = ic_statement_build(&st, dir, centre, keyid)) < 0)
        goto cleanup;
    payload = json_dumps(st, JSON_COMPACT | JSON_SORT_KEYS);
    if (!payload) {
        rc = ic_error_set(IC_ERUNTIME, "out of memory");
        goto cleanup;
    }
    rc = ic_dsse_envelope_sign(&e, IC_DSSE_INTOTO_TYPE, payload,
                               strlen(payload), key);
    if (rc < 0)
        goto cleanup;
    text = ic_dsse_envelope_encode(&e);
    rc = ic_file_write_atomic(cert, text, strlen(text), 0644);
    if (rc < 0)
        goto cleanup;

    /* verify what is now on disk; the private key verifies as well */
    mem = open_memstream(&transcript, &tlen);
    if (!mem) {
        rc = ic_error_set(IC_ERUNTIME, "open_memstream: %s", strerror(errno));
        goto cleanup;
    }
    memset(&vo, 0, sizeof(vo));
    vo.path = cert;
    rc = verify_core(&vo, key, mem);
    fclose(mem);
    mem = NULL;
    if (rc != 0) {
        first_failure(why, sizeof(why), transcript ? transcript : "");
        if (rc > 0)
            rc = ic_error_set(IC_ERUNTIME,
                              "%s: the new certificate does not verify: %s",
                              cert, why);
        unlink(cert);
    }
cleanup:
    if (mem)
        fclose(mem);
    free(transcript);
    json_decref(st);
    free(payload);
    free(text);
    ic_dsse_envelope_dispose(&e);
    EVP_PKEY_free(key);
    free(cert);
    return rc;
}

int
ic_certificate_export(const char *path, const char *pae_path,
                      const char *sig_path)
{
    ic_dsse_envelope e;
    char *dir = NULL, *cert = NULL;
    ic_buf pae;
    int rc;

    ic_buf_init(&pae, 0);
    ic_dsse_envelope_init(&e);
    if ((rc = resolve(&dir, &cert, path)) < 0 ||
        (rc = load_envelope(&e, cert)) < 0)
        goto cleanup;
    ic_dsse_pae(&pae, e.payload_type, e.payload, e.payload_len);
    if (pae_path &&
        (rc = ic_file_write_atomic(pae_path, pae.data, pae.len, 0644)) < 0)
        goto cleanup;
    if (sig_path)
        rc = ic_file_write_atomic(sig_path, e.sigs[0].sig, e.sigs[0].sig_len,
                                  0644);
cleanup:
    ic_buf_dispose(&pae);
    ic_dsse_envelope_dispose(&e);
    free(dir);
    free(cert);
    return rc;
}
