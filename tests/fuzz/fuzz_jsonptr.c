/*
 * fuzz_jsonptr — libFuzzer harness for JSON pointers (ic_jsonptr_get,
 * ic_jsonptr_check) and template expansion (ic_template_expand and
 * friends). The input is DOC \0 POINTER \0 TEMPLATE: an arbitrary JSON
 * document (a response body, or variables captured from one), a pointer
 * and a template evaluated against it. Build with tests/fuzz/build.sh.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonptr.h"
#include "template.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next NUL-separated part of the input, allocated; *pos moves past. */
static char *
next_part(const uint8_t *data, size_t size, size_t *pos)
{
    const uint8_t *start = data + *pos, *nul;
    size_t left = size - *pos, n;

    nul = left ? memchr(start, '\0', left) : NULL;
    n = nul ? (size_t)(nul - start) : left;
    *pos += nul ? n + 1 : n;
    return xstrndup((const char *)start, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *params;
    size_t pos = 0;
    char *doc_text, *ptr, *tmpl, *out = NULL, err[256];
    json_t *doc, *v, *expanded = NULL;
    ic_scope scope;

    if (!params)
        params = json_loads("{\"a\": \"x\", \"n\": 52.4, \"l\": [1, \"b\", "
                            "true, null], \"r\": {\"f\": \"g\", \"h\": "
                            "{\"i\": 1}}, \"e\": [], \"recs\": [{}]}",
                            0, NULL);
    if (!params)
        abort();
    doc_text = next_part(data, size, &pos);
    ptr = next_part(data, size, &pos);
    tmpl = next_part(data, size, &pos);
    doc = json_loads(doc_text, JSON_DECODE_ANY, NULL);

    /* pointers: any document, any pointer */
    v = ic_jsonptr_get(doc, ptr);
    if (v) {
        char *t = json_dumps(v, JSON_ENCODE_ANY);

        free(t);
    }
    (void)ic_jsonptr_check(ptr);
    (void)ic_jsonptr_get(params, ptr);

    /* templates: the document as the innermost scope layer */
    memset(&scope, 0, sizeof(scope));
    ic_scope_push(&scope, json_is_object(doc) ? doc : NULL);
    ic_scope_push(&scope, params);
    (void)ic_scope_lookup(&scope, ptr);
    (void)ic_template_has(tmpl);
    (void)ic_template_check(tmpl, err, sizeof(err));
    if (ic_template_expand(&out, tmpl, &scope, err, sizeof(err)) == 0) {
        if (!out)
            abort();
        free(out);
    } else if (out) {
        abort();
    }
    if (doc &&
        ic_template_expand_json(&expanded, doc, &scope, err, sizeof(err)) == 0)
        json_decref(expanded);
    json_decref(doc);
    free(doc_text);
    free(ptr);
    free(tmpl);
    return 0;
}
