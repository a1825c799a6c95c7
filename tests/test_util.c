#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "response.h"
#include "util.h"

static void
test_util_buf_cap(void **state)
{
    ic_buf b;

    (void)state;
    ic_buf_init(&b, 8);
    assert_int_equal(ic_buf_append(&b, "12345", 5), 0);
    assert_int_equal(ic_buf_append(&b, "6789", 4), -1);
    assert_int_equal(b.len, 5);
    assert_string_equal(b.data, "12345");
    ic_buf_dispose(&b);
}

static void
test_util_sha256(void **state)
{
    char hex[IC_SHA256_HEX_LEN + 1];

    (void)state;
    ic_sha256_hex(hex, "abc", 3);
    assert_string_equal(
        hex,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_util_headers_last_block_wins(void **state)
{
    static const char raw[] = "HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n"
                              "HTTP/1.1 200 OK\r\ncontent-type:  text/xml \r\n"
                              "X-A: 1\r\n\r\n";
    ic_response r;

    (void)state;
    ic_response_init(&r);
    ic_response_parse_headers(&r, raw, sizeof(raw) - 1);
    assert_int_equal(r.status, 200);
    assert_string_equal(ic_response_header(&r, "Content-Type"), "text/xml");
    assert_null(ic_response_header(&r, "Location"));
    ic_response_dispose(&r);
}

static void
test_util_utf8_sanitize(void **state)
{
    char s[] = "ok \xc3\xa9 \xff bad \xe2\x82 cut \xed\xa0\x80 sur "
               "\xf0\x9f\x98\x80";

    (void)state;
    ic_utf8_sanitize(s);
    assert_string_equal(s, "ok \xc3\xa9 ? bad ?? cut ??? sur "
                           "\xf0\x9f\x98\x80");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_util_buf_cap),
        cmocka_unit_test(test_util_sha256),
        cmocka_unit_test(test_util_headers_last_block_wins),
        cmocka_unit_test(test_util_utf8_sanitize),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
