#!/usr/bin/env bash
# Ensure the Debian system packages DT-RAG Studio needs, plus pgvector (>= 0.8) for PostgreSQL 15.
# Idempotent: when everything is present it runs no apt command at all.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_MAJOR=15
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
VECTOR_CONTROL="/usr/share/postgresql/${PG_MAJOR}/extension/vector.control"
PGVECTOR_MIN=0.8.0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "==> error: must run as root (or have sudo)" >&2; exit 1; }
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

APT_UPDATED=0
apt_install() {
    # apt_install PKG... : installs the given packages, running `apt-get update` at most once per run.
    if [ "$APT_UPDATED" -eq 0 ]; then
        echo "==> apt-get update"
        $SUDO apt-get update -qq
        APT_UPDATED=1
    fi
    echo "==> apt-get install $*"
    local log
    log=$(mktemp /tmp/dtrag-apt.XXXXXX.log)
    if ! $SUDO apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"
        echo "==> error: apt-get install failed" >&2; exit 1
    fi
    rm -f "$log"
}

# ---------------------------------------------------------------- packages
wanted=(postgresql-${PG_MAJOR} postgresql-server-dev-${PG_MAJOR} postgresql-contrib
        build-essential pkg-config dpkg-dev ca-certificates curl wordnet-base
        # The desktop app (Tauri 2 on WebKitGTK) and its end-to-end tests under Xvfb + WebDriver.
        libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev
        xvfb xauth webkit2gtk-driver dbus-x11 imagemagick gnome-keyring)
missing=()
for p in "${wanted[@]}"; do is_installed "$p" || missing+=("$p"); done
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
else
    echo "==> system packages present"
fi

# ---------------------------------------------------------------- postgres user
if ! id postgres >/dev/null 2>&1; then
    echo "==> creating OS user postgres"
    $SUDO adduser --system --quiet --home /var/lib/postgresql --no-create-home \
        --shell /bin/bash --group postgres
fi

# ---------------------------------------------------------------- pgvector
vector_version() {
    sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$VECTOR_CONTROL" 2>/dev/null
}
version_ge() { # version_ge A B  -> true if A >= B
    [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# Mirror of the system's configured Debian archive (only configured registries are reachable).
debian_mirror() {
    local uri=""
    shopt -s nullglob
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        uri=$(awk 'tolower($1)=="uris:" { for (i=2;i<=NF;i++) print $i }' "$f" |
              grep -E '/debian/?$|/archive/debian/[^/]+/?$' | grep -v security | head -n1 || true)
        [ -n "$uri" ] && break
    done
    if [ -z "$uri" ]; then
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [ -f "$f" ] || continue
            uri=$(sed -e 's/\[[^]]*\]//' "$f" | awk '$1=="deb" || $1=="deb-src" { print $2 }' |
                  grep -E '/debian/?$|/archive/debian/[^/]+/?$' | grep -v security | head -n1 || true)
            [ -n "$uri" ] && break
        done
    fi
    shopt -u nullglob
    echo "${uri:-http://deb.debian.org/debian}"
}

build_pgvector() {
    local mirror tmp
    mirror=$(debian_mirror)
    tmp=$(mktemp -d /tmp/dtrag-pgvector.XXXXXX)
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    mkdir -p "$tmp/lists/partial" "$tmp/src"
    cat > "$tmp/trixie-src.sources" <<SRC
Types: deb-src
URIs: ${mirror}
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    # Private source list, lists dir and no binary caches: the system's apt state stays untouched.
    local aptopts=(-o "Dir::Etc::SourceList=$tmp/trixie-src.sources"
                   -o Dir::Etc::SourceParts=/dev/null
                   -o "Dir::State::Lists=$tmp/lists"
                   -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
                   -o APT::Sandbox::User=root
                   -o Acquire::Check-Valid-Until=false)
    echo "==> fetching pgvector source from trixie ($mirror)"
    $SUDO apt-get -qq "${aptopts[@]}" update
    (cd "$tmp/src" && $SUDO apt-get -qq "${aptopts[@]}" source --download-only pgvector)
    local dsc
    dsc=$(ls "$tmp"/src/pgvector_*.dsc | head -n1)
    echo "==> building $(basename "$dsc")"
    (cd "$tmp/src" && $SUDO dpkg-source --no-check -x "$dsc" pgvector >/dev/null)
    # OPTFLAGS="" like Debian's own build: no -march=native, so the library survives a CPU change.
    (cd "$tmp/src/pgvector" &&
        $SUDO make -s -j"$(nproc)" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null &&
        $SUDO make -s install PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null)
    rm -rf "$tmp"
    trap - EXIT
}

have=$(vector_version || true)
if [ -n "$have" ] && version_ge "$have" "$PGVECTOR_MIN"; then
    echo "==> pgvector $have present"
else
    [ -n "$have" ] && echo "==> pgvector $have is older than $PGVECTOR_MIN, rebuilding"
    build_pgvector
    have=$(vector_version || true)
    if [ -z "$have" ] || ! version_ge "$have" "$PGVECTOR_MIN"; then
        echo "==> error: pgvector >= $PGVECTOR_MIN not installed (found '${have:-none}')" >&2
        exit 1
    fi
    echo "==> pgvector $have installed"
fi

[ -f /usr/share/wordnet/data.noun ] || { echo "==> error: /usr/share/wordnet/data.noun missing" >&2; exit 1; }
echo "==> system setup OK"
