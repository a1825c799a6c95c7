#!/bin/sh
# Validate the reference endpoint's NVG and CoT data files against the real
# schemas (NVG 2.0, CoT 2.0 base event) with xmllint, offline through the
# shared schema library's XML catalog. Exit 77 (skip) when the library or
# xmllint is missing.
set -u

top=$(cd "${srcdir:-$(dirname "$0")/..}" 2>/dev/null && pwd) || top=
if [ -z "$top" ] || [ ! -d "$top/refserver/data" ]; then
    echo "test_refserver_schemas: cannot find the source tree" >&2
    exit 99
fi
schemas=$(cd "$top/../shared/schemas" 2>/dev/null && pwd) || schemas=
if [ -z "$schemas" ] || [ ! -f "$schemas/catalog.xml" ]; then
    echo "skip: schema library not found at $top/../shared/schemas" >&2
    exit 77
fi
if ! command -v xmllint >/dev/null 2>&1; then
    echo "skip: xmllint not installed" >&2
    exit 77
fi
XML_CATALOG_FILES="$schemas/catalog.xml"
export XML_CATALOG_FILES
nvg_xsd="$schemas/nato/nvg/2.0/nvg.data.2.0.xsd"
cot_xsd="$schemas/cot/2.0/mitre/CoT Base-Event Schema  (PUBLIC RELEASE).xsd"
data="$top/refserver/data"
status=0
count=0

log="${TMPDIR:-/tmp}/rs_xmllint.$$"
validate() { # schema file
    if xmllint --nonet --noout --schema "$1" "$2" 2>"$log"; then
        count=$((count + 1))
    else
        echo "FAIL: $2 against $1:" >&2
        cat "$log" >&2
        status=1
    fi
}

for f in "$data"/nvg/*.xml; do
    validate "$nvg_xsd" "$f"
done
for f in "$data"/cot/*.xml; do
    validate "$cot_xsd" "$f"
done

# The checks must be able to fail: an NVG item without uri is rejected.
bad="${TMPDIR:-/tmp}/rs_bad_nvg.$$.xml"
sed '0,/ uri="[^"]*"/s/ uri="[^"]*"//' "$data/nvg/gmti-activity.xml" >"$bad"
if xmllint --nonet --noout --schema "$nvg_xsd" "$bad" 2>/dev/null; then
    echo "FAIL: an NVG item without uri validated" >&2
    status=1
fi
rm -f "$bad" "$log"

if [ "$count" -lt 6 ]; then
    echo "FAIL: validated only $count documents" >&2
    status=1
fi
[ "$status" -eq 0 ] && echo "ok: $count NVG/CoT documents validate"
exit $status
