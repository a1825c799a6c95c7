/*
 * labels — STANAG 4774 confidentiality labels and STANAG 4778 bindings:
 * loading labels.json against its policy, and writing the XML of a
 * product's label and binding with the label faults applied.
 */
#ifndef IC_RS_LABELS_H
#define IC_RS_LABELS_H

#include "store.h"
#include "util.h"

#define IC_RS_NS_4774 "urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"
#define IC_RS_NS_4778 "urn:nato:stanag:4778:bindinginformation:1:0"

/* Load the policy and every product's label; IC_EINPUT naming the file. */
int ic_rs_labels_load(ic_rs_store *s, const char *path);
void ic_rs_label_free(ic_rs_label *l);
void ic_rs_policy_dispose(ic_rs_policy *p);

/* The label served for a product, NULL when it has none (borrowed). */
const ic_rs_label *ic_rs_product_label(const ic_rs_store *s,
                                       const ic_rs_collection *c,
                                       const ic_rs_feature *f);
/* The originatorConfidentialityLabel document (application/xml). */
void ic_rs_label_xml(ic_buf *b, const ic_rs_store *s, const ic_rs_label *l);
/* The BindingInformation binding the label to the product at
 * base/collections/{c}/items/{id}. */
void ic_rs_binding_xml(ic_buf *b, const ic_rs_store *s,
                       const ic_rs_collection *c, const ic_rs_feature *f,
                       const ic_rs_label *l, const char *base);

#endif
