#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include <libxml/parser.h>
#include <microhttpd.h>

#include "error.h"
#include "faults.h"
#include "html.h"
#include "refserver.h"
#include "router.h"
#include "store.h"
#include "util.h"

#define MAX_PARAMS 32
#define DEFAULT_DELAY_MS 2000u

struct ic_refserver {
    struct MHD_Daemon *daemon;
    ic_rs_store *store; /* owned; read-only while serving */
    unsigned delay_ms;
    unsigned short port;
    char fallback_host[64]; /* for a request without Host */
};

/* The query parameters of one request, borrowed from MHD. */
struct params {
    ic_rs_param p[MAX_PARAMS];
    size_t n;
    int overflow;
};

static enum MHD_Result
collect_param(void *cls, enum MHD_ValueKind kind, const char *key,
              const char *value)
{
    struct params *ps = cls;

    (void)kind;
    if (ps->n == MAX_PARAMS) {
        ps->overflow = 1;
        return MHD_NO;
    }
    ps->p[ps->n].key = key ? key : "";
    ps->p[ps->n].value = value;
    ps->n++;
    return MHD_YES;
}

/* Host header syntax we accept for links: host[:port] or [v6][:port]. */
static int
host_valid(const char *h)
{
    size_t n = strlen(h);

    return n > 0 && n < 256 &&
           strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789.-:[]") == n;
}

static void
delay(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static enum MHD_Result
send_reply(struct MHD_Connection *conn, ic_rs_reply *r, int allow_header)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;

    resp =
        MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        ic_rs_reply_dispose(r);
        return MHD_NO;
    }
    r->body = NULL; /* MHD frees it */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type);
    if (allow_header)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    if (r->link)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LINK, r->link);
    if (r->negotiated)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept");
    ret = MHD_queue_response(conn, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
       const char *method, const char *version, const char *upload_data,
       size_t *upload_data_size, void **con_cls)
{
    static int seen;
    ic_refserver *srv = cls;
    struct params ps;
    ic_rs_reply r;
    ic_rs_request q;
    const char *host;
    char *base = NULL;
    enum MHD_Result ret;
    int is_get;

    (void)version;
    (void)upload_data;
    if (!*con_cls) { /* headers only so far */
        *con_cls = &seen;
        return MHD_YES;
    }
    if (*upload_data_size) { /* a body we do not need */
        *upload_data_size = 0;
        return MHD_YES;
    }
    memset(&r, 0, sizeof(r));
    memset(&ps, 0, sizeof(ps));
    is_get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
             strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                       MHD_HTTP_HEADER_HOST);
    if (!host)
        host = srv->fallback_host;
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_param, &ps);
    if (!is_get) {
        ic_rs_reply_error(&r, 405, "MethodNotAllowed",
                          "only GET and HEAD are supported");
    } else if (!host_valid(host)) {
        ic_rs_reply_error(&r, 400, "InvalidHost", "invalid Host header");
    } else if (ps.overflow) {
        ic_rs_reply_error(&r, 400, "InvalidParameterValue",
                          "more than %d query parameters", MAX_PARAMS);
    } else {
        base = xasprintf("http://%s", host);
        q.path = url;
        q.params = ps.p;
        q.nparams = ps.n;
        q.base = base;
        q.html = ic_rs_html_wanted(
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                        MHD_HTTP_HEADER_ACCEPT),
            ps.p, ps.n);
        ic_rs_route(&r, srv->store, &q);
    }
    if (srv->store->faults & IC_RS_F_SLOW_RESPONSES)
        delay(srv->delay_ms);
    ret = send_reply(conn, &r, !is_get);
    ic_rs_reply_dispose(&r);
    free(base);
    return ret;
}

const char *
ic_refserver_default_data_dir(void)
{
    static const char installed[] = IC_DATADIR "/refserver";
    struct stat st;

    if (stat(IC_DATADIR "/refserver/service.json", &st) == 0)
        return installed;
    return IC_SRCDIR "/refserver/data";
}

/* Numeric address (or "localhost") to a socket address with port. */
static int
resolve(struct sockaddr_storage *sa, socklen_t *len, const char *bind,
        unsigned short port)
{
    struct addrinfo hints, *ai = NULL;
    int err;

    if (strcmp(bind, "localhost") == 0)
        bind = "127.0.0.1";
    memset(&hints, 0, sizeof(hints));
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
    hints.ai_socktype = SOCK_STREAM;
    err = getaddrinfo(bind, NULL, &hints, &ai);
    if (err != 0 || !ai || ai->ai_addrlen > sizeof(*sa)) {
        if (ai)
            freeaddrinfo(ai);
        return ic_error_set(
            IC_EINPUT, "--bind %s: not a numeric IPv4 or IPv6 address", bind);
    }
    memcpy(sa, ai->ai_addr, ai->ai_addrlen);
    *len = ai->ai_addrlen;
    freeaddrinfo(ai);
    if (sa->ss_family == AF_INET6)
        ((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
    else
        ((struct sockaddr_in *)sa)->sin_port = htons(port);
    return 0;
}

int
ic_refserver_start(ic_refserver **out, const ic_refserver_opts *o)
{
    ic_refserver *srv = NULL;
    ic_rs_faults faults = 0;
    struct sockaddr_storage sa;
    socklen_t salen = 0;
    const union MHD_DaemonInfo *info;
    const char *bind = o && o->bind ? o->bind : "127.0.0.1";
    const char *dir =
        o && o->data_dir ? o->data_dir : ic_refserver_default_data_dir();
    unsigned flags;
    int rc;

    *out = NULL;
    if (o && (rc = ic_rs_faults_parse(&faults, o->faults, o->nfaults)) != 0)
        goto cleanup;
    if ((rc = resolve(&sa, &salen, bind, o ? o->port : 0)) != 0)
        goto cleanup;
    xmlInitParser();
    srv = xcalloc(1, sizeof(*srv));
    srv->delay_ms = o && o->delay_ms ? o->delay_ms : DEFAULT_DELAY_MS;
    if ((rc = ic_rs_store_load(&srv->store, dir, faults)) != 0)
        goto cleanup;
    /* a thread per connection: a slow response does not hold up others */
    flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
    if (sa.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    errno = 0;
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, handle, srv, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64, MHD_OPTION_END);
    if (!srv->daemon) {
        rc = ic_error_set(IC_ERUNTIME, "cannot listen on %s port %u: %s", bind,
                          o ? o->port : 0,
                          errno ? strerror(errno) : "libmicrohttpd failed");
        goto cleanup;
    }
    info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : 0;
    if (!srv->port) {
        rc = ic_error_set(IC_ERUNTIME, "cannot find the port listened on");
        goto cleanup;
    }
    if (sa.ss_family == AF_INET6)
        snprintf(srv->fallback_host, sizeof(srv->fallback_host), "[%s]:%u",
                 strcmp(bind, "::") == 0 ? "::1" : bind, srv->port);
    else
        snprintf(srv->fallback_host, sizeof(srv->fallback_host), "%s:%u",
                 strcmp(bind, "0.0.0.0") == 0 ? "127.0.0.1" : bind, srv->port);
    rc = 0;
cleanup:
    if (rc != 0) {
        ic_refserver_stop(srv);
        srv = NULL;
    }
    *out = srv;
    return rc;
}

unsigned short
ic_refserver_port(const ic_refserver *s)
{
    return s ? s->port : 0;
}

void
ic_refserver_stop(ic_refserver *s)
{
    if (!s)
        return;
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    ic_rs_store_free(s->store);
    free(s);
}
