#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "error.h"
#include "html.h"
#include "outcome.h"
#include "util.h"

/*
 * The page is polyglot markup: HTML5 that is also well-formed XML, so the XML
 * writer's escaping covers every string from the report and both parsers
 * read it. The style sheet is ours and is written raw: it must never hold
 * '<' or '&'.
 */
static const char css[] =
    "*{box-sizing:border-box;-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}"
    "body{font:14px/1.4 system-ui,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
    "color:#1b1f24;margin:24px auto;max-width:1400px;padding:0 16px}"
    "h1{font-size:22px;margin:0 0 12px}"
    "h2{font-size:18px;margin:32px 0 4px;padding-bottom:4px;"
    "border-bottom:2px solid #d0d7de}"
    "p{margin:4px 0 10px}"
    ".sub{color:#57606a;font-size:12px}"
    "code,.mono{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,"
    "monospace;font-size:12px}"
    ".top{display:flex;gap:32px;align-items:flex-start;"
    "justify-content:space-between}"
    ".meta{border-collapse:collapse}"
    ".meta th{text-align:left;font-weight:600;color:#57606a;white-space:nowrap;"
    "padding:2px 16px 2px 0;vertical-align:top}"
    ".meta td{padding:2px 0;overflow-wrap:anywhere}"
    ".verdict{min-width:280px;padding:16px 24px;border:2px solid;"
    "border-radius:8px;text-align:center}"
    ".verdict .vl{font-size:12px;text-transform:uppercase;letter-spacing:.08em}"
    ".verdict .vv{font-size:36px;font-weight:800;letter-spacing:.04em;"
    "text-transform:uppercase}"
    ".verdict .vc{font-size:12px}"
    ".grid{border-collapse:collapse;width:100%}"
    ".grid th,.grid td{border:1px solid #d0d7de;padding:4px 6px;"
    "vertical-align:top;text-align:left}"
    ".grid thead th{background:#f3f4f6;font-size:12px}"
    ".grid td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".grid td.zero{color:#a0a7b0}"
    ".results{table-layout:fixed}"
    ".results td{overflow-wrap:anywhere}"
    ".results .c-o{width:8.5em}.results .c-t{width:21%}"
    ".results .c-r{width:14%}.results .c-x{width:30%}"
    ".badge{display:inline-block;padding:1px 6px;border:1px solid;"
    "border-radius:4px;font-size:12px;font-weight:700;white-space:nowrap}"
    ".o-passed{background:#dcf3e2;color:#0b5d1e;border-color:#7bc68f}"
    ".o-failed{background:#fde0e0;color:#8a1010;border-color:#e08a8a}"
    ".o-canttell{background:#fff1c2;color:#6b4e00;border-color:#e3c165}"
    ".o-inapplicable{background:#eceff1;color:#455a64;border-color:#b0bec5}"
    ".o-untested{background:#ebe5f7;color:#4a3780;border-color:#b3a4dc}"
    ".o-unknown{background:#fff;color:#1b1f24;border-color:#888}"
    "tr.r-failed td{background:#fff6f6}"
    ".req{word-break:break-all}"
    ".grid td.c-failed{color:#8a1010;font-weight:700}"
    ".grid td.c-canttell{color:#6b4e00;font-weight:700}"
    ".grid td.c-untested{color:#4a3780;font-weight:700}"
    ".ev{list-style:none;margin:2px 0 0;padding:0;color:#57606a;"
    "font-size:11px}.ev code{font-size:11px}"
    ".label{margin-top:4px;padding:2px 6px;border-left:3px solid #6d8fb8;"
    "background:#f2f6fb;font-size:12px}"
    ".legend{font-size:12px;color:#57606a}"
    "footer{margin-top:32px;padding-top:8px;border-top:1px solid #d0d7de;"
    "color:#57606a;font-size:12px}"
    "a{color:inherit}"
    "@page{size:A4 landscape;margin:12mm}"
    "@media print{body{margin:0;max-width:none;padding:0;font-size:11px}"
    "thead{display:table-header-group}tr{break-inside:avoid}"
    "h2{break-after:avoid}a{text-decoration:none}}";

static const char *const outcome_class[IC_OUTCOME_COUNT] = {
    "o-passed", "o-failed", "o-canttell", "o-inapplicable", "o-untested"};
static const char *const outcome_text[IC_OUTCOME_COUNT] = {
    "passed", "failed", "can't tell", "inapplicable", "untested"};

typedef struct page {
    xmlTextWriterPtr w; /* owned */
    int err;
} page;

static const char *
str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static int
outcome_index(const char *o)
{
    return o ? ic_outcome_parse(o) : -1;
}

/* s with the characters neither HTML nor XML may carry (C0 and C1 controls
 * but tab, newline and carriage return; U+FFFE, U+FFFF) as U+FFFD. */
static char *
printable(const char *s)
{
    static const char repl[] = "\xEF\xBF\xBD";
    const unsigned char *p = (const unsigned char *)s, *run = p;
    ic_buf b;

    ic_buf_init(&b, 0);
    while (*p) {
        size_t bad = 0;

        if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
            bad = 1;
        else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
            bad = 2;
        else if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
            bad = 3;
        if (!bad) {
            p++;
            continue;
        }
        ic_buf_append(&b, run, (size_t)(p - run));
        ic_buf_append(&b, repl, 3);
        p += bad;
        run = p;
    }
    ic_buf_append(&b, run, (size_t)(p - run));
    return ic_buf_take(&b, NULL);
}

static void
start(page *p, const char *name, const char *cls)
{
    p->err |= xmlTextWriterStartElement(p->w, BAD_CAST name) < 0;
    if (cls)
        p->err |= xmlTextWriterWriteAttribute(p->w, BAD_CAST "class",
                                              BAD_CAST cls) < 0;
}

/* Always an end tag: "<td/>" is not HTML. Void elements use end_void. */
static void
end(page *p)
{
    p->err |= xmlTextWriterFullEndElement(p->w) < 0;
}

static void
end_void(page *p)
{
    p->err |= xmlTextWriterEndElement(p->w) < 0;
}

static void
attr(page *p, const char *name, const char *value)
{
    char *v = printable(value);

    p->err |= xmlTextWriterWriteAttribute(p->w, BAD_CAST name, BAD_CAST v) < 0;
    free(v);
}

static void
text(page *p, const char *s)
{
    char *t = printable(s);

    p->err |= xmlTextWriterWriteString(p->w, BAD_CAST t) < 0;
    free(t);
}

static void __attribute__((format(printf, 2, 3)))
textf(page *p, const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        p->err = 1;
        return;
    }
    s = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    text(p, s);
    free(s);
}

