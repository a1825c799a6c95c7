#!/bin/sh
# Integration test: the OGC WMS 1.3.0 suite against a real MapServer 8.
#
# Starts Debian's MapServer CGI behind lighttpd on 127.0.0.1 (see
# tests/mapserver/README.md), runs profiles/ogc-wms-1.3.0.json against the
# conformant map (tests/mapserver/wms.map) and the deliberately broken one
# (tests/mapserver/broken.map), and compares exit code and every verdict with
# tests/mapserver/expected-wms.txt and expected-broken.txt.
# Exit 77 (skipped) when mapserv, lighttpd, curl or jq is missing.
set -eu

srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
abs_top_srcdir=${abs_top_srcdir:-$(cd "$srcdir" && pwd)}
# shellcheck source=tests/mapserver/lib.sh
. "$srcdir/tests/mapserver/lib.sh"

catalog=$abs_top_srcdir/../shared/schemas/catalog.xml
if [ ! -f "$catalog" ]; then
    catalog=
    echo "note: no schema catalog; schema assertions will be cantTell" >&2
fi

# check_run NAME TARGET EXPECTED: run the profile and compare with EXPECTED.
# EXPECTED holds "@exit N" and lines "test-id outcome"; a base id covers
# every foreach instance of that test, "id[n]" one instance.  Every result
# must be covered and every expected line must match at least one result.
check_run() {
    name=$1
    target=$2
    expected=$3
    out=$state/out-$name
    if [ -n "$catalog" ]; then
        set -- --catalog "$catalog"
    else
        set --
    fi
    rc=0
    "$isrcert" run --profile "$srcdir/profiles/ogc-wms-1.3.0.json" \
        --target "$target" --out "$out" --no-progress "$@" \
        >"$state/$name.log" 2>&1 || rc=$?
    want=$(sed -n 's/^@exit[[:space:]]*\([0-9]*\).*/\1/p' "$expected")
    if [ "$rc" != "${want:-0}" ]; then
        echo "FAIL: $name: isrcert exit code $rc, expected ${want:-0}" >&2
        cat "$state/$name.log" >&2
        return 1
    fi
    if [ -z "$catalog" ]; then
        echo "note: $name: verdicts not compared without the schema catalog" >&2
        return 0
    fi
    jq -r '.results[] | "\(.test) \(.instance) \(.outcome)"' \
        "$out/report.json" >"$state/$name.results"
    awk -v name="$name" '
        FNR == NR {
            if ($0 ~ /^[[:space:]]*(#|@|$)/)
                next
            want[$1] = $2
            next
        }
        {
            key = ($2 in want) ? $2 : (($1 in want) ? $1 : "")
            if (key == "") {
                printf "FAIL: %s: %s is %s but not in the expected file\n",
                    name, $2, $3
                bad = 1
                next
            }
            used[key] = 1
            if (want[key] != $3) {
                printf "FAIL: %s: %s is %s, expected %s\n", name, $2, $3,
                    want[key]
                bad = 1
            }
        }
        END {
            for (k in want)
                if (!(k in used)) {
                    printf "FAIL: %s: expected %s but it was not run\n",
                        name, k
                    bad = 1
                }
            exit bad
        }' "$expected" "$state/$name.results" >&2
}

status=0
check_run wms "$state/target.json" "$harness/expected-wms.txt" || status=1
check_run broken "$state/broken-target.json" "$harness/expected-broken.txt" ||
    status=1
exit $status
