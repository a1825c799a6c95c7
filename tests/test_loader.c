/* Loader errors: every malformed input names the file and the place. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "profile.h"
#include "suite.h"
#include "util.h"

static char dir[] = "/tmp/isrcert-loader-XXXXXX";

#define SUITE_HEAD                                                             \
    "{\"id\":\"s\",\"version\":\"1\",\"title\":\"S\",\"standard\":{"           \
    "\"document\":\"D\",\"title\":\"T\"},\"endpoint\":\"e\",\"classes\":[{"    \
    "\"id\":\"c\",\"title\":\"C\"}],\"files\":[\"t.json\"]"
#define TEST_OK                                                                \
    "{\"id\":\"a\",\"class\":\"c\",\"title\":\"A\",\"requirement\":{"          \
    "\"document\":\"D\",\"clause\":\"1\"},\"request\":{},\"assert\":[{"        \
    "\"status\":200}]}"

static void
put(const char *name, const char *text)
{
    char *p = ic_path_join(dir, name);
    FILE *f = fopen(p, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(p);
}

static void
expect_error(const char *re)
{
    regex_t rx;

    assert_int_equal(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
    if (regexec(&rx, ic_error_last(), 0, NULL, 0) != 0)
        fail_msg("error \"%s\" does not match /%s/", ic_error_last(), re);
    regfree(&rx);
}

static void
suite_case(const char *suite_json, const char *tests_json, const char *re)
{
    ic_suite *s = NULL;

    put("suite.json", suite_json);
    put("t.json", tests_json);
    assert_int_equal(ic_suite_load(&s, dir), IC_EINPUT);
    assert_null(s);
    expect_error(re);
}

static void
test_loader_suite_ok(void **state)
{
    ic_suite *s = NULL;

    (void)state;
    put("suite.json", SUITE_HEAD "}");
    put("t.json", "{\"tests\":[" TEST_OK "]}");
    assert_int_equal(ic_suite_load(&s, dir), 0);
    assert_int_equal(s->ntests, 1);
    assert_string_equal(s->tests[0].req_clause, "1");
    assert_int_equal(strlen(s->sha256), 64);
    ic_suite_free(s);
}

static void
test_loader_suite_errors(void **state)
{
    (void)state;
    suite_case(SUITE_HEAD ",\"colour\":1}", "{\"tests\":[" TEST_OK "]}",
               "suite.json: \\$: unknown key \"colour\"$");
    suite_case(SUITE_HEAD "", "{}", "suite.json:1:[0-9]+: ");
    suite_case(SUITE_HEAD "}",
               "{\"tests\":[{\"id\":\"a\",\"class\":\"zz\",\"title\":\"A\","
               "\"requirement\":{\"document\":\"D\",\"clause\":\"1\"},"
               "\"request\":{},\"assert\":[{\"status\":200}]}]}",
               "t.json: \\$.tests\\[0\\] \\(a\\): unknown class \"zz\"$");
    suite_case(SUITE_HEAD "}",
               "{\"tests\":[{\"id\":\"a\",\"class\":\"c\",\"title\":\"A\","
               "\"requirement\":{\"document\":\"D\",\"clause\":\"1\"},"
               "\"request\":{},\"assert\":[{\"status\":200,"
               "\"header\":\"X\"}]}]}",
               "t.json: \\$.tests\\[0\\] \\(a\\).assert\\[0\\]: an assertion "
               "has exactly one kind key$");
    suite_case(SUITE_HEAD "}",
               "{\"tests\":[{\"id\":\"a\",\"class\":\"c\",\"title\":\"A\","
               "\"requirement\":{\"document\":\"D\",\"clause\":\"1\"},"
               "\"request\":{},\"assert\":[{\"xpath\":\"/a\","
               "\"matches\":\"(\"}]}]}",
               "assert\\[0\\]: invalid regex");
    suite_case(SUITE_HEAD "}",
               "{\"tests\":[{\"id\":\"a\",\"class\":\"c\",\"title\":\"A\","
               "\"requirement\":{\"document\":\"D\",\"clause\":\"1\"},"
               "\"needs\":[\"b\"],\"request\":{},\"assert\":[{\"status\":"
               "200}]}]}",
               "test \"a\" needs unknown test \"b\"$");
    suite_case(SUITE_HEAD "}",
               "{\"tests\":[{\"id\":\"a\",\"class\":\"c\",\"title\":\"A\","
               "\"requirement\":{\"document\":\"D\",\"clause\":\"1\"},"
               "\"request\":{\"query\":{\"X\":\"${y\"}},\"assert\":[{"
               "\"status\":200}]}]}",
               "request: query.X: unterminated");
    suite_case(SUITE_HEAD "}", "{\"tests\":[" TEST_OK "," TEST_OK "]}",
               "test id \"a\" is used twice");
    suite_case(SUITE_HEAD "}",
               "{\"tests\":[{\"id\":\"a\",\"class\":\"c\",\"title\":\"A\","
               "\"requirement\":{\"document\":\"D\",\"clause\":\"1\"},"
               "\"request\":{},\"assert\":[{\"xsd\":\"nope\"}]}]}",
               "schema \"nope\" is not declared");
    suite_case(SUITE_HEAD "}",
               "{\"tests\":[{\"id\":\"a\",\"class\":\"c\",\"title\":\"A\","
               "\"requirement\":{\"document\":\"D\",\"clause\":\"1\"},"
               "\"request\":{},\"assert\":[{\"image\":{\"colour\":1}}]}]}",
               "assert\\[0\\]: image: ");
}

static void
test_loader_profile_and_target(void **state)
{
    ic_profile *p = NULL;
    ic_target *t = NULL;
    char *path;

    (void)state;
    put("suite.json", SUITE_HEAD "}");
    put("t.json", "{\"tests\":[" TEST_OK "]}");
    path = ic_path_join(dir, "p.json");
    put("p.json", "{\"id\":\"p\",\"version\":\"1\",\"title\":\"P\","
                  "\"suites\":[{\"suite\":\"nosuch\",\"classes\":{}}]}");
    assert_int_equal(ic_profile_load(&p, path), IC_EINPUT);
    expect_error("p.json: \\$.suites\\[0\\]: suite \"nosuch\" not found");
    assert_int_equal(ic_profile_load(&p, "/nonexistent/x.json"), IC_EINPUT);
    expect_error("no such profile");
    free(path);

    path = ic_path_join(dir, "target.json");
    put("target.json", "{\"system\":{\"name\":\"x\",\"nation\":\"NL\"},"
                       "\"endpoints\":{}}");
    assert_int_equal(ic_target_load(&t, path), IC_EINPUT);
    expect_error("target.json: \\$.system.nation: \"NL\" is not an ISO 3166");
    put("target.json", "{\"system\":{\"name\":\"x\"},"
                       "\"endpoints\":{\"wms\":\"file:///etc\"}}");
    assert_int_equal(ic_target_load(&t, path), IC_EINPUT);
    expect_error("\\$.endpoints: \"wms\" must be an http");
    put("target.json", "{\"system\":{\"name\":\"x\"},\"endpoints\":{},"
                       "\"auth\":{\"token\":\"abc\",\"env\":\"T\"}}");
    assert_int_equal(ic_target_load(&t, path), IC_EINPUT);
    expect_error("\\$.auth: unknown key \"token\"");
    put("target.json", "{\"system\":{\"name\":\"x\"},\"endpoints\":{\"a\":"
                       "\"http://h/\"},\"auth\":{\"env\":\"T\"}}");
    assert_int_equal(ic_target_load(&t, path), 0);
    assert_string_equal(t->auth_header, "Authorization");
    ic_target_free(t);
    free(path);
}

static int
setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
    const char *names[] = {"suite.json", "t.json", "p.json", "target.json"};

    (void)state;
    for (size_t i = 0; i < 4; i++) {
        char *p = ic_path_join(dir, names[i]);
        unlink(p);
        free(p);
    }
    return rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loader_suite_ok),
        cmocka_unit_test(test_loader_suite_errors),
        cmocka_unit_test(test_loader_profile_and_target),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
