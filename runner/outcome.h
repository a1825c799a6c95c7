/*
 * outcome — EARL outcome values of a test or an assertion.
 */
#ifndef IC_OUTCOME_H
#define IC_OUTCOME_H

typedef enum ic_outcome {
    IC_PASSED = 0,
    IC_FAILED,
    IC_CANTTELL,     /* could not decide: transport error, missing schema */
    IC_INAPPLICABLE, /* optional feature not advertised */
    IC_UNTESTED,     /* a prerequisite did not pass */
    IC_OUTCOME_COUNT
} ic_outcome;

/* EARL name ("passed", "cantTell", ...). */
const char *ic_outcome_name(ic_outcome o);
/* Parse an EARL name; -1 when unknown. */
int ic_outcome_parse(const char *name);

#endif
