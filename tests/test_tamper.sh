#!/bin/sh
# Tamper suite on a real signed run: the WMS 1.3.0 profile against MapServer
# 8 on 127.0.0.1, signed; `isrcert verify --replay` accepts it, and every
# single-byte change (report.json, junit.xml, evidence.warc header and body,
# the envelope's payload and signature) fails verification naming what
# changed. A verdict edited in report.json and re-signed with the same key
# (subject digests updated) passes the signature but fails the replay.
# Exit 77 (skipped) when mapserv, lighttpd or jq is missing.
set -eu

srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
abs_top_srcdir=${abs_top_srcdir:-$(cd "$srcdir" && pwd)}
# shellcheck source=tests/mapserver/lib.sh
. "$srcdir/tests/mapserver/lib.sh"

catalog=$abs_top_srcdir/../shared/schemas/catalog.xml
[ -f "$catalog" ] && XML_CATALOG_FILES=$catalog && export XML_CATALOG_FILES

run=$state/run
"$isrcert" keygen --out "$state/centre" >/dev/null
rc=0
"$isrcert" run --profile "$srcdir/profiles/ogc-wms-1.3.0.json" \
    --target "$state/target.json" --out "$run" --sign "$state/centre.key" \
    --centre "Test Centre" >/dev/null || rc=$?
[ "$rc" -le 1 ] || { echo "FAIL: run exited $rc" >&2; exit 1; }

failures=0
verify() { # verify DIR -> exit code, output in $state/out
    rc=0
    "$isrcert" verify "$1" --key "$state/centre.pub" --replay \
        >"$state/out" 2>&1 || rc=$?
    return 0
}
expect() { # expect NAME CODE PATTERN
    if [ "$rc" -ne "$2" ] || ! grep -Eq "$3" "$state/out"; then
        echo "FAIL: $1: exit $rc (want $2), output lacks /$3/:" >&2
        sed 's/^/    /' "$state/out" >&2
        failures=$((failures + 1))
    else
        echo "ok: $1"
    fi
}

verify "$run"
expect "untouched run verifies with replay" 0 "^VERIFIED"

# flip one byte at OFFSET of FILE in a copy of the run
flip() { # flip NAME FILE OFFSET PATTERN
    rm -rf "$state/t"
    cp -r "$run" "$state/t"
    f=$state/t/$2
    byte=$(dd if="$f" bs=1 skip="$3" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
    printf "$(printf '\\%03o' $(((byte ^ 1) & 255)))" |
        dd of="$f" bs=1 seek="$3" conv=notrunc 2>/dev/null
    verify "$state/t"
    expect "$1" 1 "$4"
}

size() { wc -c <"$1" | tr -d ' '; }
w=$run/evidence.warc
# a byte inside the first response record's HTTP body
body_at=$(grep -abo -m1 '<WMS_Capabilities' "$w" | cut -d: -f1)
# a byte inside the WARC header of the second record
hdr_at=$(grep -abo 'WARC-Target-URI: ' "$w" | sed -n 2p | cut -d: -f1)

flip "report.json byte" report.json 200 "report.json"
flip "junit.xml byte" junit.xml "$(($(size "$run/junit.xml") / 2))" "junit.xml"
flip "evidence.warc body byte" evidence.warc "$((body_at + 40))" "evidence.warc"
flip "evidence.warc header byte" evidence.warc "$((hdr_at + 20))" "evidence.warc"

# the envelope: payload and signature are base64 strings inside the JSON
env=$run/certificate.dsse.json
pay_at=$(grep -abo '"payload": *"' "$env" | cut -d: -f1)
sig_at=$(grep -abo '"sig": *"' "$env" | cut -d: -f1)
flip "envelope payload byte" certificate.dsse.json "$((pay_at + 30))" \
    "signature|payload"
flip "envelope signature byte" certificate.dsse.json "$((sig_at + 12))" \
    "signature"

# a verdict changed and re-signed by the same key: only replay catches it
rm -rf "$state/t"
cp -r "$run" "$state/t"
inst=$(jq -r '[.results[] | select(.outcome == "passed")][0].instance' \
    "$state/t/report.json")
jq --arg i "$inst" '(.results[] | select(.instance == $i) | .outcome) =
    "failed"' "$run/report.json" >"$state/t/report.json"
"$isrcert" sign "$state/t" --key "$state/centre.key" >/dev/null
verify "$state/t"
expect "verdict edited and re-signed" 1 "replay: .*$inst.*report says failed"

# the same edit without re-signing: the subject digest no longer matches
jq --arg i "$inst" '(.results[] | select(.instance == $i) | .outcome) =
    "failed"' "$run/report.json" >"$state/edited.json"
rm -rf "$state/t"
cp -r "$run" "$state/t"
cp "$state/edited.json" "$state/t/report.json"
verify "$state/t"
expect "verdict edited, not re-signed" 1 "report.json"

[ "$failures" -eq 0 ] || exit 1