static void
elem(page *p, const char *name, const char *cls, const char *s)
{
    start(p, name, cls);
    text(p, s);
    end(p);
}

static void
badge(page *p, const char *outcome)
{
    int i = outcome_index(outcome);
    char *cls = xasprintf("badge %s", i < 0 ? "o-unknown" : outcome_class[i]);

    elem(p, "span", cls,
         i < 0 ? (outcome ? outcome : "none") : outcome_text[i]);
    free(cls);
}

/* ---- header ------------------------------------------------------------ */

static void
meta_row(page *p, const char *label, const char *value, const char *cls)
{
    start(p, "tr", NULL);
    elem(p, "th", NULL, label);
    elem(p, "td", cls, value);
    end(p);
}

static void
write_head(page *p, const json_t *report)
{
    const json_t *sys =
        json_object_get(json_object_get(report, "target"), "system");

    start(p, "head", NULL);
    start(p, "meta", NULL);
    attr(p, "charset", "utf-8");
    end_void(p);
    start(p, "meta", NULL);
    attr(p, "name", "viewport");
    attr(p, "content", "width=device-width, initial-scale=1");
    end_void(p);
    start(p, "title", NULL);
    textf(p, "%s — %s — conformance report", str(sys, "name"),
          str(json_object_get(report, "profile"), "id"));
    end(p);
    start(p, "style", NULL);
    p->err |= xmlTextWriterWriteRaw(p->w, BAD_CAST css) < 0;
    end(p);
    end(p);
}

