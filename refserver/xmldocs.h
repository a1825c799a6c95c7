/*
 * xmldocs — the NVG 2.0 overlays and Cursor on Target 2.0 events: load and
 * check each file, apply the NVG/CoT faults to the served copy.
 */
#ifndef IC_RS_XMLDOCS_H
#define IC_RS_XMLDOCS_H

#include "store.h"

#define IC_RS_NS_NVG "https://tide.act.nato.int/schemas/2012/10/nvg"

/* IC_EINPUT naming the file when it is not a usable NVG / CoT document. */
int ic_rs_overlay_load(ic_rs_xmldoc *d, const char *path, ic_rs_faults f);
int ic_rs_event_load(ic_rs_xmldoc *d, const char *path, ic_rs_faults f);
void ic_rs_xmldoc_dispose(ic_rs_xmldoc *d);

#endif
