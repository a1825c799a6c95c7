#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "base64.h"
#include "dsse.h"
#include "error.h"
#include "keys.h"
#include "trust.h"
#include "util.h"
#include "testutil.h"

static void
test_dsse_pae_spec_vector(void **state)
{
    static const char want[] =
        "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
    ic_buf b;

    (void)state;
    ic_buf_init(&b, 0);
    ic_dsse_pae(&b, "http://example.com/HelloWorld", "hello world", 11);
    assert_int_equal(b.len, sizeof(want) - 1);
    assert_memory_equal(b.data, want, b.len);
    ic_buf_dispose(&b);

    /* lengths are bytes, not characters; the body may hold NUL bytes */
    ic_buf_init(&b, 0);
    ic_dsse_pae(&b, "t\xc3\xa9", "a\0b", 3);
    assert_int_equal(b.len, 18);
    assert_memory_equal(b.data, "DSSEv1 3 t\xc3\xa9 3 a\0b", 18);
    ic_buf_dispose(&b);
}

static void
test_dsse_base64_variants(void **state)
{
    static const unsigned char bytes[] = {0xfb, 0xff, 0xfe, 'h', 'i'};
    static const char *const forms[] = {"+//+aGk=", "-__-aGk=", "-__-aGk",
                                        "+//+aGk"};
    unsigned char *out = NULL;
    size_t len = 0;
    char *enc;

    (void)state;
    enc = ic_base64_encode(bytes, sizeof(bytes));
    assert_string_equal(enc, "+//+aGk=");
    free(enc);
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        assert_int_equal(ic_base64_decode(&out, &len, forms[i]), 0);
        assert_int_equal(len, sizeof(bytes));
        assert_memory_equal(out, bytes, len);
        free(out);
    }
    assert_int_equal(ic_base64_decode(&out, &len, ""), 0);
    assert_int_equal(len, 0);
    free(out);
    assert_int_equal(ic_base64_decode(&out, &len, "aGk*"), IC_EINPUT);
    assert_null(out);
    assert_int_equal(ic_base64_decode(&out, &len, "aGk=a"), IC_EINPUT);
    assert_int_equal(ic_base64_decode(&out, &len, "a"), IC_EINPUT);
    assert_int_equal(ic_base64_decode(&out, &len, "aG=="), 0);
    assert_int_equal(len, 1);
    assert_int_equal(out[0], 'h');
    free(out);
}

/* Rewrite the base64 values of an envelope ("payload", "sig") into the
 * URL-safe alphabet without padding. */
static void
to_url_safe(char *json)
{
    static const char *const keys[] = {"\"payload\": \"", "\"sig\": \""};

    for (size_t k = 0; k < 2; k++) {
        char *p = strstr(json, keys[k]), *w;

        assert_non_null(p);
        p += strlen(keys[k]);
        for (w = p; *p != '"'; p++) {
            if (*p == '=')
                continue;
            *w++ = *p == '+' ? '-' : *p == '/' ? '_' : *p;
        }
        memmove(w, p, strlen(p) + 1);
    }
}