static void
write_verdict(page *p, const json_t *report)
{
    const json_t *summary = json_object_get(report, "summary");
    const json_t *counts = json_object_get(summary, "counts");
    const char *v = json_string_value(json_object_get(summary, "verdict"));
    int i = outcome_index(v);
    char *cls = xasprintf("verdict %s", i < 0 ? "o-unknown" : outcome_class[i]);

    start(p, "div", cls);
    elem(p, "div", "vl", "Overall verdict");
    start(p, "div", "vv");
    textf(p, "%s", i < 0 ? (v ? v : "none") : outcome_text[i]);
    end(p);
    start(p, "div", "vc");
    for (int o = 0; o < IC_OUTCOME_COUNT; o++)
        textf(p, "%s%lld %s", o ? " · " : "",
              json_integer_value(json_object_get(counts, ic_outcome_name(o))),
              outcome_text[o]);
    end(p);
    end(p);
    free(cls);
}

static void
write_header(page *p, const json_t *report)
{
    const json_t *target = json_object_get(report, "target");
    const json_t *sys = json_object_get(target, "system");
    const json_t *prof = json_object_get(report, "profile");
    const json_t *runner = json_object_get(report, "runner");
    const json_t *requests =
        json_object_get(json_object_get(report, "summary"), "requests");
    char *s;

    start(p, "header", NULL);
    start(p, "h1", NULL);
    textf(p, "Conformance report: %s", str(sys, "name"));
    end(p);
    start(p, "div", "top");
    start(p, "table", "meta");
    meta_row(p, "System under test", str(sys, "name"), NULL);
    meta_row(p, "Vendor", str(sys, "vendor"), NULL);
    meta_row(p, "Version", str(sys, "version"), NULL);
    meta_row(p, "Nation", str(sys, "nation"), NULL);
    s = xasprintf("%s %s", str(prof, "id"), str(prof, "version"));
    start(p, "tr", NULL);
    elem(p, "th", NULL, "Profile");
    start(p, "td", NULL);
    text(p, s);
    if (*str(prof, "title")) {
        start(p, "div", "sub");
        text(p, str(prof, "title"));
        end(p);
    }
    end(p);
    end(p);
    free(s);
    meta_row(p, "Profile SHA-256", str(prof, "sha256"), "mono");
    meta_row(p, "Target file SHA-256", str(target, "sha256"), "mono");
    s = xasprintf("%s %s", str(runner, "name"), str(runner, "version"));
    meta_row(p, "Runner", s, NULL);
    free(s);
    meta_row(p, "Started", str(report, "started"), NULL);
    meta_row(p, "Finished", str(report, "finished"), NULL);
    if (json_is_integer(requests)) {
        s = xasprintf("%lld", json_integer_value(requests));
        meta_row(p, "HTTP requests", s, NULL);
        free(s);
    }
    end(p);
    write_verdict(p, report);
    end(p);
    end(p);
}

/* ---- classes ----------------------------------------------------------- */

/* Suite ids in report order: those the report describes, then any that only
 * results name, so no result is left off the page. */
static json_t *
suite_order(const json_t *report)
{
    json_t *ids = json_array(), *seen = json_object(), *v;
    size_t i;

    json_array_foreach (json_object_get(report, "suites"), i, v) {
        if (!json_object_get(seen, str(v, "id"))) {
            json_object_set_new(seen, str(v, "id"), json_true());
            json_array_append_new(ids, json_string(str(v, "id")));
        }
    }
    json_array_foreach (json_object_get(report, "results"), i, v) {
        if (!json_object_get(seen, str(v, "suite"))) {
            json_object_set_new(seen, str(v, "suite"), json_true());
            json_array_append_new(ids, json_string(str(v, "suite")));
        }
    }
    json_decref(seen);
    return ids;
}

