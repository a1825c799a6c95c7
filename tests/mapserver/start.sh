#!/bin/bash
# Start Debian's MapServer 8 CGI behind lighttpd on a free 127.0.0.1 port.
#
# usage: start.sh STATEDIR
#
# Everything lives in STATEDIR: lighttpd.conf, our own mapserver.conf (passed
# to the CGI with MAPSERVER_CONFIG_FILE, so /etc is never read or changed),
# the mapfiles with the port filled in, templates, logs and the pid file.
# On success it writes
#   STATEDIR/url                 GetCapabilities-ready base URL of wms.map
#   STATEDIR/target.json         isrcert target: wms.map (endpoints wms, ogcapi)
#   STATEDIR/broken-target.json  isrcert target: broken.map
# and prints the base URL.  Stop it with stop.sh STATEDIR.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 STATEDIR" >&2
    exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
state=$(cd "$1" && pwd)
mapserv=${MAPSERV:-/usr/lib/cgi-bin/mapserv}
lighttpd=${LIGHTTPD:-$(command -v lighttpd || echo /usr/sbin/lighttpd)}
ogcapi_templates=${OGCAPI_TEMPLATES:-/usr/share/mapserver/ogcapi/templates/html-plain}

if [ ! -x "$mapserv" ]; then
    echo "$0: $mapserv not found (apt-get install cgi-mapserver)" >&2
    exit 1
fi
if [ ! -x "$lighttpd" ]; then
    echo "$0: lighttpd not found (apt-get install lighttpd)" >&2
    exit 1
fi
if [ -s "$state/lighttpd.pid" ] &&
    kill -0 "$(cat "$state/lighttpd.pid")" 2>/dev/null; then
    echo "$0: a server already runs from $state" >&2
    exit 1
fi

mkdir -p "$state/cgi-bin" "$state/htdocs" "$state/templates" "$state/tmp"
cp "$here"/templates/*.html "$state/templates/"
# lighttpd runs the CGI through this link; because the link is a real file,
# lighttpd hands the rest of /cgi-bin/mapserv/WMS/ogcapi/... to MapServer as
# PATH_INFO, which is how MapServer 8 routes OGC API requests.
ln -sf "$mapserv" "$state/cgi-bin/mapserv"

# write_config PORT: the mapfiles, mapserver.conf and lighttpd.conf for PORT.
write_config() {
    local port=$1 map
    for map in wms broken; do
        local alias
        alias=$(echo "$map" | tr '[:lower:]' '[:upper:]')
        sed -e "s|@BASE_URL@|http://127.0.0.1:$port/cgi-bin/mapserv|g" \
            -e "s|@MAP_ALIAS@|$alias|g" \
            -e "s|@STATEDIR@|$state|g" \
            "$here/$map.map" >"$state/$map.map.tmp"
        mv "$state/$map.map.tmp" "$state/$map.map"
    done

    cat >"$state/mapserver.conf" <<EOF
CONFIG
  ENV
    # Only the aliases below may be named in map=; never a path.
    MS_MAP_NO_PATH "1"
    MS_ERRORFILE "$state/mapserver-error.log"
    MS_TEMPPATH "$state/tmp/"
    OGCAPI_HTML_TEMPLATE_DIRECTORY "$ogcapi_templates/"
    PROJ_NETWORK "OFF"
  END
  MAPS
    WMS "$state/wms.map"
    BROKEN "$state/broken.map"
  END
END
EOF

    # FastCGI (the default) keeps mapserv processes alive between requests,
    # as production deployments do; MAPSERVER_CGI=1 forks one per request.
    if [ -n "${MAPSERVER_CGI:-}" ]; then
        cat >"$state/lighttpd.conf" <<EOF
server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$state/htdocs"
server.pid-file = "$state/lighttpd.pid"
server.errorlog = "$state/lighttpd-error.log"
server.breakagelog = "$state/cgi-stderr.log"
alias.url = ("/cgi-bin/" => "$state/cgi-bin/")
\$HTTP["url"] =~ "^/cgi-bin/" {
    cgi.assign = ("" => "")
}
setenv.add-environment = (
    "MAPSERVER_CONFIG_FILE" => "$state/mapserver.conf"
)
EOF
    else
        cat >"$state/lighttpd.conf" <<EOF
server.modules = ("mod_fastcgi")
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$state/htdocs"
server.pid-file = "$state/lighttpd.pid"
server.errorlog = "$state/lighttpd-error.log"
server.breakagelog = "$state/cgi-stderr.log"
fastcgi.server = ("/cgi-bin/mapserv" => ((
    "bin-path" => "$state/cgi-bin/mapserv",
    "socket" => "$state/mapserv.sock",
    "check-local" => "disable",
    "min-procs" => ${MAPSERVER_PROCS:-2},
    "max-procs" => ${MAPSERVER_PROCS:-2},
    "bin-environment" => (
        "MAPSERVER_CONFIG_FILE" => "$state/mapserver.conf"
    )
)))
EOF
    fi
}

# A random unprivileged port.  If something holds it, lighttpd fails to bind
# and exits non-zero before daemonizing, and we try another one; that also
# covers the race between choosing a port and binding it.
random_port() {
    echo $((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
}

started=no
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do
    port=$(random_port)
    write_config "$port"
    rm -f "$state/lighttpd.pid"
    if "$lighttpd" -f "$state/lighttpd.conf" >>"$state/lighttpd-start.log" 2>&1
    then
        started=yes
        break
    fi
done
if [ "$started" != yes ]; then
    echo "$0: lighttpd did not start; see $state/lighttpd-start.log" >&2
    exit 1
fi

base="http://127.0.0.1:$port/cgi-bin/mapserv"
url="$base?map=WMS"
ready=no
for _ in $(seq 1 100); do
    if curl -sf --noproxy '*' -o "$state/caps.xml" \
        "$url&SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities" &&
        grep -q '<WMS_Capabilities' "$state/caps.xml"; then
        ready=yes
        break
    fi
    sleep 0.1
done
if [ "$ready" != yes ]; then
    echo "$0: no GetCapabilities answer from $url" >&2
    "$here/stop.sh" "$state" || true
    exit 1
fi

version=$("$mapserv" -v | sed -n 's/^MapServer version \([0-9.]*\).*/\1/p')
# write_target FILE ALIAS DESCRIPTION
write_target() {
    cat >"$state/$1.tmp" <<EOF
{
  "system": {"name": "MapServer CGI ($3)", "vendor": "OSGeo",
             "version": "$version", "nation": "NLD"},
  "endpoints": {"wms": "$base?map=$2",
                "ogcapi": "$base/$2/ogcapi"}
}
EOF
    mv "$state/$1.tmp" "$state/$1"
}
write_target target.json WMS "tests/mapserver/wms.map"
write_target broken-target.json BROKEN "tests/mapserver/broken.map"
echo "$url" >"$state/url.tmp"
mv "$state/url.tmp" "$state/url"
echo "$url"
