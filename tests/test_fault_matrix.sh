#!/bin/sh
# Fault matrix: runs profiles/nato-jisr-provider.json against the reference
# endpoint, first clean (every test passes or is inapplicable), then once per
# fault of `isrcert-refserver --list-faults`, checking that exactly the tests
# tests/fault-matrix.txt names fail. Uses ./isrcert and ./isrcert-refserver
# of the build folder (builds nothing) and jq. Schemas come from the shared
# schema library (../shared/schemas) through an XML catalog; without it the
# schema tests are cantTell and are left out of the comparison.
# Exit: 0 ok, 1 a mismatch, 77 skipped (no jq), 99 harness error.
set -u

top=$(cd "${srcdir:-$(dirname "$0")/..}" 2>/dev/null && pwd) || top=
if [ -z "$top" ] || [ ! -f "$top/profiles/nato-jisr-provider.json" ]; then
    echo "test_fault_matrix: cannot find the source tree" >&2
    exit 99
fi
if ! command -v jq >/dev/null 2>&1; then
    echo "skip: jq not installed" >&2
    exit 77
fi
isrcert=$(pwd)/isrcert
refserver=$(pwd)/isrcert-refserver
for p in "$isrcert" "$refserver"; do
    if [ ! -x "$p" ]; then
        echo "test_fault_matrix: $p not built" >&2
        exit 99
    fi
done
profile="$top/profiles/nato-jisr-provider.json"
matrix="$top/tests/fault-matrix.txt"
schema_tests="nvg-schema-valid cot-schema-valid"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fault-matrix.XXXXXX") || exit 99
pid=
stop_server() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        pid=
    fi
}
trap 'stop_server; rm -rf "$tmp"' EXIT
trap 'exit 99' INT TERM HUP

# The CoT schema has no canonical URL: map the suite's name for it to the
# library's copy (the MITRE file names contain spaces, the ditto copy has
# none and is structurally identical), then defer to the library's catalog.
catalog_opt=
schemas=$(cd "$top/../shared/schemas" 2>/dev/null && pwd) || schemas=
if [ -n "$schemas" ] && [ -f "$schemas/catalog.xml" ]; then
    cat >"$tmp/catalog.xml" <<EOF
<?xml version="1.0"?>
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <uri name="urn:isrcert:schema:cot:2.0:base-event"
       uri="file://$schemas/cot/2.0/ditto/cot_event.xsd"/>
  <nextCatalog catalog="$schemas/catalog.xml"/>
</catalog>
EOF
    catalog_opt="--catalog $tmp/catalog.xml"
else
    echo "note: no schema library at $top/../shared/schemas;" \
        "schema tests ($schema_tests) are not compared" >&2
fi

# start_server [refserver options...]: sets pid and writes the target
start_server() {
    rm -f "$tmp/port"
    "$refserver" --port 0 --port-file "$tmp/port" "$@" \
        >"$tmp/server.log" 2>&1 &
    pid=$!
    i=0
    while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "test_fault_matrix: refserver $* did not start:" >&2
            cat "$tmp/server.log" >&2
            exit 99
        fi
        sleep 0.05
        i=$((i + 1))
    done
    port=$(cat "$tmp/port" 2>/dev/null)
    if [ -z "$port" ]; then
        echo "test_fault_matrix: refserver $* wrote no port" >&2
        exit 99
    fi
    cat >"$tmp/target.json" <<EOF
{"system": {"name": "isrcert-refserver", "vendor": "isrcert",
            "version": "test", "nation": "NLD"},
 "endpoints": {"library": "http://127.0.0.1:$port/",
               "ogcapi": "http://127.0.0.1:$port"}}
EOF
}

# run_profile DIR [isrcert run options...]: report in DIR/report.json
run_profile() {
    dir=$1
    shift
    # shellcheck disable=SC2086 # catalog_opt is two words or empty
    "$isrcert" run --profile "$profile" --target "$tmp/target.json" \
        --out "$dir" --jobs 4 --no-progress $catalog_opt "$@" \
        >"$dir.log" 2>&1
    rc=$?
    if [ $rc -gt 1 ] || [ ! -f "$dir/report.json" ]; then
        echo "test_fault_matrix: isrcert run failed ($rc):" >&2
        cat "$dir.log" >&2
        exit 99
    fi
}

skipped_schema_test() { # suite:test
    [ -n "$catalog_opt" ] && return 1
    for s in $schema_tests; do
        [ "${1#*:}" = "$s" ] && return 0
    done
    return 1
}

