/*
 * replay — re-derive a run's verdicts offline: the run engine driven by a
 * transport that answers every request with the response recorded in the
 * run's evidence.warc, then a comparison with the report's outcomes.
 */
#ifndef IC_REPLAY_H
#define IC_REPLAY_H

#include <stdio.h>

/* An ic_replay_fn: 0 every verdict reproduced, 1 differences (printed to
 * out, naming each test), <0 error. ctx: a catalog path or NULL. */
int ic_replay_run(const char *dir, FILE *out, void *ctx);

#endif
