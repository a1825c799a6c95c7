/*
 * label — the "stanag4774" assertion: checks STANAG 4774 confidentiality
 * labels against a security policy that the profile supplies and derives
 * their releasability (permissive values OR-ed, restrictive values AND-ed).
 */
#ifndef IC_LABEL_H
#define IC_LABEL_H

#include <stddef.h>

#include <jansson.h>

#include "assert.h"

/* Namespace of ADatP-4774 confidentiality labels. */
#define IC_LABEL_NS "urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"

/* Load-time check of {"stanag4774": XPATH, "policy": NAME,
 * "releasable_to": NATIONS?, "why"?}; IC_EINPUT naming file and path. */
int ic_label_check(const json_t *a, const char *file, const char *path);

/* Is policy a usable policy definition? -1 with the reason in err. */
int ic_label_policy_check(const json_t *policy, char *err, size_t errlen);

/* Evaluate on ev's XML body: every node the XPath selects must be a label
 * valid under the policy named by "policy" (looked up in ev->scope) and,
 * with "releasable_to", releasable to each nation listed. Adds "label"
 * ({policy, classification, releasable_to, national_only, originator?}) to
 * ev->annotations, and "labels" when several labels were selected. */
ic_outcome ic_label_eval(ic_eval *ev, const json_t *a, char *msg,
                         size_t msglen);

#endif
