#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "report.h"
#include "rundir.h"
#include "util.h"
#include "warc.h"

/* Evidence: every exchange into the WARC, its record ids into the result. */
static int
record_exchange(void *ctx, const char *instance, const ic_response *r,
                json_t *result)
{
    ic_warc_ref ref;
    int rc = ic_warc_write_exchange(ctx, instance, r, &ref);

    if (rc < 0)
        return rc;
    json_object_set_new(
        result, "evidence",
        json_pack("[{s:s, s:s, s:s}]", "request", ref.request_id,
                  ref.response_id[0] ? "response" : "metadata",
                  ref.response_id[0] ? ref.response_id : ref.metadata_id,
                  "sha256", ref.sha256));
    return 0;
}

/* Remove "NAME.tmp.PID" files that a killed run left behind (their process
 * is gone); the files they were to replace are untouched. */
static void
remove_stale_temps(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    while (d && (de = readdir(d))) {
        const char *t = strstr(de->d_name, ".tmp.");
        char *end;
        long pid;

        if (!t || !t[5])
            continue;
        pid = strtol(t + 5, &end, 10);
        if (*end || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue;
        char *path = ic_path_join(dir, de->d_name);
        unlink(path);
        free(path);
    }
    if (d)
        closedir(d);
}

int
ic_rundir_write(const ic_run_opts *base, const char *out, json_t **report)
{
    ic_run_opts o = *base;
    ic_warc *warc = NULL;
    char *wpath = NULL;
    int rc;

    if (mkdir(out, 0755) < 0 && errno != EEXIST)
        return ic_error_set(IC_ERUNTIME, "%s: %s", out, strerror(errno));
    remove_stale_temps(out);
    wpath = ic_path_join(out, "evidence.warc");
    if ((rc = ic_warc_open(&warc, wpath, PACKAGE_NAME "/" PACKAGE_VERSION)) < 0)
        goto cleanup;
    o.on_exchange = record_exchange;
    o.exchange_ctx = warc;
    if ((rc = ic_run_execute(report, &o, NULL)) < 0)
        goto cleanup;
    if ((rc = ic_warc_close(warc)) < 0)
        goto cleanup;
    rc = ic_report_write(out, *report);
cleanup:
    ic_warc_free(warc);
    free(wpath);
    return rc;
}
