# Sourced by the MapServer integration tests: skip (77) unless MapServer,
# lighttpd, curl and jq are installed, then start the harness in a fresh
# temporary folder ($state) that an EXIT trap stops and removes.
# Needs $srcdir; sets $isrcert, $harness and $state.
isrcert=${ISRCERT:-./isrcert}
harness=$srcdir/tests/mapserver
mapserv=${MAPSERV:-/usr/lib/cgi-bin/mapserv}

skip() {
    echo "SKIP: $*" >&2
    exit 77
}
[ -x "$mapserv" ] || skip "$mapserv not found (apt-get install cgi-mapserver)"
command -v lighttpd >/dev/null 2>&1 || [ -x /usr/sbin/lighttpd ] ||
    skip "lighttpd not found (apt-get install lighttpd)"
command -v curl >/dev/null 2>&1 || skip "curl not found"
command -v jq >/dev/null 2>&1 || skip "jq not found (apt-get install jq)"
[ -x "$isrcert" ] || {
    echo "FAIL: $isrcert not built" >&2
    exit 1
}

state=$(mktemp -d "${TMPDIR:-/tmp}/isrcert-mapserver.XXXXXX")
# shellcheck disable=SC2317 # called through the EXIT trap
ms_cleanup() {
    "$harness/stop.sh" "$state" >/dev/null 2>&1 || true
    rm -rf "$state"
}
trap ms_cleanup EXIT
"$harness/start.sh" "$state" >/dev/null