static size_t
suite_index(const json_t *order, const char *id)
{
    size_t i;
    json_t *v;

    json_array_foreach (order, i, v) {
        if (strcmp(json_string_value(v), id) == 0)
            return i;
    }
    return 0;
}

static void
count_cell(page *p, int outcome, long long n)
{
    static const char *const hot[IC_OUTCOME_COUNT] = {
        "n", "n c-failed", "n c-canttell", "n", "n c-untested"};
    char s[24];

    snprintf(s, sizeof(s), "%lld", n);
    elem(p, "td", n ? hot[outcome] : "n zero", s);
}

static void
write_classes(page *p, const json_t *report, const json_t *order)
{
    static const char *const heads[] = {"Suite", "Class", "Status"};
    json_t *cls;
    size_t i;

    elem(p, "h2", NULL, "Conformance classes");
    start(p, "table", "grid");
    start(p, "thead", NULL);
    start(p, "tr", NULL);
    for (size_t k = 0; k < 3; k++)
        elem(p, "th", NULL, heads[k]);
    for (int o = 0; o < IC_OUTCOME_COUNT; o++)
        elem(p, "th", NULL, outcome_text[o]);
    elem(p, "th", NULL, "Verdict");
    end(p);
    end(p);
    start(p, "tbody", NULL);
    json_array_foreach (json_object_get(report, "classes"), i, cls) {
        const json_t *counts = json_object_get(cls, "counts");
        char *href =
            xasprintf("#suite-%zu", suite_index(order, str(cls, "suite")));

        start(p, "tr", NULL);
        start(p, "td", NULL);
        start(p, "a", NULL);
        attr(p, "href", href);
        text(p, str(cls, "suite"));
        end(p);
        end(p);
        start(p, "td", NULL);
        text(p, *str(cls, "title") ? str(cls, "title") : str(cls, "class"));
        start(p, "div", "sub mono");
        text(p, str(cls, "class"));
        end(p);
        end(p);
        elem(p, "td", NULL,
             json_is_true(json_object_get(cls, "mandatory")) ? "mandatory"
                                                             : "optional");
        for (int o = 0; o < IC_OUTCOME_COUNT; o++)
            count_cell(p, o,
                       json_integer_value(
                           json_object_get(counts, ic_outcome_name(o))));
        start(p, "td", NULL);
        badge(p, json_string_value(json_object_get(cls, "verdict")));
        end(p);
        end(p);
        free(href);
    }
    end(p);
    end(p);
    elem(p, "p", "legend",
         "can't tell: could not be decided (transport error, missing "
         "schema); inapplicable: the optional feature is not advertised; "
         "untested: a prerequisite did not pass. A class passes when all its "
         "mandatory tests pass.");
}

/* ---- results ----------------------------------------------------------- */

static void
write_label(page *p, const json_t *label, const json_t *labels)
{
    const json_t *rel = json_object_get(label, "releasable_to");
    json_t *n;
    size_t i;

    start(p, "div", "label");
    textf(p, "Label: %s %s", str(label, "policy"),
          str(label, "classification"));
    if (json_is_array(rel)) {
        text(p, " · releasable to ");
        json_array_foreach (rel, i, n)
            textf(p, "%s%s", i ? ", " : "",
                  json_string_value(n) ? json_string_value(n) : "");
    }
    if (json_is_boolean(json_object_get(label, "national_only")))
        textf(p, " · national only: %s",
              json_is_true(json_object_get(label, "national_only")) ? "yes"
                                                                    : "no");
    if (json_array_size(labels) > 1)
        textf(p, " (+%zu more labels in report.json)",
              json_array_size(labels) - 1);
    end(p);
}

