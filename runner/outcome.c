#include "config.h"

#include <string.h>

#include "outcome.h"

static const char *const names[IC_OUTCOME_COUNT] = {
    "passed", "failed", "cantTell", "inapplicable", "untested"};

const char *
ic_outcome_name(ic_outcome o)
{
    return (unsigned)o < IC_OUTCOME_COUNT ? names[o] : "cantTell";
}

int
ic_outcome_parse(const char *name)
{
    for (int i = 0; i < IC_OUTCOME_COUNT; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}
