# shellcheck shell=bash
# Finds, or builds, the Python interpreters the environments need, on a machine
# where nothing was prepared.
#
# min    = Python 3.13.0 when one is at hand (pyenv or PATH); otherwise the 3.13.x
#          that 'latest' uses. The point of 'min' is the oldest Home Assistant
#          (2025.4.4), not the oldest Python, and 3.13.0 cannot be downloaded here.
# latest = any Python >= 3.13.2 (Home Assistant 2026.x refuses older 3.13s): from
#          PATH, pyenv or the build cache, else built from CPython's upstream
#          tarball, which reaches a Debian machine through Debian's source package.
#
# Every message goes to stderr; python_for_env prints only the interpreter's path.

PYENV_ROOT="${PYENV_ROOT:-$HOME/.pyenv}"
MIN_PYTHON=3.13.0
LATEST_PYTHON_MINIMUM=3.13.2
# Built interpreters live outside the clone, so a fresh clone reuses them.
PYTHON_CACHE="${WEBSOCKET_CLIENT_PYTHON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/websocket-client}"
# Written last by a build: a prefix without it is a build that did not finish.
PYTHON_BUILD_MARKER=.websocket-client-build-complete

# sha256 of python.org's Python-X.tar.xz, as published with each release (pyenv's
# build definitions carry the same). Debian's python3.13_X.orig.tar.xz is that very
# file. Debian trixie serves 3.13.5; the later ones are here for when it moves on.
declare -A CPYTHON_SHA256=(
    [3.13.5]=93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640
    [3.13.6]=17ba5508819d8736a14fbfc47d36e184946a877851b2e9c4b6c43acb44a3b104
    [3.13.7]=5462f9099dfd30e238def83c71d91897d8caa5ff6ebc7a50f14d4802cdaaa79a
    [3.13.8]=b9910730526b298299b46b35595ced9055722df60c06ad6301f6a4e2c728a252
    [3.13.9]=ed5ef34cda36cfa2f3a340f07cac7e7814f91c7f3c411f6d3562323a866c5c66
    [3.13.10]=bc673c04375a1a3f0808c27ba8f0411ab811ad390a8740318ccb9c60fad8fd77
    [3.13.11]=16ede7bb7cdbfa895d11b0642fa0e523f291e6487194d53cf6d3b338c3a17ea2
    [3.13.12]=2a84cd31dd8d8ea8aaff75de66fc1b4b0127dd5799aa50a64ae9a313885b4593
    [3.13.13]=2ab91ff401783ccca64f75d10c882e957bdfd60e2bf5a72f8421793729b78a71
)

# What CPython's build needs for the modules Home Assistant imports (ssl, sqlite3,
# ctypes, lzma, bz2, zlib) plus a usable REPL (readline, curses) and uuid.
PYTHON_BUILD_PACKAGES=(
    build-essential pkg-config xz-utils
    libssl-dev zlib1g-dev libbz2-dev liblzma-dev libsqlite3-dev libffi-dev
    libreadline-dev libncurses-dev uuid-dev
)

# The modules an interpreter must have for the environments to work at all.
PYTHON_REQUIRED_MODULES="ssl, sqlite3, ctypes, lzma, bz2, zlib, venv, ensurepip"

say() {
    echo ">>> $*" >&2
}

python_version_of() {
    "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null </dev/null
}

# version_at_least A B: true when A >= B (dotted numeric versions).
version_at_least() {
    [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]
}

# A Debian python3.13 without python3.13-venv, or a build without libssl, is no use.
python_is_complete() {
    "$1" -c "import $PYTHON_REQUIRED_MODULES" >/dev/null 2>&1 </dev/null
}

