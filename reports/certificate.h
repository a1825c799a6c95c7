/*
 * certificate — signing a run directory into certificate.dsse.json and
 * verifying one: signature (key or trust list), subject digests, evidence,
 * and optionally a replay of the verdicts.
 */
#ifndef IC_CERTIFICATE_H
#define IC_CERTIFICATE_H

#include <stdio.h>

/* Write DIR/certificate.dsse.json signed with the PEM private key file and
 * verify it before returning 0. */
int ic_certificate_sign(const char *dir, const char *keyfile,
                        const char *centre);

/* Returns 0 when all verdicts were reproduced, 1 on differences (printed to
 * out), <0 on error. */
typedef int (*ic_replay_fn)(const char *dir, FILE *out, void *ctx);

typedef struct ic_verify_opts {
    const char *path;   /* run directory or certificate file */
    const char *pubkey; /* PEM public key file, or NULL */
    const char *trust;  /* trust list file, or NULL (exactly one is set) */
    int replay;
    ic_replay_fn replay_fn;
    void *replay_ctx;
} ic_verify_opts;

/* 0 verified, 1 verification failed (out says what and why), <0 bad input
 * or runtime error (message in ic_error_last()). */
int ic_certificate_verify(const ic_verify_opts *o, FILE *out);

/* Write the PAE bytes of the certificate's envelope and the raw bytes of its
 * first signature (either path may be NULL), for checking with stock
 * tools. */
int ic_certificate_export(const char *path, const char *pae_path,
                          const char *sig_path);

#endif
