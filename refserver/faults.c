#include "config.h"

#include <string.h>

#include "error.h"
#include "faults.h"
#include "refserver.h"

static const struct fault_row {
    const char *name;
    const char *description; /* the requirement the fault breaks */
    ic_rs_faults flag;
} faults[] = {
    {"unlabelled-product",
     "every product carries a STANAG 4774 label (the first product of each "
     "collection has no label: no label link, /label and /binding 404)",
     IC_RS_F_UNLABELLED_PRODUCT},
    {"invalid-label-value",
     "label values come from the security policy (Classification is "
     "\"SECRETISH\", which the NATO policy does not define)",
     IC_RS_F_INVALID_LABEL_VALUE},
    {"national-only-label",
     "products are releasable beyond the owner nation (Releasable To lists "
     "only the owner nation, NOFORN-style)",
     IC_RS_F_NATIONAL_ONLY_LABEL},
    {"label-missing-policy",
     "a 4774 label names its security policy (PolicyIdentifier omitted)",
     IC_RS_F_LABEL_MISSING_POLICY},
    {"label-missing-creation-time",
     "a 4774 label carries CreationDateTime (omitted)",
     IC_RS_F_LABEL_MISSING_CREATION},
    {"binding-dangling-reference",
     "a 4778 DataReference resolves to the bound product (points at a "
     "product that does not exist)",
     IC_RS_F_BINDING_DANGLING_REF},
    {"binding-label-mismatch",
     "the label in a 4778 binding is the product's label (the bound label "
     "has a different Classification)",
     IC_RS_F_BINDING_LABEL_MISMATCH},
    {"wrong-content-type",
     "features and feature collections are served as application/geo+json "
     "(served as application/json)",
     IC_RS_F_WRONG_CONTENT_TYPE},
    {"missing-conformance-class",
     "/conformance lists every class implemented (the GeoJSON class is "
     "missing)",
     IC_RS_F_MISSING_CONF_CLASS},
    {"missing-service-desc",
     "the landing page links the API definition with rel=service-desc "
     "(link missing)",
     IC_RS_F_MISSING_SERVICE_DESC},
    {"no-api-definition-link",
     "the landing page links the API definition with rel=service-desc or "
     "rel=service-doc (both links missing)",
     IC_RS_F_NO_API_DEFINITION_LINK},
    {"broken-paging-link",
     "the next link of a feature collection page resolves (it points at a "
     "path that returns 404)",
     IC_RS_F_BROKEN_PAGING_LINK},
    {"bad-numbermatched",
     "numberMatched is the number of products matching the query (reports "
     "7 more)",
     IC_RS_F_BAD_NUMBERMATCHED},
    {"limit-ignored", "a page holds at most limit products (limit is ignored)",
     IC_RS_F_LIMIT_IGNORED},
    {"bbox-ignored",
     "only products intersecting bbox are returned (bbox is ignored)",
     IC_RS_F_BBOX_IGNORED},
    {"invalid-param-accepted",
     "an unknown or invalid query parameter gets 400 (answered 200 with "
     "defaults)",
     IC_RS_F_INVALID_PARAM_ACCEPTED},
    {"500-on-missing-item", "an unknown feature id gets 404 (answered 500)",
     IC_RS_F_500_ON_MISSING_ITEM},
    {"collection-missing-extent",
     "a collection describes its spatial and temporal extent (extent "
     "omitted)",
     IC_RS_F_COLLECTION_NO_EXTENT},
    {"nvg-missing-uri",
     "every NVG content item has a uri attribute (the first item of each "
     "overlay has none)",
     IC_RS_F_NVG_MISSING_URI},
    {"nvg-bad-symbol",
     "NVG symbol codes are scheme:code, e.g. app6b:SHGPUCA----E--- (the "
     "scheme prefix is dropped)",
     IC_RS_F_NVG_BAD_SYMBOL},
    {"cot-stale-before-start",
     "a CoT event's stale time is after its start time (stale is one hour "
     "before start)",
     IC_RS_F_COT_STALE_BEFORE_START},
    {"slow-responses",
     "responses arrive promptly (every response is delayed by --delay-ms, "
     "default 2000 ms)",
     IC_RS_F_SLOW_RESPONSES},
};

ic_rs_faults
ic_rs_fault_flag(const char *name)
{
    size_t i;

    if (!name)
        return 0;
    for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
        if (strcmp(faults[i].name, name) == 0)
            return faults[i].flag;
    return 0;
}

int
ic_rs_faults_parse(ic_rs_faults *out, const char *const *names, size_t n)
{
    ic_rs_faults all = 0, f;
    size_t i;

    for (i = 0; i < n; i++) {
        f = ic_rs_fault_flag(names[i]);
        if (!f)
            return ic_error_set(IC_EINPUT,
                                "unknown fault \"%s\" (see --list-faults)",
                                names[i] ? names[i] : "(null)");
        all |= f;
    }
    *out = all;
    return 0;
}

int
ic_refserver_fault_known(const char *name)
{
    return ic_rs_fault_flag(name) != 0;
}

void
ic_refserver_list_faults(FILE *out)
{
    size_t i;

    for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
        fprintf(out, "%-28s %s\n", faults[i].name, faults[i].description);
}
