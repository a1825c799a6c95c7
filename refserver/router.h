/*
 * router — maps a GET request (path + query parameters) to the resource
 * that answers it: 404 for unknown paths and ids, 400 for bad parameters.
 */
#ifndef IC_RS_ROUTER_H
#define IC_RS_ROUTER_H

#include "ogcapi.h"
#include "store.h"

/* Fill r (dispose it afterwards); never fails. */
void ic_rs_route(ic_rs_reply *r, const ic_rs_store *s, const ic_rs_request *q);

#endif
