/*
 * fuzz_dsse — libFuzzer harness for the DSSE envelope decoder
 * (ic_dsse_envelope_decode): a tampered certificate.dsse.json handed to
 * `isrcert verify`. A decoded envelope is verified with a fixed key,
 * re-encoded and decoded again. Build with tests/fuzz/build.sh.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsse.h"
#include "error.h"
#include "keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static EVP_PKEY *key;
    ic_dsse_envelope e, again;
    ic_buf pae;
    char *text;

    if (!key && ic_key_generate(&key, IC_KEY_ED25519) < 0)
        abort();
    if (ic_dsse_envelope_decode(&e, (const char *)data, size, "fuzz.json") <
        0) {
        /* a failed decode leaves nothing to free */
        if (e.payload_type || e.payload || e.sigs || e.damage)
            abort();
        return 0;
    }
    if (!e.payload_type || !e.payload || e.nsigs == 0)
        abort();
    if (e.payload[e.payload_len] != '\0')
        abort();
    for (size_t i = 0; i < e.nsigs; i++) {
        if (!e.sigs[i].keyid || (!e.sigs[i].sig && e.sigs[i].sig_len))
            abort();
        if (ic_dsse_envelope_verify(&e, i, key) == 0)
            abort(); /* nobody can forge the fixed key's signature */
    }
    ic_buf_init(&pae, 0);
    ic_dsse_pae(&pae, e.payload_type, e.payload, e.payload_len);
    ic_buf_dispose(&pae);
    if (!e.damage) {
        /* what decodes cleanly round-trips */
        text = ic_dsse_envelope_encode(&e);
        if (ic_dsse_envelope_decode(&again, text, strlen(text), "again") < 0)
            abort();
        if (again.payload_len != e.payload_len ||
            memcmp(again.payload, e.payload, e.payload_len) != 0 ||
            again.nsigs != e.nsigs || again.damage)
            abort();
        ic_dsse_envelope_dispose(&again);
        free(text);
    }
    ic_dsse_envelope_dispose(&e);
    return 0;
}
