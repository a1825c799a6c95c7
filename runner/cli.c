#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "jsonfile.h"
#include "profile.h"
#include "report.h"
#include "run.h"
#include "rundir.h"
#include "util.h"
#include "certificate.h"

#define MAX_OPTS 32

void
ic_cli_help(FILE *out, const char *cmd, const char *synopsis,
            const char *summary, const ic_cli_opt *opts)
{
    fprintf(out, "usage: isrcert %s %s\n\n%s\n\noptions:\n", cmd, synopsis,
            summary);
    for (const ic_cli_opt *o = opts; o->name; o++) {
        char left[64];

        if (o->key < 256)
            snprintf(left, sizeof(left), "-%c, --%s%s%s", o->key, o->name,
                     o->arg ? " " : "", o->arg ? o->arg : "");
        else
            snprintf(left, sizeof(left), "    --%s%s%s", o->name,
                     o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(out, "  %-28s %s\n", left, o->help);
    }
    fputs("\nexit codes: 0 all mandatory tests passed (or success), 1 some "
          "failed,\n            2 bad usage or invalid input file, 3 runtime "
          "error\n",
          out);
}

int
ic_cli_next(int argc, char **argv, const ic_cli_opt *opts)
{
    struct option longs[MAX_OPTS + 1];
    char shorts[MAX_OPTS * 2 + 2] = ":";
    size_t n = 0, s = 1;
    int c;

    for (const ic_cli_opt *o = opts; o->name && n < MAX_OPTS; o++, n++) {
        longs[n].name = o->name;
        longs[n].has_arg = o->arg ? required_argument : no_argument;
        longs[n].flag = NULL;
        longs[n].val = o->key;
        if (o->key < 256) {
            shorts[s++] = (char)o->key;
            if (o->arg)
                shorts[s++] = ':';
        }
    }
    memset(&longs[n], 0, sizeof(longs[n]));
    shorts[s] = '\0';
    c = getopt_long(argc, argv, shorts, longs, NULL);
    if (c == ':') {
        fprintf(stderr, "isrcert %s: option %s needs an argument\n", argv[0],
                argv[optind - 1]);
        return '?';
    }
    if (c == '?') {
        fprintf(stderr, "isrcert %s: unknown option %s (see --help)\n", argv[0],
                argv[optind - 1]);
        return '?';
    }
    return c;
}

int
ic_cli_fail(int rc)
{
    fprintf(stderr, "isrcert: %s\n", ic_error_last());
    return rc == IC_EINPUT ? IC_EXIT_USAGE : IC_EXIT_RUNTIME;
}

static int
parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

void
ic_cli_print_summary(FILE *f, const json_t *report, const char *dir)
{
    json_t *cls, *s = json_object_get(report, "summary");
    size_t i;

    json_array_foreach (json_object_get(report, "classes"), i, cls) {
        char name[96];

        snprintf(name, sizeof(name), "%s/%s",
                 json_string_value(json_object_get(cls, "suite")),
                 json_string_value(json_object_get(cls, "class")));
        fprintf(f, "  %-44s %-9s %s\n", name,
                json_is_true(json_object_get(cls, "mandatory")) ? "mandatory"
                                                                : "optional",
                json_string_value(json_object_get(cls, "verdict")));
    }
    fprintf(f, "verdict: %s (%lld requests); report: %s/report.json\n",
            json_string_value(json_object_get(s, "verdict")),
            json_integer_value(json_object_get(s, "requests")), dir);
}

/* ---- run ----------------------------------------------------------------- */

enum {
    OPT_CATALOG = 256,
    OPT_TIMEOUT,
    OPT_CONNECT_TIMEOUT,
    OPT_MAX_BODY,
    OPT_CA_FILE,
    OPT_PER_HOST,
    OPT_NO_PROGRESS,
    OPT_SIGN,
    OPT_CENTRE
};

static const ic_cli_opt run_opts[] = {
    {"profile", 'p', "P", "profile file or installed profile id (required)"},
    {"target", 't', "T", "target file: system under test (required)"},
    {"out", 'o', "DIR", "run directory to write (required)"},
    {"jobs", 'j', "N", "concurrent requests (default 4)"},
    {"per-host", OPT_PER_HOST, "N", "connections per host (default 4)"},
    {"catalog", OPT_CATALOG, "FILE",
     "OASIS XML catalog resolving schema URLs to local files"},
    {"timeout", OPT_TIMEOUT, "SEC", "timeout per exchange (default 60)"},
    {"connect-timeout", OPT_CONNECT_TIMEOUT, "SEC",
     "connect timeout (default 10)"},
    {"max-body", OPT_MAX_BODY, "MB", "response body cap (default 64)"},
    {"ca-file", OPT_CA_FILE, "FILE",
     "CA certificates for TLS (the system CA folder still applies)"},
    {"no-progress", OPT_NO_PROGRESS, NULL, "no progress line on a terminal"},
    {"sign", OPT_SIGN, "KEY",
     "sign the run: DIR/certificate.dsse.json with this private key"},
    {"centre", OPT_CENTRE, "NAME", "test centre named in the certificate"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL}};

int
ic_cmd_run(int argc, char **argv)
{
    ic_run_opts o;
    const char *out = NULL, *sign = NULL, *centre = NULL;
    json_t *report = NULL;
    long v;
    int c, rc, code;

    memset(&o, 0, sizeof(o));
    ic_http_opts_default(&o.http);
    o.progress = isatty(STDERR_FILENO);
    while ((c = ic_cli_next(argc, argv, run_opts)) != -1) {
        switch (c) {
        case 'p':
            o.profile = optarg;
            break;
        case 't':
            o.target = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'j':
            if (parse_long(optarg, 1, 256, &v) < 0)
                goto bad_number;
            o.http.jobs = (int)v;
            break;
        case OPT_PER_HOST:
            if (parse_long(optarg, 1, 256, &v) < 0)
                goto bad_number;
            o.http.per_host = (int)v;
            break;
        case OPT_CATALOG:
            o.catalog = optarg;
            break;
        case OPT_TIMEOUT:
            if (parse_long(optarg, 1, 86400, &v) < 0)
                goto bad_number;
            o.http.timeout_ms = v * 1000;
            break;
        case OPT_CONNECT_TIMEOUT:
            if (parse_long(optarg, 1, 3600, &v) < 0)
                goto bad_number;
            o.http.connect_timeout_ms = v * 1000;
            break;
        case OPT_MAX_BODY:
            if (parse_long(optarg, 1, 4096, &v) < 0)
                goto bad_number;
            o.http.max_body = (size_t)v * 1024 * 1024;
            break;
        case OPT_CA_FILE:
            o.http.ca_file = optarg;
            break;
        case OPT_NO_PROGRESS:
            o.progress = 0;
            break;
        case OPT_SIGN:
            sign = optarg;
            break;
        case OPT_CENTRE:
            centre = optarg;
            break;
        case 'h':
            ic_cli_help(stdout, "run", "--profile P --target T --out DIR",
                        "Run a profile's suites against a target and write "
                        "DIR/report.json and DIR/junit.xml.",
                        run_opts);
            return IC_EXIT_OK;
        default:
            return IC_EXIT_USAGE;
        }
    }
    if (!o.profile || !o.target || !out || optind != argc) {
        fprintf(stderr, "isrcert run: --profile, --target and --out are "
                        "required (see --help)\n");
        return IC_EXIT_USAGE;
    }
    if (sign && access(sign, R_OK) != 0) {
        fprintf(stderr, "isrcert run: --sign %s: %s\n", sign, strerror(errno));
        return IC_EXIT_USAGE;
    }
    rc = ic_rundir_write(&o, out, &report);
    if (rc < 0) {
        json_decref(report);
        return ic_cli_fail(rc);
    }
    code = ic_report_exit_code(report);
    if (sign) {
        char *cert = ic_path_join(out, "certificate.dsse.json");

        rc = ic_certificate_sign(out, sign, centre ? centre : "");
        if (rc < 0) {
            free(cert);
            json_decref(report);
            return ic_cli_fail(rc);
        }
        printf("signed and verified: %s\n", cert);
        free(cert);
    } else {
        /* an earlier certificate no longer matches this run */
        char *cert = ic_path_join(out, "certificate.dsse.json");

        unlink(cert);
        free(cert);
    }
    ic_cli_print_summary(stdout, report, out);
    json_decref(report);
    return code;
bad_number:
    fprintf(stderr, "isrcert run: invalid number \"%s\" for %s\n", optarg,
            argv[optind - 1]);
    return IC_EXIT_USAGE;
}

/* ---- lint ------------------------------------------------------------------
 */

static const ic_cli_opt lint_opts[] = {{"help", 'h', NULL, "show this help"},
                                       {NULL, 0, NULL, NULL}};

static int
lint_one(const char *path)
{
    json_t *j = NULL;
    int rc = ic_json_load_file(&j, path);
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    struct stat st;

    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        ic_suite *s = NULL;

        json_decref(j);
        rc = ic_suite_load(&s, path);
        ic_suite_free(s);
        return rc;
    }
    if (rc < 0)
        return rc;
    if (strcmp(name, "suite.json") == 0) {
        ic_suite *s = NULL;

        rc = ic_suite_load(&s, path);
        ic_suite_free(s);
    } else if (json_object_get(j, "tests")) {
        /* a test case file: lint the suite it belongs to */
        char *dir = ic_path_dirname(path);
        ic_suite *s = NULL;

        rc = ic_suite_load(&s, dir);
        ic_suite_free(s);
        free(dir);
    } else if (json_object_get(j, "suites")) {
        ic_profile *p = NULL;

        rc = ic_profile_load(&p, path);
        ic_profile_free(p);
    } else if (json_object_get(j, "endpoints") ||
               json_object_get(j, "system")) {
        ic_target *t = NULL;

        rc = ic_target_load(&t, path);
        ic_target_free(t);
    } else {
        rc = ic_error_set(IC_EINPUT,
                          "%s: not a profile (\"suites\"), suite "
                          "(suite.json), test case file (\"tests\") or "
                          "target (\"endpoints\")",
                          path);
    }
    json_decref(j);
    return rc;
}