static void
round_trip(ic_key_type type)
{
    static const char payload[] = "{\"_type\":\"x\"}";
    ic_dsse_envelope e, d;
    EVP_PKEY *key = NULL, *other = NULL;
    char keyid[IC_KEYID_LEN + 1], *json;

    assert_int_equal(ic_key_generate(&key, type), 0);
    assert_int_equal(ic_key_generate(&other, type), 0);
    assert_string_equal(ic_key_type_name(key),
                        type == IC_KEY_P256 ? "p256" : "ed25519");
    assert_int_equal(ic_dsse_envelope_sign(&e, IC_DSSE_INTOTO_TYPE, payload,
                                           strlen(payload), key),
                     0);
    assert_int_equal(ic_key_id(keyid, key), 0);
    assert_string_equal(e.sigs[0].keyid, keyid);
    json = ic_dsse_envelope_encode(&e);
    assert_int_equal(ic_dsse_envelope_decode(&d, json, strlen(json), "t"), 0);
    assert_int_equal(d.payload_len, strlen(payload));
    assert_memory_equal(d.payload, payload, d.payload_len);
    assert_int_equal(ic_dsse_envelope_verify(&d, 0, key), 0);
    assert_int_equal(ic_dsse_envelope_verify(&d, 0, other), 1);
    ic_dsse_envelope_dispose(&d);

    /* URL-safe, unpadded base64 on input is accepted */
    to_url_safe(json);
    assert_int_equal(ic_dsse_envelope_decode(&d, json, strlen(json), "t"), 0);
    assert_int_equal(ic_dsse_envelope_verify(&d, 0, key), 0);
    /* a changed payload or type no longer verifies */
    d.payload[2] ^= 1;
    assert_int_equal(ic_dsse_envelope_verify(&d, 0, key), 1);
    d.payload[2] ^= 1;
    d.payload_type[0] = 'b';
    assert_int_equal(ic_dsse_envelope_verify(&d, 0, key), 1);
    d.payload_type[0] = 'a';
    d.sigs[0].sig[d.sigs[0].sig_len / 2] ^= 0x10;
    assert_int_equal(ic_dsse_envelope_verify(&d, 0, key), 1);
    ic_dsse_envelope_dispose(&d);
    free(json);
    ic_dsse_envelope_dispose(&e);
    EVP_PKEY_free(key);
    EVP_PKEY_free(other);
}

static void
test_dsse_round_trip_ed25519(void **state)
{
    (void)state;
    round_trip(IC_KEY_ED25519);
}

static void
test_dsse_round_trip_p256(void **state)
{
    (void)state;
    round_trip(IC_KEY_P256);
}

static void
test_dsse_decode_errors(void **state)
{
    ic_dsse_envelope e;
    const char *bad[] = {
        "[]",
        "{\"payloadType\":\"x\",\"payload\":\"\"}",
        "{\"payloadType\":\"x\",\"payload\":\"\",\"signatures\":[]}",
        "{\"payloadType\":\"x\",\"payload\":\"\",\"signatures\":"
        "[{\"keyid\":1,\"sig\":\"AA==\"}]}",
        "{\"payloadType\":\"x\",\"payload\":\"\",\"extra\":1,"
        "\"signatures\":[{\"sig\":\"AA==\"}]}",
        "{\"payloadType\":",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(
            ic_dsse_envelope_decode(&e, bad[i], strlen(bad[i]), "c.json"),
            IC_EINPUT);
        assert_int_equal(strncmp(ic_error_last(), "c.json", 6), 0);
    }
    /* altered base64 is damage, not bad input: it must fail to verify */
    {
        static const char damaged[] =
            "{\"payloadType\":\"x\",\"payload\":\"@@\",\"signatures\":"
            "[{\"sig\":\"A*==\"}]}";

        assert_int_equal(
            ic_dsse_envelope_decode(&e, damaged, strlen(damaged), "c.json"), 0);
        assert_non_null(e.damage);
        assert_non_null(strstr(e.damage, "$.payload"));
        ic_dsse_envelope_dispose(&e);
    }
}

