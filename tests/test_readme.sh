#!/bin/sh
# The README stays true: its target example lints, every command it lists
# answers --help, and the exit codes it documents match `--help`.
set -eu
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
isrcert=${ISRCERT:-./isrcert}
readme=$srcdir/README.md
tmp=$(mktemp -d "${TMPDIR:-/tmp}/isrcert-readme.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0

# the first ```json block of the README is a target file
awk '/^```json$/ {on = 1; next} /^```$/ && on {exit} on' "$readme" \
    >"$tmp/target.json"
if "$isrcert" lint "$tmp/target.json" >"$tmp/out" 2>&1; then
    echo "ok: README target example lints"
else
    echo "FAIL: README target example: $(cat "$tmp/out")"
    fail=1
fi

# every `isrcert CMD` in the command table answers --help with exit 0
for cmd in $(sed -n 's/^| `isrcert \([a-z]*\).*/\1/p' "$readme" | sort -u); do
    if "$isrcert" "$cmd" --help >"$tmp/out" 2>&1 &&
        grep -q "usage: isrcert $cmd" "$tmp/out"; then
        echo "ok: isrcert $cmd --help"
    else
        echo "FAIL: isrcert $cmd --help"
        fail=1
    fi
done

# documented exit codes: 2 for bad usage and for an invalid input file
rc=0
"$isrcert" run --bogus >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { echo "FAIL: bad usage exits $rc, README says 2"; fail=1; }
echo '{"system": {"name": "x"}, "endpoints": {}, "colour": 1}' >"$tmp/bad.json"
rc=0
"$isrcert" lint "$tmp/bad.json" >"$tmp/out" 2>&1 || rc=$?
if [ "$rc" -ne 2 ] || ! grep -q 'bad.json: \$: unknown key "colour"' "$tmp/out"; then
    echo "FAIL: invalid input: exit $rc: $(cat "$tmp/out")"
    fail=1
else
    echo "ok: invalid input exits 2 naming file and path"
fi
exit $fail
