#!/bin/sh
# A certificate verifies with the stock openssl CLI (docs/signing.md):
# isrcert keygen + sign on a small fake run, export the PAE bytes and the
# signature, then `openssl pkeyutl` (Ed25519) / `openssl dgst` (P-256).
set -eu

ISRCERT=${ISRCERT:-./isrcert}
if ! command -v openssl >/dev/null 2>&1; then
    echo "SKIP: no openssl CLI"
    exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_openssl_verify.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
sha256() {
    openssl dgst -sha256 -r "$1" | cut -d' ' -f1
}

# -- a fake run: report.json, junit.xml and a one-record evidence.warc
run="$tmp/run"
mkdir "$run"
cat >"$run/report.json" <<'JSON'
{"format": "isrcert-report/1",
 "runner": {"name": "isrcert", "version": "0.1.0"},
 "profile": {"id": "demo", "version": "1.0.0", "title": "Demo",
             "sha256": "00", "path": "profiles/demo.json"},
 "suites": [{"id": "demo-suite", "version": "1.0.0", "sha256": "11"}],
 "schemas": [],
 "target": {"system": {"name": "Demo", "vendor": "ACME", "version": "1",
                       "nation": "NLD"},
            "endpoints": {"wms": "http://127.0.0.1:1/"}, "sha256": "22"},
 "started": "2026-11-27T10:00:00.000Z",
 "finished": "2026-11-27T10:00:01.000Z",
 "results": [],
 "classes": [{"suite": "demo-suite", "class": "basic", "mandatory": true,
              "counts": {"passed": 0}, "verdict": "cantTell"}],
 "summary": {"counts": {"passed": 0}, "verdict": "cantTell", "requests": 0}}
JSON
printf '<testsuites/>\n' >"$run/junit.xml"
printf 'software: test\r\nformat: WARC File Format 1.1\r\n' >"$tmp/block"
{
    printf 'WARC/1.1\r\nWARC-Type: warcinfo\r\n'
    printf 'WARC-Record-ID: <urn:uuid:6f1c1f57-2b8e-4c52-9f0e-0d7d2a1d9c11>\r\n'
    printf 'WARC-Date: 2026-11-27T10:00:00Z\r\n'
    printf 'Content-Type: application/warc-fields\r\n'
    printf 'WARC-Block-Digest: sha256:%s\r\n' "$(sha256 "$tmp/block")"
    printf 'Content-Length: %d\r\n\r\n' "$(wc -c <"$tmp/block")"
    cat "$tmp/block"
    printf '\r\n\r\n'
} >"$run/evidence.warc"

for type in ed25519 p256; do
    key="$tmp/$type.key"
    pub="$tmp/$type.pub"
    "$ISRCERT" keygen --out "$tmp/$type" --type "$type" >"$tmp/keyid"
    [ "$(stat -c %a "$key")" = 600 ] || fail "$key is not mode 0600"
    # key id = SHA-256 of the DER SubjectPublicKeyInfo
    openssl pkey -pubin -in "$pub" -outform DER >"$tmp/spki.der"
    [ "$(cat "$tmp/keyid")" = "$(sha256 "$tmp/spki.der")" ] ||
        fail "$type: key id is not the SPKI digest"
    rc=0
    "$ISRCERT" keygen --out "$tmp/$type" >/dev/null 2>&1 || rc=$?
    [ "$rc" = 2 ] || fail "keygen overwrote an existing key (exit $rc)"

    "$ISRCERT" sign "$run" --key "$key" --centre "Test centre" >/dev/null
    "$ISRCERT" verify "$run" --key "$pub" >"$tmp/out" ||
        fail "$type: isrcert verify: $(cat "$tmp/out")"
    "$ISRCERT" verify --export-pae "$tmp/pae.bin" --export-sig "$tmp/sig.bin" \
        "$run/certificate.dsse.json"

    if [ "$type" = ed25519 ]; then
        check() {
            openssl pkeyutl -verify -pubin -inkey "$pub" -rawin -in "$1" \
                -sigfile "$tmp/sig.bin" >/dev/null 2>&1
        }
    else
        check() {
            openssl dgst -sha256 -verify "$pub" -signature "$tmp/sig.bin" \
                "$1" >/dev/null 2>&1
        }
    fi
    check "$tmp/pae.bin" || fail "$type: openssl does not verify the PAE"
    # and openssl notices a changed byte, so the check above can fail
    sed 's/"cantTell"/"passed"/' "$tmp/pae.bin" >"$tmp/pae2.bin"
    cmp -s "$tmp/pae.bin" "$tmp/pae2.bin" && fail "tamper did not change PAE"
    if check "$tmp/pae2.bin"; then
        fail "$type: openssl verified altered bytes"
    fi

    # isrcert's exit code for a changed subject is 1
    cp "$run/junit.xml" "$tmp/junit.bak"
    printf '<testsuites></testsuites>\n' >"$run/junit.xml"
    rc=0
    "$ISRCERT" verify "$run" --key "$pub" >"$tmp/out" || rc=$?
    [ "$rc" = 1 ] || fail "$type: changed junit.xml verified (exit $rc)"
    grep -q 'FAILED  subject junit.xml' "$tmp/out" ||
        fail "$type: output does not name junit.xml"
    cp "$tmp/junit.bak" "$run/junit.xml"
    echo "ok $type"
done