status=0
fail() {
    echo "FAIL: $*" >&2
    status=1
}

# check NAME REPORT TOKENS...: exactly the named tests failed
check() {
    name=$1
    report=$2
    shift 2
    verdict=
    expected=
    for t in "$@"; do
        case $t in
        verdict=*) verdict=${t#verdict=} ;;
        *) expected="$expected $t" ;;
        esac
    done
    if [ -z "$expected" ] && [ -z "$verdict" ]; then
        fail "$name: the matrix names no test that detects it"
        return
    fi
    jq -r '.results[] | select(.outcome == "failed") | .suite + ":" + .test' \
        "$report" | sort -u >"$tmp/failed"
    for t in $expected; do
        case $t in
        *:*) pat=$t ;;
        *) pat="*:$t" ;;
        esac
        skipped_schema_test "$pat" && continue
        found=0
        while read -r f; do
            # shellcheck disable=SC2254 # pat is a pattern on purpose
            case $f in $pat) found=1 ;; esac
        done <"$tmp/failed"
        [ $found -eq 1 ] || fail "$name: $t did not fail"
    done
    while read -r f; do
        found=0
        for t in $expected; do
            case $t in
            *:*) pat=$t ;;
            *) pat="*:$t" ;;
            esac
            # shellcheck disable=SC2254
            case $f in $pat) found=1 ;; esac
        done
        if [ $found -eq 0 ]; then
            msg=$(jq -r --arg t "${f#*:}" '[.results[] | select(.test ==
                $t and .outcome == "failed")][0].message' "$report")
            fail "$name: unexpected failure of $f: $msg"
        fi
    done <"$tmp/failed"
    got=$(jq -r '.summary.verdict' "$report")
    if [ -n "$verdict" ]; then
        [ "$got" = "$verdict" ] ||
            fail "$name: verdict $got, expected $verdict"
        return
    fi
    jq -r '.results[] | select(.outcome == "cantTell") | .suite + ":" +
        .test + " " + (.message // "")' "$report" >"$tmp/cant"
    while read -r c rest; do
        skipped_schema_test "$c" && continue
        fail "$name: $c is cantTell: $rest"
    done <"$tmp/cant"
}

# -- clean: everything passes or is inapplicable --
start_server
run_profile "$tmp/clean"
stop_server
jq -r '.results[] | select(.outcome != "passed" and
    .outcome != "inapplicable") | .suite + ":" + .test + " " + .outcome +
    ": " + (.message // "")' "$tmp/clean/report.json" >"$tmp/bad"
while read -r t rest; do
    skipped_schema_test "$t" && continue
    fail "clean: $t $rest"
done <"$tmp/bad"
n=$(jq '.summary.counts.passed' "$tmp/clean/report.json")
[ "$n" -gt 100 ] || fail "clean: only $n tests passed"
echo "clean: $(jq -c '.summary.counts' "$tmp/clean/report.json")"

# -- every fault --
"$refserver" --list-faults | awk '{print $1}' >"$tmp/faults" ||
    { echo "test_fault_matrix: --list-faults failed" >&2; exit 99; }
[ -s "$tmp/faults" ] || { echo "test_fault_matrix: no faults" >&2; exit 99; }
grep -v '^[[:space:]]*#' "$matrix" | grep -v '^[[:space:]]*$' >"$tmp/matrix"
while read -r fault _; do
    grep -qx -- "$fault" "$tmp/faults" ||
        fail "$matrix: \"$fault\" is not a fault of isrcert-refserver"
done <"$tmp/matrix"
while read -r fault; do
    line=$(awk -v f="$fault" '$1 == f' "$tmp/matrix")
    if [ -z "$line" ]; then
        fail "$fault: no line in $matrix"
        continue
    fi
    if [ "$fault" = slow-responses ]; then
        start_server --fault "$fault" --delay-ms 1500
        run_profile "$tmp/$fault" --timeout 1
    else
        start_server --fault "$fault"
        run_profile "$tmp/$fault"
    fi
    stop_server
    # shellcheck disable=SC2086 # the tokens are words
    check "$fault" "$tmp/$fault/report.json" ${line#"$fault"}
    echo "$fault: $(jq -c '.summary.counts' "$tmp/$fault/report.json")"
done <"$tmp/faults"

[ $status -eq 0 ] && echo "ok: clean run and $(wc -l <"$tmp/faults") faults"
exit $status