static void
test_dsse_keygen_files(void **state)
{
    char *dir = test_tmpdir("test_dsse"), *prefix = ic_path_join(dir, "centre");
    char *keyfile = xasprintf("%s.key", prefix);
    char *pubfile = xasprintf("%s.pub", prefix), *text = NULL;
    char id[IC_KEYID_LEN + 1], id2[IC_KEYID_LEN + 1], id3[IC_KEYID_LEN + 1];
    EVP_PKEY *priv = NULL, *pub = NULL;
    struct stat st;
    size_t len;
    mode_t old = umask(0);

    (void)state;
    assert_int_equal(ic_key_write_pair(prefix, IC_KEY_P256, id), 0);
    umask(old);
    assert_int_equal(stat(keyfile, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(ic_file_read(&text, &len, keyfile), 0);
    assert_non_null(strstr(text, "-----BEGIN PRIVATE KEY-----"));
    free(text);
    assert_int_equal(ic_file_read(&text, &len, pubfile), 0);
    assert_non_null(strstr(text, "-----BEGIN PUBLIC KEY-----"));
    free(text);
    assert_int_equal(ic_key_load_private(&priv, keyfile), 0);
    assert_int_equal(ic_key_load_public(&pub, pubfile), 0);
    assert_int_equal(ic_key_id(id2, priv), 0);
    assert_int_equal(ic_key_id(id3, pub), 0);
    assert_string_equal(id, id2);
    assert_string_equal(id, id3);
    assert_string_equal(ic_key_type_name(pub), "p256");

    /* never overwrites: the key files are untouched */
    assert_int_equal(ic_key_write_pair(prefix, IC_KEY_ED25519, id2), IC_EINPUT);
    assert_non_null(strstr(ic_error_last(), "refusing to overwrite"));
    EVP_PKEY_free(pub);
    assert_int_equal(ic_key_load_public(&pub, pubfile), 0);
    assert_string_equal(ic_key_type_name(pub), "p256");
    /* nor when only the .pub exists */
    unlink(keyfile);
    assert_int_equal(ic_key_write_pair(prefix, IC_KEY_ED25519, id2), IC_EINPUT);
    assert_int_equal(access(keyfile, F_OK), -1);

    /* a public key file is not a private key */
    EVP_PKEY_free(priv);
    assert_int_equal(ic_key_load_private(&priv, pubfile), IC_EINPUT);
    assert_null(priv);
    EVP_PKEY_free(pub);
    free(keyfile);
    free(pubfile);
    free(prefix);
    test_rmrf(dir);
    free(dir);
}

/* A trust list with one key valid in [2020, 2030) and revoked or not. */
static char *
trust_json(EVP_PKEY *key, const char *revoked, const char *keyid_override)
{
    char id[IC_KEYID_LEN + 1], *pem = ic_key_public_pem(key), *out;
    json_t *j;

    assert_int_equal(ic_key_id(id, key), 0);
    j = json_pack("{s:s, s:[{s:s, s:s, s:s, s:s, s:s}]}", "format",
                  "isrcert-trust/1", "keys", "keyid",
                  keyid_override ? keyid_override : id, "pem", pem, "owner",
                  "NLD test centre", "valid_from", "2020-01-01T00:00:00Z",
                  "valid_until", "2030-01-01T00:00:00Z");
    if (revoked)
        json_object_set_new(json_array_get(json_object_get(j, "keys"), 0),
                            "revoked_at", json_string(revoked));
    out = json_dumps(j, JSON_INDENT(2));
    json_decref(j);
    free(pem);
    return out;
}

static void
test_dsse_trust_windows(void **state)
{
    char *dir = test_tmpdir("test_dsse"),
         *path = ic_path_join(dir, "trust.json"), *text;
    char id[IC_KEYID_LEN + 1], why[128];
    EVP_PKEY *key = NULL;
    ic_trust *t = NULL;
    const ic_trust_key *k;
    time_t t2019, t2025, t2027, t2030;

    (void)state;
    assert_int_equal(ic_time_parse_rfc3339(&t2019, "2019-12-31T23:59:59Z"), 0);
    assert_int_equal(ic_time_parse_rfc3339(&t2025, "2025-06-01T12:00:00.5Z"),
                     0);
    assert_int_equal(ic_time_parse_rfc3339(&t2027, "2027-01-01T02:00:00+02:00"),
                     0);
    assert_int_equal(ic_time_parse_rfc3339(&t2030, "2030-01-01T00:00:00Z"), 0);
    assert_int_equal(ic_time_parse_rfc3339(&t2030, "2030-01-01"), IC_EINPUT);
    assert_int_equal(ic_key_generate(&key, IC_KEY_ED25519), 0);
    assert_int_equal(ic_key_id(id, key), 0);

    text = trust_json(key, NULL, NULL);
    assert_int_equal(ic_file_write_atomic(path, text, strlen(text), 0644), 0);
    free(text);
    assert_int_equal(ic_trust_load(&t, path), 0);
    k = ic_trust_find(t, id);
    assert_non_null(k);
    assert_string_equal(k->owner, "NLD test centre");
    assert_null(ic_trust_find(t, "00"));
    assert_int_equal(ic_trust_key_valid_at(k, t2019, why, sizeof(why)), 0);
    assert_non_null(strstr(why, "not valid before 2020-01-01"));
    assert_int_equal(ic_trust_key_valid_at(k, t2025, why, sizeof(why)), 1);
    assert_int_equal(ic_trust_key_valid_at(k, t2027, why, sizeof(why)), 1);
    assert_int_equal(ic_trust_key_valid_at(k, t2030, why, sizeof(why)), 0);
    assert_non_null(strstr(why, "expired"));
    ic_trust_free(t);

    /* revoked at 2026: valid before, not from then on */
    text = trust_json(key, "2026-01-01T00:00:00Z", NULL);
    assert_int_equal(ic_file_write_atomic(path, text, strlen(text), 0644), 0);
    free(text);
    assert_int_equal(ic_trust_load(&t, path), 0);
    k = ic_trust_find(t, id);
    assert_int_equal(ic_trust_key_valid_at(k, t2025, why, sizeof(why)), 1);
    assert_int_equal(ic_trust_key_valid_at(k, t2027, why, sizeof(why)), 0);
    assert_non_null(strstr(why, "revoked at 2026-01-01T00:00:00Z"));
    ic_trust_free(t);
    ic_trust_free(NULL);
    EVP_PKEY_free(key);
    free(path);
    test_rmrf(dir);
    free(dir);
}

static void
expect_bad_list(const char *path, const char *text, const char *where)
{
    ic_trust *t = NULL;

    assert_int_equal(ic_file_write_atomic(path, text, strlen(text), 0644), 0);
    assert_int_equal(ic_trust_load(&t, path), IC_EINPUT);
    assert_null(t);
    assert_non_null(strstr(ic_error_last(), path));
    if (!strstr(ic_error_last(), where))
        fail_msg("\"%s\" does not name %s", ic_error_last(), where);
}

static void
test_dsse_trust_malformed(void **state)
{
    char *dir = test_tmpdir("test_dsse"),
         *path = ic_path_join(dir, "trust.json"), *text;
    EVP_PKEY *key = NULL;

    (void)state;
    assert_int_equal(ic_key_generate(&key, IC_KEY_P256), 0);
    expect_bad_list(path, "{\"keys\": 1}", "$.keys");
    expect_bad_list(path, "{\"keys\": [], \"x\": 1}", "unknown key \"x\"");
    expect_bad_list(path, "{\"keys\": [{\"keyid\": \"ab\"}]}", "$.keys[0].pem");
    expect_bad_list(path, "{\"keys\": [", ":1:");
    text = trust_json(key, "yesterday", NULL);
    expect_bad_list(path, text, "$.keys[0].revoked_at");
    free(text);
    text = trust_json(key, NULL, "0000");
    expect_bad_list(path, text, "$.keys[0].keyid");
    free(text);
    EVP_PKEY_free(key);
    free(path);
    test_rmrf(dir);
    free(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dsse_pae_spec_vector),
        cmocka_unit_test(test_dsse_base64_variants),
        cmocka_unit_test(test_dsse_round_trip_ed25519),
        cmocka_unit_test(test_dsse_round_trip_p256),
        cmocka_unit_test(test_dsse_decode_errors),
        cmocka_unit_test(test_dsse_keygen_files),
        cmocka_unit_test(test_dsse_trust_windows),
        cmocka_unit_test(test_dsse_trust_malformed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
