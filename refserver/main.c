/*
 * isrcert-refserver — command line of the reference ISR product library:
 * parse argv into ic_refserver_opts, serve until SIGINT or SIGTERM.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "refserver.h"
#include "util.h"

enum { OPT_LIST_FAULTS = 256, OPT_PORT_FILE, OPT_DELAY_MS };

static const struct option_row {
    struct option opt;
    const char *arg;
    const char *help;
} rows[] = {
    {{"bind", required_argument, NULL, 'b'},
     "ADDR",
     "numeric listen address (default 127.0.0.1, loopback only)"},
    {{"port", required_argument, NULL, 'p'},
     "N",
     "TCP port (default 0: pick a free one)"},
    {{"data", required_argument, NULL, 'd'},
     "DIR",
     "data folder (default: installed data, else the source tree's)"},
    {{"fault", required_argument, NULL, 'f'},
     "NAME",
     "break the named requirement (repeatable; see --list-faults)"},
    {{"delay-ms", required_argument, NULL, OPT_DELAY_MS},
     "N",
     "delay of the slow-responses fault (default 2000)"},
    {{"list-faults", no_argument, NULL, OPT_LIST_FAULTS},
     NULL,
     "print each fault and the requirement it breaks, then exit"},
    {{"port-file", required_argument, NULL, OPT_PORT_FILE},
     "F",
     "write the port listened on to file F"},
    {{"help", no_argument, NULL, 'h'}, NULL, "show this help"},
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void
usage(FILE *out)
{
    char left[40];
    size_t i;

    fprintf(out, "Usage: isrcert-refserver [OPTION]...\n"
                 "Serve the isrcert reference ISR product library (OGC API -"
                 " Features,\nSTANAG 4774/4778, NVG 2.0, CoT) until SIGINT or"
                 " SIGTERM.\n\n");
    for (i = 0; i < NROWS; i++) {
        snprintf(left, sizeof(left), "--%s%s%s", rows[i].opt.name,
                 rows[i].arg ? " " : "", rows[i].arg ? rows[i].arg : "");
        fprintf(out, "  %-20s  %s\n", left, rows[i].help);
    }
    fprintf(out, "\nExit status: 0 stopped by a signal, 2 bad usage or data,"
                 " 3 runtime error.\n");
}

static int
parse_number(unsigned long *out, const char *s, unsigned long max,
             const char *what)
{
    char *end;

    errno = 0;
    *out = strtoul(s, &end, 10);
    if (!*s || *end || errno || *out > max || s[0] == '-') {
        fprintf(stderr, "isrcert-refserver: %s: invalid number \"%s\"\n", what,
                s);
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    struct option longopts[NROWS + 1];
    ic_refserver_opts o;
    ic_refserver *srv = NULL;
    const char **faults = NULL;
    const char *port_file = NULL;
    unsigned long n;
    sigset_t sigs;
    size_t i;
    int c, sig, status = 0, nonlocal;
    char *text = NULL;

    memset(&o, 0, sizeof(o));
    memset(longopts, 0, sizeof(longopts));
    for (i = 0; i < NROWS; i++)
        longopts[i] = rows[i].opt;
    faults = xcalloc((size_t)argc + 1, sizeof(*faults));
    o.faults = faults;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'b':
            o.bind = optarg;
            break;
        case 'p':
            if (parse_number(&n, optarg, 65535, "--port") != 0)
                goto usage_error;
            o.port = (unsigned short)n;
            break;
        case 'd':
            o.data_dir = optarg;
            break;
        case 'f':
            if (!ic_refserver_fault_known(optarg)) {
                fprintf(stderr,
                        "isrcert-refserver: unknown fault \"%s\" "
                        "(see --list-faults)\n",
                        optarg);
                goto usage_error;
            }
            faults[o.nfaults++] = optarg;
            break;
        case OPT_DELAY_MS:
            if (parse_number(&n, optarg, 600000, "--delay-ms") != 0)
                goto usage_error;
            o.delay_ms = (unsigned)n;
            break;
        case OPT_LIST_FAULTS:
            ic_refserver_list_faults(stdout);
            goto cleanup;
        case OPT_PORT_FILE:
            port_file = optarg;
            break;
        case 'h':
            usage(stdout);
            goto cleanup;
        default:
            goto usage_error;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "isrcert-refserver: unexpected argument \"%s\"\n",
                argv[optind]);
        goto usage_error;
    }
    /* block the stop signals in every thread; main waits for them */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    if ((c = ic_refserver_start(&srv, &o)) != 0) {
        fprintf(stderr, "isrcert-refserver: %s\n", ic_error_last());
        status = c == IC_EINPUT ? 2 : 3;
        goto cleanup;
    }
    nonlocal = o.bind && strcmp(o.bind, "127.0.0.1") != 0 &&
               strcmp(o.bind, "::1") != 0 && strcmp(o.bind, "localhost") != 0;
    if (nonlocal)
        fprintf(stderr,
                "isrcert-refserver: warning: listening on %s, reachable "
                "from the network\n",
                o.bind);
    if (port_file) {
        text = xasprintf("%u\n", ic_refserver_port(srv));
        if (ic_file_write_atomic(port_file, text, strlen(text), 0644) != 0) {
            fprintf(stderr, "isrcert-refserver: %s\n", ic_error_last());
            status = 3;
            goto cleanup;
        }
    }
    if (o.bind && strchr(o.bind, ':'))
        printf("listening on http://[%s]:%u/\n", o.bind,
               ic_refserver_port(srv));
    else
        printf("listening on http://%s:%u/\n",
               o.bind && strcmp(o.bind, "localhost") != 0 ? o.bind
                                                          : "127.0.0.1",
               ic_refserver_port(srv));
    fflush(stdout);
    while (sigwait(&sigs, &sig) != 0)
        ;
    goto cleanup;
usage_error:
    usage(stderr);
    status = 2;
cleanup:
    ic_refserver_stop(srv);
    free(faults);
    free(text);
    return status;
}
