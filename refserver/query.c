#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "query.h"

#define LIMIT_CEILING 10000u /* OGC 17-069r4 limit parameter maximum */
#define OFFSET_CEILING 1000000000u

static int
digits(const char *s, size_t n, int *out)
{
    int v = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int
ic_rs_time_parse(double *out, const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
    double frac = 0.0, scale = 0.1;
    struct tm tm;
    time_t t;
    const char *p;

    if (!s || strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' ||
        digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d) ||
        (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) ||
        s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
        digits(s + 17, 2, &sec))
        goto bad;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
        sec > 60)
        goto bad;
    p = s + 19;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            goto bad;
        while (isdigit((unsigned char)*p)) {
            frac += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '+' ? 1 : -1;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) ||
            oh > 23 || om > 59)
            goto bad;
        p += 6;
    } else {
        goto bad;
    }
    if (*p)
        goto bad;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec > 59 ? 59 : sec;
    t = timegm(&tm);
    if (tm.tm_mday != d) /* 31 April and the like were normalised */
        goto bad;
    *out = (double)t + frac - sign * (oh * 3600.0 + om * 60.0);
    return 0;
bad:
    return ic_error_set(IC_EINPUT, "not an RFC 3339 date-time: \"%s\"",
                        s ? s : "");
}

int
ic_rs_params_check(const ic_rs_param *p, size_t n, const char *const *allowed,
                   int html)
{
    size_t i, j;
    const char *const *a;

    for (i = 0; i < n; i++) {
        for (a = allowed; *a; a++)
            if (strcmp(*a, p[i].key) == 0)
                break;
        if (!*a)
            return ic_error_set(IC_EINPUT, "unknown query parameter \"%s\"",
                                p[i].key);
        for (j = 0; j < i; j++)
            if (strcmp(p[j].key, p[i].key) == 0)
                return ic_error_set(
                    IC_EINPUT, "query parameter \"%s\" repeated", p[i].key);
        if (strcmp(p[i].key, "f") == 0 &&
            (!p[i].value || (strcmp(p[i].value, "json") != 0 &&
                             (!html || strcmp(p[i].value, "html") != 0))))
            return ic_error_set(IC_EINPUT, "unsupported format f=%s (only %s)",
                                p[i].value ? p[i].value : "",
                                html ? "f=json and f=html" : "f=json");
    }
    return 0;
}

static int
parse_uint(unsigned long *out, const char *s, unsigned long max)
{
    unsigned long v = 0;

    if (!s || !*s || strlen(s) > 10)
        return -1;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s))
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

static int
parse_bbox(double out[4], const char *s)
{
    double v[6];
    size_t n = 0;
    char *end;
    const char *p = s;

    if (!s || !*s)
        return -1;
    for (;;) {
        if (n == 6 || isspace((unsigned char)*p))
            return -1;
        errno = 0;
        v[n] = strtod(p, &end);
        if (end == p || errno || !isfinite(v[n]))
            return -1;
        n++;
        if (*end == '\0')
            break;
        if (*end != ',')
            return -1;
        p = end + 1;
    }
    if (n == 6) { /* drop the heights */
        v[2] = v[3];
        v[3] = v[4];
    } else if (n != 4) {
        return -1;
    }
    if (v[0] < -180 || v[0] > 180 || v[2] < -180 || v[2] > 180 || v[1] < -90 ||
        v[1] > 90 || v[3] < -90 || v[3] > 90 || v[1] > v[3])
        return -1;
    memcpy(out, v, 4 * sizeof(double));
    return 0;
}

static int
parse_end(double *out, const char *s, size_t n, double open)
{
    char buf[64];

    if (n == 0 || (n == 2 && memcmp(s, "..", 2) == 0)) {
        *out = open;
        return 0;
    }
    if (n >= sizeof(buf))
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return ic_rs_time_parse(out, buf) == 0 ? 0 : -1;
}

static int
parse_datetime(double *t0, double *t1, const char *s)
{
    const char *slash;

    if (!s || !*s)
        return -1;
    slash = strchr(s, '/');
    if (!slash) {
        if (ic_rs_time_parse(t0, s) != 0)
            return -1;
        *t1 = *t0;
        return 0;
    }
    if (strchr(slash + 1, '/') ||
        parse_end(t0, s, (size_t)(slash - s), -HUGE_VAL) != 0 ||
        parse_end(t1, slash + 1, strlen(slash + 1), HUGE_VAL) != 0 || *t0 > *t1)
        return -1;
    return 0;
}

int
ic_rs_items_query_parse(ic_rs_items_query *q, const ic_rs_param *p, size_t n,
                        unsigned limit_default, unsigned limit_max, int lenient)
{
    unsigned long v;
    size_t i;

    memset(q, 0, sizeof(*q));
    q->limit = limit_default;
    q->t0 = -HUGE_VAL;
    q->t1 = HUGE_VAL;
    for (i = 0; i < n; i++) {
        const char *k = p[i].key, *val = p[i].value;

        if (strcmp(k, "limit") == 0) {
            if (parse_uint(&v, val, LIMIT_CEILING) == 0 && v >= 1)
                q->limit = v > limit_max ? limit_max : (unsigned)v;
            else if (!lenient)
                return ic_error_set(IC_EINPUT,
                                    "limit must be an integer from 1 to %u",
                                    LIMIT_CEILING);
        } else if (strcmp(k, "offset") == 0) {
            if (parse_uint(&v, val, OFFSET_CEILING) == 0)
                q->offset = v;
            else if (!lenient)
                return ic_error_set(IC_EINPUT,
                                    "offset must be a non-negative integer");
        } else if (strcmp(k, "bbox") == 0) {
            if (parse_bbox(q->bbox, val) == 0) {
                q->has_bbox = 1;
                q->bbox_raw = val;
            } else if (!lenient) {
                return ic_error_set(IC_EINPUT,
                                    "bbox must be 4 or 6 numbers "
                                    "(west,south,east,north in CRS84)");
            }
        } else if (strcmp(k, "datetime") == 0) {
            if (parse_datetime(&q->t0, &q->t1, val) == 0) {
                q->has_time = 1;
                q->datetime_raw = val;
            } else if (!lenient) {
                return ic_error_set(IC_EINPUT,
                                    "datetime must be an RFC 3339 date-time "
                                    "or interval");
            } else {
                q->t0 = -HUGE_VAL;
                q->t1 = HUGE_VAL;
            }
        }
    }
    return 0;
}

int
ic_rs_bbox_intersects(const double box[4], const double f[4])
{
    if (f[1] > box[3] || f[3] < box[1])
        return 0;
    if (box[0] <= box[2])
        return !(f[0] > box[2] || f[2] < box[0]);
    /* the box crosses the antimeridian: [west, 180] or [-180, east] */
    return f[2] >= box[0] || f[0] <= box[2];
}

int
ic_rs_time_matches(const ic_rs_items_query *q, double t)
{
    return t >= q->t0 && t <= q->t1;
}

void
ic_rs_query_encode(ic_buf *b, const char *s)
{
    static const char hexd[] = "0123456789ABCDEF";
    char esc[3];

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        /* unreserved, plus the separators of bbox and datetime values */
        if (isalnum(c) || strchr("-._~,:/", c)) {
            ic_buf_append(b, s, 1);
        } else {
            esc[0] = '%';
            esc[1] = hexd[c >> 4];
            esc[2] = hexd[c & 15];
            ic_buf_append(b, esc, 3);
        }
    }
}
