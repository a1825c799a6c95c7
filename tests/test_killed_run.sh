#!/bin/sh
# A killed run never destroys an earlier report: sign a run of the OGC API
# profile against the reference endpoint, then start a second run into the
# same folder against a slow endpoint and kill -9 it mid-way. The earlier
# report, evidence and certificate must be byte-identical and still verify;
# the next run clears the dead run's temp files and replaces the report.
set -eu
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
isrcert=${ISRCERT:-./isrcert}
refserver=${REFSERVER:-./isrcert-refserver}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/isrcert-killed.XXXXXX")
spid=
# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

start() { # start [refserver options]: sets spid, writes the target
    rm -f "$tmp/port"
    "$refserver" --port 0 --port-file "$tmp/port" "$@" >/dev/null 2>&1 &
    spid=$!
    i=0
    while [ ! -s "$tmp/port" ] && [ $i -lt 200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    printf '{"system": {"name": "ref"}, "endpoints": {"ogcapi": "http://127.0.0.1:%s"}}\n' \
        "$(cat "$tmp/port")" >"$tmp/target.json"
}
stop() {
    kill "$spid" && wait "$spid" 2>/dev/null || true
    spid=
}
sums() { (cd "$tmp/run" && sha256sum report.json junit.xml evidence.warc certificate.dsse.json); }

profile=$srcdir/profiles/ogc-api-features-1.0.json
"$isrcert" keygen --out "$tmp/k" >/dev/null
start
"$isrcert" run --profile "$profile" --target "$tmp/target.json" \
    --out "$tmp/run" --sign "$tmp/k.key" --no-progress >/dev/null || true
stop
sums >"$tmp/before"

start --fault slow-responses --delay-ms 2000
"$isrcert" run --profile "$profile" --target "$tmp/target.json" \
    --out "$tmp/run" --no-progress >/dev/null 2>&1 &
rpid=$!
sleep 1
kill -9 "$rpid"
wait "$rpid" 2>/dev/null || true
stop

sums >"$tmp/after"
if ! cmp -s "$tmp/before" "$tmp/after"; then
    echo "FAIL: the killed run changed the earlier run's files" >&2
    diff "$tmp/before" "$tmp/after" >&2 || true
    exit 1
fi
echo "ok: earlier report, evidence and certificate untouched"
ls "$tmp/run" | grep -q '\.tmp\.' && echo "ok: the killed run left only temp files"
"$isrcert" verify "$tmp/run" --key "$tmp/k.pub" >"$tmp/verify" 2>&1 || {
    echo "FAIL: the earlier certificate no longer verifies:" >&2
    cat "$tmp/verify" >&2
    exit 1
}
echo "ok: the earlier certificate still verifies"

start
"$isrcert" run --profile "$profile" --target "$tmp/target.json" \
    --out "$tmp/run" --no-progress >/dev/null || true
stop
if ls "$tmp/run" | grep -q '\.tmp\.'; then
    echo "FAIL: stale temp files remain: $(ls "$tmp/run")" >&2
    exit 1
fi
echo "ok: the next run cleared the dead run's temp files"
