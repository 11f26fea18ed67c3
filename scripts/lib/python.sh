# shellcheck shell=bash
# Finds (or builds) the Python interpreters the test environments need.
#
# min    = Python 3.13.0 exactly as pyenv provides it here (newest Home Assistant
#          that installs on it is 2025.4.4).
# latest = any Python >= 3.13.2 (Home Assistant 2026.x refuses older 3.13s).

PYENV_ROOT="${PYENV_ROOT:-$HOME/.pyenv}"
LATEST_PYTHON_BUILD="3.13.5"

python_version_of() {
    "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null
}

# version_at_least A B: true when A >= B (dotted numeric versions).
version_at_least() {
    [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]
}

pyenv_pythons() {
    local dir
    for dir in "$PYENV_ROOT"/versions/3.13.*; do
        [ -x "$dir/bin/python3" ] && echo "$dir/bin/python3"
    done
}

find_python_exact() {
    local want=$1 candidate
    for candidate in $(pyenv_pythons) "$(command -v "python${want%.*}" 2>/dev/null)"; do
        [ -n "$candidate" ] || continue
        if [ "$(python_version_of "$candidate")" = "$want" ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

find_python_at_least() {
    local minimum=$1 candidate version
    for candidate in "$(command -v python3.13 2>/dev/null)" $(pyenv_pythons | sort -rV); do
        [ -n "$candidate" ] || continue
        version=$(python_version_of "$candidate") || continue
        case "$version" in 3.13.*) ;; *) continue ;; esac
        if version_at_least "$version" "$minimum"; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# CPython's upstream tarball reaches this machine only through Debian's source
# packages: the .orig.tar.xz of trixie's python3.13 3.13.5 is byte-identical to
# python.org's Python-3.13.5.tar.xz, whose sha256 pyenv's build definition checks.
build_latest_python_from_debian_source() {
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || ! command -v pyenv >/dev/null; then
        return 1
    fi
    local list=/etc/apt/sources.list.d/websocket-client-trixie-src.sources
    if [ ! -f "$list" ]; then
        cat > "$list" <<SOURCES
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    fi
    echo ">>> Building Python $LATEST_PYTHON_BUILD with pyenv from Debian's python3.13 source package (about two minutes)" >&2
    apt-get update -qq >&2 || return 1
    local workdir
    workdir=$(mktemp -d)
    (cd "$workdir" && apt-get source --download-only -qq python3.13 >&2) || return 1
    local tarball
    tarball=$(ls "$workdir"/python3.13_"$LATEST_PYTHON_BUILD".orig.tar.xz 2>/dev/null | head -n 1)
    [ -n "$tarball" ] || { echo "Debian's python3.13 source is not version $LATEST_PYTHON_BUILD" >&2; return 1; }
    mkdir -p "$PYENV_ROOT/cache"
    cp "$tarball" "$PYENV_ROOT/cache/Python-$LATEST_PYTHON_BUILD.tar.xz"
    rm -rf "$workdir"
    pyenv install --skip-existing "$LATEST_PYTHON_BUILD" >&2 || return 1
}

# Prints the interpreter for an environment name (min|latest) or fails with a message.
python_for_env() {
    case "$1" in
        min|e2e)
            find_python_exact 3.13.0 && return 0
            echo "Python 3.13.0 is needed for the 'min' environment (pyenv install 3.13.0)." >&2
            return 1
            ;;
        latest)
            find_python_at_least 3.13.2 && return 0
            build_latest_python_from_debian_source >&2 && find_python_at_least 3.13.2 && return 0
            echo "Python >= 3.13.2 is needed for the 'latest' environment: install one on PATH or with pyenv." >&2
            return 1
            ;;
        *)
            echo "unknown environment '$1' (expected min or latest)" >&2
            return 1
            ;;
    esac
}