static void
write_exchange(page *p, const json_t *res)
{
    const json_t *status = json_object_get(res, "status");
    const json_t *secs = json_object_get(res, "seconds");
    json_t *ev;
    size_t i;

    start(p, "td", NULL);
    if (*str(res, "request")) {
        elem(p, "div", "mono req", str(res, "request"));
        start(p, "div", "sub");
        if (json_is_integer(status))
            textf(p, "status %lld", json_integer_value(status));
        else
            text(p, "no response");
        if (json_is_number(secs))
            textf(p, " · %.1f ms", json_number_value(secs) * 1000.0);
        end(p);
    }
    if (json_array_size(json_object_get(res, "evidence")) > 0) {
        start(p, "ul", "ev");
        json_array_foreach (json_object_get(res, "evidence"), i, ev) {
            start(p, "li", NULL);
            text(p, "request ");
            elem(p, "code", NULL, str(ev, "request"));
            end(p);
            start(p, "li", NULL);
            text(p, "response ");
            elem(p, "code", NULL, str(ev, "response"));
            end(p);
        }
        end(p);
    }
    end(p);
}

static void
write_result(page *p, const json_t *res, int with_suite)
{
    const char *outcome = json_string_value(json_object_get(res, "outcome"));
    const json_t *req = json_object_get(res, "requirement");
    const json_t *label = json_object_get(res, "label");

    start(p, "tr", outcome_index(outcome) == IC_FAILED ? "r-failed" : NULL);
    start(p, "td", NULL);
    badge(p, outcome);
    end(p);

    start(p, "td", NULL);
    elem(p, "div", "mono", str(res, "instance"));
    if (*str(res, "item"))
        elem(p, "div", "sub", str(res, "item"));
    elem(p, "div", NULL, str(res, "title"));
    start(p, "div", "sub");
    textf(p, "%s%sclass %s%s", with_suite ? str(res, "suite") : "",
          with_suite ? " · " : "", str(res, "class"),
          json_is_true(json_object_get(res, "optional")) ? " · optional test"
                                                         : "");
    end(p);
    end(p);

    start(p, "td", NULL);
    elem(p, "div", NULL, str(req, "document"));
    elem(p, "div", "sub", str(req, "clause"));
    end(p);

    write_exchange(p, res);

    start(p, "td", NULL);
    if (*str(res, "message"))
        elem(p, "div", NULL, str(res, "message"));
    if (*str(res, "cause")) {
        start(p, "div", NULL);
        text(p, "root cause: ");
        elem(p, "code", NULL, str(res, "cause"));
        end(p);
    }
    if (json_is_object(label))
        write_label(p, label, json_object_get(res, "labels"));
    end(p);
    end(p);
}

static const json_t *
suite_meta(const json_t *report, const char *id)
{
    json_t *s;
    size_t i;

    json_array_foreach (json_object_get(report, "suites"), i, s) {
        if (strcmp(str(s, "id"), id) == 0)
            return s;
    }
    return NULL;
}

static void
results_table_start(page *p)
{
    static const char *const heads[] = {"Outcome", "Test", "Requirement",
                                        "Exchange and evidence records",
                                        "Message"};
    static const char *const cols[] = {"c-o", "c-t", "c-r", "c-x", "c-m"};

    start(p, "table", "grid results");
    start(p, "thead", NULL);
    start(p, "tr", NULL);
    for (size_t k = 0; k < 5; k++)
        elem(p, "th", cols[k], heads[k]);
    end(p);
    end(p);
    start(p, "tbody", NULL);
}

static int
needs_attention(const json_t *res)
{
    int o = outcome_index(json_string_value(json_object_get(res, "outcome")));

    return o != IC_PASSED && o != IC_INAPPLICABLE;
}

/* What an evaluator reads first: every result that did not pass, and was
 * not inapplicable, in one table before the long per-suite listing. */
