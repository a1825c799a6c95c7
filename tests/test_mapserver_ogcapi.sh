#!/bin/sh
# Integration test: the OGC API - Features 1.0 suite against a real MapServer 8.
#
# Starts Debian's MapServer CGI behind lighttpd on 127.0.0.1 (tests/mapserver/
# start.sh), runs profiles/ogc-api-features-1.0.json against its OGC API
# endpoint (target endpoint "ogcapi" of tests/mapserver/wms.map) and compares
# the exit code and every verdict with tests/mapserver/expected-ogcapi.txt.
# The failures listed there are MapServer 8 non-conformances documented in
# suites/ogc-api-features-1.0/README.md.
# Exit 77 (skipped) when mapserv, lighttpd, curl or jq is missing.
set -eu

srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/mapserver/lib.sh
. "$srcdir/tests/mapserver/lib.sh"
expected=$harness/expected-ogcapi.txt

# The suite has no schema assertions; no catalog is needed.
rc=0
"$isrcert" run --profile "$srcdir/profiles/ogc-api-features-1.0.json" \
    --target "$state/target.json" --out "$state/out" --no-progress \
    >"$state/run.log" 2>&1 || rc=$?
want=$(sed -n 's/^@exit[[:space:]]*\([0-9]*\).*/\1/p' "$expected")
if [ "$rc" != "${want:-0}" ]; then
    echo "FAIL: isrcert exit code $rc, expected ${want:-0}" >&2
    cat "$state/run.log" >&2
    exit 1
fi

# Lines "instance outcome"; compare the sorted sets exactly.
grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*@' -e '^[[:space:]]*$' \
    "$expected" | awk '{print $1, $2}' | LC_ALL=C sort >"$state/want"
jq -r '.results[] | "\(.instance) \(.outcome)"' "$state/out/report.json" |
    LC_ALL=C sort >"$state/got"
if ! diff -u "$state/want" "$state/got" >"$state/diff"; then
    echo "FAIL: verdicts differ from $expected (- expected, + found):" >&2
    cat "$state/diff" >&2
    jq -r '.results[] | select(.outcome == "failed" or .outcome == "cantTell")
        | "\(.instance): \(.message)"' "$state/out/report.json" >&2
    exit 1
fi
echo "PASS: $(wc -l <"$state/got") verdicts as expected"