# Candidate interpreters, one path a line: python3.13 on PATH, pyenv's, the cache's.
python_candidates() {
    local dir
    command -v python3.13 2>/dev/null || true
    for dir in "$PYENV_ROOT"/versions/3.13.* "$PYTHON_CACHE"/python-3.13.*; do
        case "$dir" in
            "$PYTHON_CACHE"/*) [ -f "$dir/$PYTHON_BUILD_MARKER" ] || continue ;;
        esac
        [ -x "$dir/bin/python3" ] && echo "$dir/bin/python3"
    done
    return 0
}

find_python_exact() {
    local want=$1 candidate
    while read -r candidate; do
        if [ "$(python_version_of "$candidate")" = "$want" ] && python_is_complete "$candidate"; then
            echo "$candidate"
            return 0
        fi
    done < <(python_candidates)
    return 1
}

# The newest complete 3.13.x at or above the minimum.
find_python_at_least() {
    local minimum=$1 candidate version
    while read -r version candidate; do
        case "$version" in 3.13.*) ;; *) continue ;; esac
        version_at_least "$version" "$minimum" || continue
        python_is_complete "$candidate" || continue
        echo "$candidate"
        return 0
    done < <(python_candidates | while read -r candidate; do
        echo "$(python_version_of "$candidate" || echo 0) $candidate"
    done | sort -rV)
    return 1
}

missing_build_packages() {
    local package
    for package in "${PYTHON_BUILD_PACKAGES[@]}"; do
        dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null | grep -q '^ii' \
            || echo "$package"
    done
}

# Tells what to provide when this script may not build an interpreter itself.
explain_no_python() {
    local reason=$1
    shift
    cat >&2 <<TEXT
Python >= $LATEST_PYTHON_MINIMUM (3.13.x) was not found: not as python3.13 on PATH, not in
pyenv ($PYENV_ROOT/versions), not in the build cache ($PYTHON_CACHE).
$reason
Either put a complete Python 3.13.x >= $LATEST_PYTHON_MINIMUM (with $PYTHON_REQUIRED_MODULES)
on PATH as python3.13, or $*
then run the same command again: $0
TEXT
}

# Downloads Debian trixie's python3.13 source package with a throw-away apt
# configuration of its own (sources list, lists and cache directories in $1), so
# nothing is added to the system's apt configuration. Prints the .orig tarball.
fetch_cpython_source() {
    local dir=$1
    mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/parts" "$dir/src"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
        > "$dir/sources.list"
    local apt_options=(
        -o "Dir::Etc::SourceList=$dir/sources.list"
        -o "Dir::Etc::SourceParts=$dir/parts"
        -o "Dir::State::Lists=$dir/lists"
        -o "Dir::Cache=$dir/cache"
        # The private directories are root's alone; apt's _apt user could not
        # write there and apt would warn before doing the same thing as root.
        -o "APT::Sandbox::User=$(id -un)"
    )
    apt-get "${apt_options[@]}" update -qq >&2 || return 1
    (cd "$dir/src" && apt-get "${apt_options[@]}" source --download-only -qq python3.13 >&2) \
        || return 1
    local tarball
    tarball=$(ls "$dir"/src/python3.13_3.13.*.orig.tar.xz 2>/dev/null | head -n 1)
    [ -n "$tarball" ] || { echo "Debian's python3.13 source package has no .orig.tar.xz" >&2; return 1; }
    echo "$tarball"
}

# verify_cpython_tarball FILE VERSION: the upstream hash, or a clear refusal.
verify_cpython_tarball() {
    local file=$1 version=$2 expected actual
    expected=${CPYTHON_SHA256[$version]:-}
    if [ -z "$expected" ]; then
        echo "Debian now serves CPython $version, whose published sha256 scripts/lib/python.sh" \
            "does not know: add it to CPYTHON_SHA256 (from the release page for Python $version)." >&2
        return 1
    fi
    actual=$(sha256sum "$file" | cut -d' ' -f1)
    if [ "$actual" != "$expected" ]; then
        echo "sha256 mismatch for CPython $version: got $actual, published $expected." >&2
        return 1
    fi
    say "CPython $version source: sha256 $actual matches the published one"
}

install_build_packages() {
    local missing
    mapfile -t missing < <(missing_build_packages)
    [ ${#missing[@]} -gt 0 ] || return 0
    say "Installing CPython's build dependencies with apt-get: ${missing[*]}"
    apt-get update -qq >&2 || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >&2 || return 1
}

# compile_cpython TARBALL PREFIX LOG: plain configure, make, make install.
compile_cpython() {
    local tarball=$1 prefix=$2 log=$3 work
    work=$(mktemp -d "${TMPDIR:-/tmp}/cpython-build.XXXXXX")
    rm -rf "$prefix"
    (
        set -e
        cd "$work"
        tar -xf "$tarball" --strip-components=1
        ./configure --prefix="$prefix"
        make -j"$(nproc)"
        make install
    ) > "$log" 2>&1
    local status=$?
    rm -rf "$work"
    if [ $status -ne 0 ]; then
        echo "Building CPython failed; the last lines of $log:" >&2
        tail -n 20 "$log" >&2
        return 1
    fi
    if ! python_is_complete "$prefix/bin/python3"; then
        echo "The CPython built in $prefix lacks one of: $PYTHON_REQUIRED_MODULES (see $log)." >&2
        return 1
    fi
    touch "$prefix/$PYTHON_BUILD_MARKER"
}

# Builds CPython 3.13.x into the cache: the tarball of Debian's source package,
# checked against the published sha256, then ./configure && make && make install.
build_python() {
    if ! command -v apt-get >/dev/null || [ ! -f /usr/share/keyrings/debian-archive-keyring.gpg ]; then
        explain_no_python "This is not a Debian-based machine, so it cannot be built here." \
            "provide one through your system's packages,"
        return 1
    fi
    local missing
    missing=$(missing_build_packages | paste -sd ' ')
    if [ -n "$missing" ] && [ "$(id -u)" != 0 ]; then
        explain_no_python "Building one needs packages that only root can install: $missing" \
            "have root run: apt-get install -y --no-install-recommends $missing"
        return 1
    fi
    mkdir -p "$PYTHON_CACHE"
    # Two scripts started together build once; the second then finds the result.
    local lock_fd
    exec {lock_fd}>"$PYTHON_CACHE/.build.lock"
    flock "$lock_fd"
    if find_python_at_least "$LATEST_PYTHON_MINIMUM" >/dev/null; then
        exec {lock_fd}>&-
        return 0
    fi
    local started=$SECONDS work tarball version status=0
    work=$(mktemp -d "${TMPDIR:-/tmp}/cpython-source.XXXXXX")
    say "No Python >= $LATEST_PYTHON_MINIMUM found: building CPython from Debian trixie's python3.13 source package"
    if tarball=$(fetch_cpython_source "$work"); then
        version=$(basename "$tarball" | sed -E 's/^python3\.13_(3\.13\.[0-9]+)\.orig\.tar\.xz$/\1/')
        local prefix="$PYTHON_CACHE/python-$version" log="$PYTHON_CACHE/python-$version.build.log"
        if verify_cpython_tarball "$tarball" "$version" && install_build_packages; then
            say "Compiling CPython $version into $prefix with $(nproc) jobs (log: $log; about 8 minutes on 2 cores)"
            compile_cpython "$tarball" "$prefix" "$log" || status=1
        else
            status=1
        fi
    else
        echo "Could not download Debian's python3.13 source package (see apt's messages above)." >&2
        status=1
    fi
    rm -rf "$work"
    exec {lock_fd}>&-
    [ $status -eq 0 ] || return 1
    say "Built CPython $version in $((SECONDS - started)) s: $prefix/bin/python3"
}

latest_python() {
    find_python_at_least "$LATEST_PYTHON_MINIMUM" && return 0
    build_python && find_python_at_least "$LATEST_PYTHON_MINIMUM"
}

# Prints the interpreter for an environment name (min|e2e|latest|e2e-latest) or fails
# with a message.
python_for_env() {
    local python
    case "$1" in
        min|e2e)
            find_python_exact "$MIN_PYTHON" && return 0
            python=$(latest_python) || return 1
            say "Python $MIN_PYTHON is not at hand: the '$1' environment (Home Assistant 2025.4.4) runs on Python $(python_version_of "$python") ($python)"
            echo "$python"
            ;;
        latest|e2e-latest)
            latest_python
            ;;
        *)
            echo "unknown environment '$1' (expected min, e2e, latest or e2e-latest)" >&2
            return 1
            ;;
    esac
}