static void
write_attention(page *p, const json_t *report)
{
    json_t *res;
    size_t i, n = 0;

    json_array_foreach (json_object_get(report, "results"), i, res)
        n += needs_attention(res);
    if (n == 0)
        return;
    start(p, "section", NULL);
    attr(p, "id", "attention");
    elem(p, "h2", NULL, "Results that did not pass");
    start(p, "p", "sub");
    textf(p,
          "%zu failed, undecided or untested; each is listed again under "
          "its suite.",
          n);
    end(p);
    results_table_start(p);
    json_array_foreach (json_object_get(report, "results"), i, res) {
        if (needs_attention(res))
            write_result(p, res, 1);
    }
    end(p);
    end(p);
    end(p);
}

static void
write_suite(page *p, const json_t *report, const char *id, size_t index)
{
    const json_t *meta = suite_meta(report, id);
    const json_t *std = json_object_get(meta, "standard");
    char anchor[40];
    json_t *res;
    size_t i;

    snprintf(anchor, sizeof(anchor), "suite-%zu", index);
    start(p, "section", NULL);
    attr(p, "id", anchor);
    start(p, "h2", NULL);
    textf(p, "%s %s", id, str(meta, "version"));
    end(p);
    start(p, "p", "sub");
    textf(p, "%s", str(meta, "title"));
    if (*str(std, "document"))
        textf(p, " · standard %s%s%s%s%s", str(std, "document"),
              *str(std, "title") ? " — " : "", str(std, "title"),
              *str(std, "edition") ? ", edition " : "", str(std, "edition"));
    if (*str(meta, "sha256")) {
        text(p, " · SHA-256 ");
        elem(p, "code", NULL, str(meta, "sha256"));
    }
    end(p);
    results_table_start(p);
    json_array_foreach (json_object_get(report, "results"), i, res) {
        if (strcmp(str(res, "suite"), id) == 0)
            write_result(p, res, 0);
    }
    end(p);
    end(p);
    end(p);
}

int
ic_report_html(char **out, size_t *len, const json_t *report)
{
    xmlBufferPtr buf = xmlBufferCreate();
    const json_t *runner = json_object_get(report, "runner");
    page p = {NULL, 0};
    json_t *order = NULL, *id;
    size_t i;
    int rc = IC_OK;

    *out = NULL;
    *len = 0;
    p.w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    if (!p.w) {
        rc = ic_error_set(IC_ERUNTIME, "XML writer unavailable");
        goto cleanup;
    }
    xmlTextWriterSetIndent(p.w, 1);
    p.err |= xmlTextWriterWriteDTD(p.w, BAD_CAST "html", NULL, NULL, NULL) < 0;
    start(&p, "html", NULL);
    attr(&p, "xmlns", "http://www.w3.org/1999/xhtml");
    attr(&p, "lang", "en");
    write_head(&p, report);
    start(&p, "body", NULL);
    write_header(&p, report);
    order = suite_order(report);
    start(&p, "main", NULL);
    write_classes(&p, report, order);
    write_attention(&p, report);
    json_array_foreach (order, i, id)
        write_suite(&p, report, json_string_value(id), i);
    end(&p);
    start(&p, "footer", NULL);
    textf(&p,
          "Written by %s %s from report.json, which is authoritative. "
          "Evidence records are named by their WARC-Record-ID in "
          "evidence.warc.",
          str(runner, "name"), str(runner, "version"));
    end(&p);
    end(&p);
    end(&p);
    p.err |= xmlTextWriterFlush(p.w) < 0;
    if (p.err) {
        rc = ic_error_set(IC_ERUNTIME, "writing the HTML report failed");
        goto cleanup;
    }
    *len = (size_t)xmlBufferLength(buf);
    *out = xstrndup((const char *)xmlBufferContent(buf), *len);
cleanup:
    xmlFreeTextWriter(p.w);
    xmlBufferFree(buf);
    json_decref(order);
    return rc;
}