int
ic_cmd_lint(int argc, char **argv)
{
    int c, bad = 0;

    while ((c = ic_cli_next(argc, argv, lint_opts)) != -1) {
        if (c == 'h') {
            ic_cli_help(stdout, "lint", "FILE...",
                        "Check profiles, suites (suite.json, a suite folder "
                        "or a test case file) and targets.",
                        lint_opts);
            return IC_EXIT_OK;
        }
        return IC_EXIT_USAGE;
    }
    if (optind == argc) {
        fprintf(stderr, "isrcert lint: no files given (see --help)\n");
        return IC_EXIT_USAGE;
    }
    for (int i = optind; i < argc; i++) {
        if (lint_one(argv[i]) < 0) {
            fprintf(stderr, "%s\n", ic_error_last());
            bad = 1;
        } else {
            printf("%s: ok\n", argv[i]);
        }
    }
    return bad ? IC_EXIT_USAGE : IC_EXIT_OK;
}

/* ---- list ------------------------------------------------------------------
 */

static const ic_cli_opt list_opts[] = {{"help", 'h', NULL, "show this help"},
                                       {NULL, 0, NULL, NULL}};

static void
list_profiles_in(const char *dir, void *ctx)
{
    char *pdir = ic_path_join(dir, "profiles");
    DIR *d = opendir(pdir);
    struct dirent *de;
    json_t *seen = ctx;

    while (d && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        char *path;
        ic_profile *p = NULL;

        if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0 ||
            json_object_get(seen, de->d_name))
            continue;
        json_object_set_new(seen, de->d_name, json_true());
        path = ic_path_join(pdir, de->d_name);
        if (ic_profile_load(&p, path) < 0) {
            printf("%s: invalid: %s\n", path, ic_error_last());
            free(path);
            continue;
        }
        printf("profile %s %s — %s\n  %s\n", p->id, p->version, p->title, path);
        for (size_t e = 0; e < p->nentries; e++) {
            const ic_suite *s = p->entries[e].suite;

            printf("  suite %s %s (%s): %zu tests\n", s->id, s->version,
                   s->std_document, s->ntests);
            for (size_t c = 0; c < s->nclasses; c++) {
                size_t count = 0;
                ic_class_mode m =
                    ic_profile_class_mode(&p->entries[e], s->classes[c].id);

                for (size_t t = 0; t < s->ntests; t++)
                    count +=
                        strcmp(s->tests[t].class_id, s->classes[c].id) == 0;
                printf("    class %-24s %-9s %3zu tests  %s\n",
                       s->classes[c].id,
                       m == IC_CLASS_MANDATORY  ? "mandatory"
                       : m == IC_CLASS_OPTIONAL ? "optional"
                                                : "not run",
                       count, s->classes[c].title);
            }
        }
        ic_profile_free(p);
        free(path);
    }
    if (d)
        closedir(d);
    free(pdir);
}

int
ic_cmd_list(int argc, char **argv)
{
    json_t *seen;
    int c;

    while ((c = ic_cli_next(argc, argv, list_opts)) != -1) {
        if (c == 'h') {
            ic_cli_help(stdout, "list", "",
                        "List installed profiles with their suites, classes "
                        "and test counts.",
                        list_opts);
            return IC_EXIT_OK;
        }
        return IC_EXIT_USAGE;
    }
    seen = json_object();
    ic_data_dirs(list_profiles_in, seen);
    json_decref(seen);
    return IC_EXIT_OK;
}
