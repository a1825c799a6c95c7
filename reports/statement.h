/*
 * statement — the in-toto Statement a certificate signs: the run directory's
 * files as subjects, and the certification predicate read from report.json;
 * plus the check of subjects against the files on disk.
 */
#ifndef IC_STATEMENT_H
#define IC_STATEMENT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#define IC_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define IC_PREDICATE_TYPE "https://isrcert.dev/certification/v1"
#define IC_CERTIFICATE_FILE "certificate.dsse.json"

/* Relative names of the regular files a certificate covers, sorted: every
 * file under dir except the certificate itself and temp files. */
int ic_statement_subject_files(char ***names, size_t *n, const char *dir);
void ic_statement_names_free(char **names, size_t n);

/* Build the Statement for dir; centre (may be NULL) and keyid name the
 * signer in the predicate. A malformed report.json is IC_EINPUT. */
int ic_statement_build(json_t **out, const char *dir, const char *centre,
                       const char *keyid);

/* Check the envelope payload is a Statement of ours: 0, or 1 with a reason
 * printed as a FAILED line to out. */
int ic_statement_check_form(const json_t *st, FILE *out);
/* Compare every subject's digest with the file in dir; prints one line per
 * subject and counts the failures. Files not covered are noted. */
void ic_statement_check_subjects(const json_t *st, const char *dir, FILE *out,
                                 size_t *failures);

#endif
