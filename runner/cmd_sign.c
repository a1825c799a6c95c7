#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certificate.h"
#include "cli.h"
#include "cmd_sign.h"
#include "error.h"
#include "keys.h"

enum { OPT_EXPORT_PAE = 256, OPT_EXPORT_SIG, OPT_CATALOG };

static const ic_cli_opt keygen_opts[] = {
    {"out", 'o', "PREFIX",
     "write PREFIX.key (PKCS#8, mode 0600) and PREFIX.pub (SPKI)"},
    {"type", 't', "TYPE", "ed25519 (default) or p256 (ECDSA P-256)"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static const ic_cli_opt sign_opts[] = {
    {"key", 'k', "KEY", "PEM private key to sign with (required)"},
    {"centre", 'c', "NAME", "test centre named in the certificate"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static const ic_cli_opt verify_opts[] = {
    {"key", 'k', "PUB", "PEM public key to accept"},
    {"trust", 't', "LIST", "trust list (JSON) of accepted keys"},
    {"replay", 'r', NULL, "also re-evaluate every assertion from the evidence"},
    {"catalog", OPT_CATALOG, "FILE",
     "XML catalog for the schemas the replay validates against"},
    {"export-pae", OPT_EXPORT_PAE, "FILE",
     "write the signed PAE bytes (for openssl)"},
    {"export-sig", OPT_EXPORT_SIG, "FILE",
     "write the raw signature bytes (for openssl)"},
    {"help", 'h', NULL, "show this help"},
    {NULL, 0, NULL, NULL},
};

static int
fail(const char *cmd, int rc)
{
    fprintf(stderr, "isrcert %s: %s\n", cmd, ic_error_last());
    return rc == IC_EINPUT ? IC_EXIT_USAGE : IC_EXIT_RUNTIME;
}

/* Parse argv against opts, calling take(key, optarg) for each option.
 * Returns -1 to go on, or an exit code. */
static int
parse(int argc, char **argv, const ic_cli_opt *opts, const char *synopsis,
      const char *summary, int (*take)(int, const char *, void *), void *ctx)
{
    int c;

    optind = 0; /* glibc: restart the scan for this argv */
    while ((c = ic_cli_next(argc, argv, opts)) != -1) {
        if (c == 'h') {
            ic_cli_help(stdout, argv[0], synopsis, summary, opts);
            return IC_EXIT_OK;
        }
        if (c == '?')
            return IC_EXIT_USAGE;
        if (take(c, optarg, ctx) < 0) {
            fprintf(stderr, "isrcert %s: %s\n", argv[0], ic_error_last());
            return IC_EXIT_USAGE;
        }
    }
    return -1;
}

static int
usage_error(char **argv, const char *why)
{
    fprintf(stderr, "isrcert %s: %s (see --help)\n", argv[0], why);
    return IC_EXIT_USAGE;
}

/* ---- keygen ---- */

typedef struct keygen_args {
    const char *out;
    int type;
} keygen_args;

static int
keygen_take(int c, const char *arg, void *ctx)
{
    keygen_args *a = ctx;

    if (c == 'o')
        a->out = arg;
    if (c == 't' && (a->type = ic_key_type_parse(arg)) < 0)
        return ic_error_set(IC_EINPUT,
                            "--type: \"%s\" is not ed25519 or "
                            "p256",
                            arg);
    return 0;
}

int
ic_cmd_keygen(int argc, char **argv)
{
    static const char synopsis[] = "--out PREFIX [--type ed25519|p256]";
    static const char summary[] =
        "Generate a signing key pair and print its key id (hex SHA-256 of\n"
        "the DER SubjectPublicKeyInfo). Never overwrites an existing key.";
    keygen_args a = {NULL, IC_KEY_ED25519};
    char keyid[IC_KEYID_LEN + 1];
    int rc;

    rc = parse(argc, argv, keygen_opts, synopsis, summary, keygen_take, &a);
    if (rc >= 0)
        return rc;
    if (!a.out || optind != argc)
        return usage_error(argv, a.out ? "unexpected argument"
                                       : "--out PREFIX is required");
    rc = ic_key_write_pair(a.out, (ic_key_type)a.type, keyid);
    if (rc < 0)
        return fail("keygen", rc);
    printf("%s\n", keyid);
    return IC_EXIT_OK;
}

/* ---- sign ---- */

typedef struct sign_args {
    const char *key, *centre;
} sign_args;

static int
sign_take(int c, const char *arg, void *ctx)
{
    sign_args *a = ctx;

    if (c == 'k')
        a->key = arg;
    if (c == 'c')
        a->centre = arg;
    return 0;
}

int
ic_cmd_sign(int argc, char **argv)
{
    static const char synopsis[] = "DIR --key KEY [--centre NAME]";
    static const char summary[] =
        "Sign a run: write DIR/certificate.dsse.json (DSSE envelope, in-toto\n"
        "Statement over every file of the run) and verify it before\n"
        "reporting success.";
    sign_args a = {NULL, NULL};
    int rc;

    rc = parse(argc, argv, sign_opts, synopsis, summary, sign_take, &a);
    if (rc >= 0)
        return rc;
    if (!a.key || optind != argc - 1)
        return usage_error(argv, a.key ? "give one run directory"
                                       : "--key KEY is required");
    rc = ic_certificate_sign(argv[optind], a.key, a.centre);
    if (rc < 0)
        return fail("sign", rc);
    printf("signed %s/certificate.dsse.json (verified)\n", argv[optind]);
    return IC_EXIT_OK;
}

/* ---- verify ---- */

typedef struct verify_args {
    ic_verify_opts o;
    const char *pae, *sig;
} verify_args;

static int
verify_take(int c, const char *arg, void *ctx)
{
    verify_args *a = ctx;

    switch (c) {
    case 'k':
        a->o.pubkey = arg;
        break;
    case 't':
        a->o.trust = arg;
        break;
    case 'r':
        a->o.replay = 1;
        break;
    case OPT_CATALOG:
        a->o.replay_ctx = (void *)arg;
        break;
    case OPT_EXPORT_PAE:
        a->pae = arg;
        break;
    case OPT_EXPORT_SIG:
        a->sig = arg;
        break;
    default:
        break;
    }
    return 0;
}

int
ic_cmd_verify(int argc, char **argv, ic_replay_fn replay)
{
    static const char synopsis[] =
        "DIR|CERTIFICATE (--key PUB | --trust LIST) [--replay]\n"
        "       isrcert verify --export-pae PAE.bin --export-sig SIG.bin "
        "CERTIFICATE";
    static const char summary[] =
        "Verify a certificate: the signature (key, or a currently valid key\n"
        "of the trust list), every subject file's digest, every evidence\n"
        "record and reference, and with --replay the verdicts. Exit 1 means\n"
        "verification failed; the output names what and why.\n"
        "With only --export-pae/--export-sig: write the signed bytes and the\n"
        "signature for `openssl pkeyutl` / `openssl dgst`, and exit.";
    verify_args a;
    int rc;

    memset(&a, 0, sizeof(a));
    rc = parse(argc, argv, verify_opts, synopsis, summary, verify_take, &a);
    if (rc >= 0)
        return rc;
    if (optind != argc - 1)
        return usage_error(argv, "give one run directory or certificate");
    a.o.path = argv[optind];
    if (a.pae || a.sig) {
        rc = ic_certificate_export(a.o.path, a.pae, a.sig);
        if (rc < 0)
            return fail("verify", rc);
        if (!a.o.pubkey && !a.o.trust)
            return IC_EXIT_OK;
    }
    if (!a.o.pubkey == !a.o.trust)
        return usage_error(argv, "give exactly one of --key and --trust");
    a.o.replay_fn = replay;
    rc = ic_certificate_verify(&a.o, stdout);
    fflush(stdout);
    if (rc < 0)
        return fail("verify", rc);
    return rc ? IC_EXIT_FAILED : IC_EXIT_OK;
}
