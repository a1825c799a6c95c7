#!/usr/bin/env bash
# Benchmark (numbers, not a test): the runner against Debian's MapServer 8 on
# 127.0.0.1, beside wrk on the same server, request mix and concurrency.
#
#   bench/wms.sh [BUILD_DIR] [N]      (default: build, 400 GetCapabilities)
#
# Prints, for concurrency 1 and 4: wrk req/s; the runner's wall time, req/s,
# tests/s, CPU ms per request and peak RSS for (a) N GetCapabilities with
# every assertion evaluated (XPath + XSD) and (b) the WMS 1.3.0 profile; and
# the runner's start-up time.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
n=${2:-400}
isrcert=$build/isrcert
state=$(mktemp -d /tmp/isrcert-bench-XXXXXX)
trap '"$top/tests/mapserver/stop.sh" "$state" >/dev/null 2>&1 || true; rm -rf "$state"' EXIT
catalog=${XML_CATALOG_FILES:-$top/../shared/schemas/catalog.xml}
for tool in wrk jq /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done

"$top/tests/mapserver/start.sh" "$state" >/dev/null
url=$(cat "$state/url")
caps="$url&SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities"

# the GetCapabilities load: a profile whose parameter lists N iterations
mkdir -p "$state/data/profiles" "$state/data/suites"
cp -r "$top/bench/suites/bench-getcaps" "$state/data/suites/"
jq -n --argjson n "$n" '{id: "bench-getcaps", version: "1", title: "bench",
    suites: [{suite: "bench-getcaps", classes: {load: "mandatory"}}],
    parameters: {iterations: [range($n)]}}' >"$state/data/profiles/bench.json"

measure() { # name profile jobs
    local out=$state/out-$1-$3
    /usr/bin/time -f '%e %U %S %M' -o "$state/time" \
        "$isrcert" run --profile "$2" --target "$state/target.json" \
        --out "$out" --jobs "$3" --catalog "$catalog" --no-progress \
        >/dev/null || true
    read -r wall user sys rss < <(tail -n 1 "$state/time")
    local req tests
    req=$(jq '.summary.requests' "$out/report.json")
    tests=$(jq '.results | length' "$out/report.json")
    awk -v n="$1" -v j="$3" -v w="$wall" -v u="$user" -v s="$sys" \
        -v r="$rss" -v q="$req" -v t="$tests" 'BEGIN {
        printf "%-14s c=%d  %6.2f s  %7.1f req/s  %7.1f tests/s  %5.2f ms CPU/req  %6.1f MB peak RSS\n",
            n, j, w, q / w, t / w, (u + s) * 1000 / q, r / 1024 }'
}

wrk_rate() { # concurrency url-or-lua
    wrk -t1 -c"$1" -d5s "${@:2}" 2>/dev/null |
        awk '/Requests\/sec/ {print $2}'
}

echo "MapServer $(/usr/lib/cgi-bin/mapserv -v | head -c 40) on $url"
echo "machine: $(nproc) cores"
for c in 1 4; do
    printf '%-14s c=%d  %7.1f req/s\n' "wrk getcaps" "$c" "$(wrk_rate "$c" "$caps")"
    measure getcaps "$state/data/profiles/bench.json" "$c"
done

# the WMS profile's own request mix, replayed by wrk through a Lua list
if [ -f "$top/profiles/ogc-wms-1.3.0.json" ]; then
    measure wms-profile "$top/profiles/ogc-wms-1.3.0.json" 1 >/dev/null
    jq -r '.results[] | select(.request) | .request | sub("^[A-Z]+ "; "")' \
        "$state/out-wms-profile-1/report.json" |
        sed "s#^http://[^/]*##" >"$state/paths"
    {
        echo 'local paths = {}'
        sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' \
            -e 's/^/paths[#paths+1] = "/' -e 's/$/"/' "$state/paths"
        echo 'local i = 0'
        echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'
    } >"$state/mix.lua"
    base=$(echo "$url" | sed 's#^\(http://[^/]*\).*#\1#')
    for c in 1 4; do
        printf '%-14s c=%d  %7.1f req/s\n' "wrk wms-mix" "$c" \
            "$(wrk_rate "$c" -s "$state/mix.lua" "$base")"
        measure wms-profile "$top/profiles/ogc-wms-1.3.0.json" "$c"
    done
fi

if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 3 --runs 30 --export-json "$state/h.json" \
        "$isrcert lint $top/profiles/ogc-wms-1.3.0.json" >/dev/null 2>&1 || true
    [ -s "$state/h.json" ] && jq -r '.results[0] |
        "start-up (lint WMS profile)  mean \(.mean * 1000 | . * 100 | round / 100) ms"' "$state/h.json"
fi
