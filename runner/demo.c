/*
 * demo — the one-command certification: start the reference ISR endpoint on
 * loopback, run the NATO JISR provider profile against it, sign with a demo
 * key, verify (including replay) and print a summary.
 */
#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certificate.h"
#include "cli.h"
#include "error.h"
#include "keys.h"
#include "refserver.h"
#include "replay.h"
#include "report.h"
#include "run.h"
#include "rundir.h"
#include "util.h"

#define DEMO_MAX_FAULTS 16

enum { OPT_FAULT = 256, OPT_PROFILE };

static const ic_cli_opt demo_opts[] = {
    {"out", 'o', "DIR",
     "run directory (default ./demo-run); the demo key "
     "pair is DIR.key / DIR.pub"},
    {"profile", OPT_PROFILE, "P", "profile (default nato-jisr-provider)"},
    {"fault", OPT_FAULT, "NAME",
     "make the reference endpoint break a requirement (repeatable; "
     "isrcert-refserver --list-faults)"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL}};

static int
write_target(const char *path, unsigned short port)
{
    char *base = xasprintf("http://127.0.0.1:%u", port);
    json_t *t = json_pack("{s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s}}", "system",
                          "name", "isrcert reference ISR library", "vendor",
                          "isrcert", "version", PACKAGE_VERSION, "nation",
                          "NLD", "endpoints", "ogcapi", base, "library", base);
    char *text = json_dumps(t, JSON_INDENT(2));
    int rc = ic_file_write_atomic(path, text, strlen(text), 0644);

    free(text);
    free(base);
    json_decref(t);
    return rc;
}

/* The workspace's schema library beside the source tree, when present, plus
 * the one mapping no public catalog has: the CoT base event schema (it has
 * no namespace and no URL; see docs/profiles.md). NULL when absent. */
static char *
demo_catalog(const char *out)
{
    char *lib = ic_path_join(IC_SRCDIR, "../shared/schemas");
    char *main_cat = ic_path_join(lib, "catalog.xml");
    char *path = NULL, *text = NULL;
    const char *cot = "cot/2.0/mitre/CoT%20Base-Event%20Schema%20%20"
                      "(PUBLIC%20RELEASE).xsd";

    if (access(main_cat, R_OK) != 0)
        goto done;
    path = xasprintf("%s.catalog.xml", out);
    text = xasprintf(
        "<?xml version=\"1.0\"?>\n"
        "<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\">\n"
        "  <uri name=\"urn:isrcert:schema:cot:2.0:base-event\"\n"
        "       uri=\"file://%s/%s\"/>\n"
        "  <nextCatalog catalog=\"%s\"/>\n"
        "</catalog>\n",
        lib, cot, main_cat);
    if (ic_file_write_atomic(path, text, strlen(text), 0644) < 0) {
        free(path);
        path = NULL;
    }
done:
    free(text);
    free(lib);
    free(main_cat);
    return path;
}

int
ic_cmd_demo(int argc, char **argv)
{
    const char *out = "demo-run", *profile = "nato-jisr-provider";
    const char *faults[DEMO_MAX_FAULTS];
    ic_refserver_opts so;
    ic_refserver *srv = NULL;
    ic_run_opts o;
    ic_verify_opts vo;
    json_t *report = NULL;
    char *target = NULL, *key = NULL, *pub = NULL, *catalog = NULL;
    int c, rc, code = IC_EXIT_RUNTIME;

    memset(&so, 0, sizeof(so));
    so.faults = faults;
    while ((c = ic_cli_next(argc, argv, demo_opts)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case OPT_PROFILE:
            profile = optarg;
            break;
        case OPT_FAULT:
            if (!ic_refserver_fault_known(optarg) ||
                so.nfaults == DEMO_MAX_FAULTS) {
                fprintf(stderr,
                        "isrcert demo: unknown fault \"%s\"; known "
                        "faults:\n",
                        optarg);
                ic_refserver_list_faults(stderr);
                return IC_EXIT_USAGE;
            }
            faults[so.nfaults++] = optarg;
            break;
        case 'h':
            ic_cli_help(stdout, "demo", "[--out DIR]",
                        "Certify the bundled reference ISR endpoint: start "
                        "it on 127.0.0.1, run the NATO JISR provider\n"
                        "profile, sign the report with a demo key, verify "
                        "the certificate (with replay).",
                        demo_opts);
            return IC_EXIT_OK;
        default:
            return IC_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "isrcert demo: unexpected argument %s\n", argv[optind]);
        return IC_EXIT_USAGE;
    }
    if ((rc = ic_refserver_start(&srv, &so)) < 0)
        return ic_cli_fail(rc);
    printf("reference ISR endpoint on http://127.0.0.1:%u/\n",
           ic_refserver_port(srv));
    if (mkdir(out, 0755) < 0 && errno != EEXIST) {
        rc = ic_error_set(IC_ERUNTIME, "%s: %s", out, strerror(errno));
        goto fail;
    }
    target = xasprintf("%s.target.json", out);
    if ((rc = write_target(target, ic_refserver_port(srv))) < 0)
        goto fail;

    memset(&o, 0, sizeof(o));
    ic_http_opts_default(&o.http);
    o.profile = profile;
    o.target = target;
    o.progress = isatty(STDERR_FILENO);
    /* schemas: the user's catalogs, else the workspace copy beside the
     * source tree when it exists (never the network) */
    if (!getenv("XML_CATALOG_FILES")) {
        catalog = demo_catalog(out);
        o.catalog = catalog;
        if (!catalog)
            printf("note: no schema library found (XML_CATALOG_FILES unset, "
                   "no ../shared/schemas beside the sources): schema "
                   "assertions will be cantTell\n");
    }
    if ((rc = ic_rundir_write(&o, out, &report)) < 0)
        goto fail;
    ic_refserver_stop(srv);
    srv = NULL;

    key = xasprintf("%s.key", out);
    pub = xasprintf("%s.pub", out);
    if (access(key, R_OK) != 0 &&
        (rc = ic_key_write_pair(out, IC_KEY_ED25519, NULL)) < 0)
        goto fail;
    if ((rc = ic_certificate_sign(out, key, "isrcert demo test centre")) < 0)
        goto fail;
    memset(&vo, 0, sizeof(vo));
    vo.path = out;
    vo.pubkey = pub;
    vo.replay = 1;
    vo.replay_fn = ic_replay_run;
    vo.replay_ctx = (void *)o.catalog;
    printf("\n");
    rc = ic_certificate_verify(&vo, stdout);
    if (rc < 0)
        goto fail;
    printf("\n");
    ic_cli_print_summary(stdout, report, out);
    printf("certificate: %s/certificate.dsse.json (%s)\n"
           "verify it:   isrcert verify %s --key %s --replay%s%s\n",
           out, rc == 0 ? "verified" : "NOT VERIFIED", out, pub,
           o.catalog ? " --catalog " : "", o.catalog ? o.catalog : "");
    code = rc != 0 ? IC_EXIT_FAILED : ic_report_exit_code(report);
    goto cleanup;
fail:
    code = ic_cli_fail(rc);
cleanup:
    ic_refserver_stop(srv);
    json_decref(report);
    free(target);
    free(key);
    free(pub);
    free(catalog);
    return code;
}
