/*
 * evidence_check — verification of a run's evidence: every WARC record's
 * block digest, and every evidence reference of report.json resolving to a
 * record of evidence.warc with the digest the report names.
 */
#ifndef IC_EVIDENCE_CHECK_H
#define IC_EVIDENCE_CHECK_H

#include <stddef.h>
#include <stdio.h>

/* Prints ok / FAILED lines to out and adds the failures found. */
void ic_evidence_check(const char *dir, FILE *out, size_t *failures);

#endif
