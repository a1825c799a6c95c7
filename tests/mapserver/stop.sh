#!/bin/bash
# Stop the lighttpd that start.sh STATEDIR started (and only that one).
# usage: stop.sh STATEDIR
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 STATEDIR" >&2
    exit 2
fi
state=$(cd "$1" 2>/dev/null && pwd) || exit 0
pidfile=$state/lighttpd.pid

# The FastCGI mapserv processes lighttpd spawned run from STATEDIR/cgi-bin:
# stop them too, whatever happened to lighttpd.
stop_fastcgi() {
    pkill -TERM -f "^$state/cgi-bin/mapserv" 2>/dev/null || true
    for _ in $(seq 1 30); do
        pgrep -f "^$state/cgi-bin/mapserv" >/dev/null 2>&1 || return 0
        sleep 0.1
    done
    pkill -KILL -f "^$state/cgi-bin/mapserv" 2>/dev/null || true
}
trap stop_fastcgi EXIT

[ -s "$pidfile" ] || exit 0
pid=$(cat "$pidfile")
if kill "$pid" 2>/dev/null; then
    # lighttpd removes its pid file on a clean exit; give it 5 s, then force.
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null || true
    fi
fi
rm -f "$pidfile"
