/*
 * refserver — the reference ISR product library: an OGC API - Features
 * server with STANAG 4774 labels, 4778 bindings, NVG 2.0 and CoT events,
 * which named faults can make non-conformant. Public API of librefserver.a.
 */
#ifndef IC_REFSERVER_H
#define IC_REFSERVER_H

#include <stddef.h>
#include <stdio.h>

typedef struct ic_refserver ic_refserver;

typedef struct ic_refserver_opts {
    const char *bind;     /* numeric address; default "127.0.0.1" */
    unsigned short port;  /* 0 = pick a free port */
    const char *data_dir; /* NULL = ic_refserver_default_data_dir() */
    const char *const *faults;
    size_t nfaults;
    unsigned delay_ms; /* delay of the slow-responses fault; 0 = 2000 */
} ic_refserver_opts;

/* Load the data, start MHD in its own threads; returns once listening.
 * IC_EINPUT for bad options or data files, IC_ERUNTIME when it cannot
 * listen; the message is in ic_error_last(). */
int ic_refserver_start(ic_refserver **out, const ic_refserver_opts *o);
unsigned short ic_refserver_port(const ic_refserver *s);
/* Stop serving and free; accepts NULL. */
void ic_refserver_stop(ic_refserver *s);

int ic_refserver_fault_known(const char *name);
/* One line per fault: name and the requirement it breaks. */
void ic_refserver_list_faults(FILE *out);
/* $(pkgdatadir)/refserver when installed, else the source tree's data. */
const char *ic_refserver_default_data_dir(void);

#endif
