/*
 * faults — the table of named faults: one row per way the reference server
 * can break one requirement (name, flag, requirement broken).
 */
#ifndef IC_RS_FAULTS_H
#define IC_RS_FAULTS_H

#include <stddef.h>
#include <stdint.h>

enum {
    IC_RS_F_UNLABELLED_PRODUCT = 1u << 0,
    IC_RS_F_INVALID_LABEL_VALUE = 1u << 1,
    IC_RS_F_NATIONAL_ONLY_LABEL = 1u << 2,
    IC_RS_F_LABEL_MISSING_POLICY = 1u << 3,
    IC_RS_F_LABEL_MISSING_CREATION = 1u << 4,
    IC_RS_F_BINDING_DANGLING_REF = 1u << 5,
    IC_RS_F_BINDING_LABEL_MISMATCH = 1u << 6,
    IC_RS_F_WRONG_CONTENT_TYPE = 1u << 7,
    IC_RS_F_MISSING_CONF_CLASS = 1u << 8,
    IC_RS_F_MISSING_SERVICE_DESC = 1u << 9,
    IC_RS_F_BROKEN_PAGING_LINK = 1u << 10,
    IC_RS_F_BAD_NUMBERMATCHED = 1u << 11,
    IC_RS_F_LIMIT_IGNORED = 1u << 12,
    IC_RS_F_BBOX_IGNORED = 1u << 13,
    IC_RS_F_INVALID_PARAM_ACCEPTED = 1u << 14,
    IC_RS_F_500_ON_MISSING_ITEM = 1u << 15,
    IC_RS_F_COLLECTION_NO_EXTENT = 1u << 16,
    IC_RS_F_NVG_MISSING_URI = 1u << 17,
    IC_RS_F_NVG_BAD_SYMBOL = 1u << 18,
    IC_RS_F_COT_STALE_BEFORE_START = 1u << 19,
    IC_RS_F_SLOW_RESPONSES = 1u << 20,
    IC_RS_F_NO_API_DEFINITION_LINK = 1u << 21
};

typedef uint32_t ic_rs_faults;

/* Flag of a fault name; 0 when unknown. */
ic_rs_faults ic_rs_fault_flag(const char *name);
/* OR of the named faults; IC_EINPUT naming the first unknown one. */
int ic_rs_faults_parse(ic_rs_faults *out, const char *const *names, size_t n);

#endif
