# shellcheck shell=bash
# Creates and refreshes the virtual environments under .venv/<name>.
# shellcheck source=scripts/lib/python.sh
source "$(dirname "${BASH_SOURCE[0]}")/python.sh"

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# A machine that turns byte-code caching off (PYTHONDONTWRITEBYTECODE) makes every
# pytest worker, mypy plugin host and hass compile Home Assistant again: about ten
# seconds a process. Compiled modules go to a cache of their own instead, so no
# source tree gets __pycache__ directories (tests/servers/processes.py does the same
# for the Home Assistant processes the tests start).
if [ -n "${PYTHONDONTWRITEBYTECODE:-}" ]; then
    unset PYTHONDONTWRITEBYTECODE
    export PYTHONPYCACHEPREFIX="${PYTHONPYCACHEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/websocket-client/pycache}"
fi

requirements_for_env() {
    case "$1" in
        min) echo "$PROJECT_ROOT/requirements_test.txt" ;;
        latest) echo "$PROJECT_ROOT/requirements_test_latest.txt" ;;
        e2e) echo "$PROJECT_ROOT/requirements_e2e.txt" ;;
        e2e-latest) echo "$PROJECT_ROOT/requirements_e2e_latest.txt" ;;
        *) echo "unknown environment '$1'" >&2; return 1 ;;
    esac
}

env_dir() {
    echo "$PROJECT_ROOT/.venv/$1"
}

# The stamp changes whenever a requirements file or the interpreter changes,
# so an environment is rebuilt exactly when its inputs are different.
env_stamp() {
    local requirements=$1 python=$2 extra=${3:-}
    cat "$requirements" "$PROJECT_ROOT/requirements_tools.txt" \
        "$PROJECT_ROOT/requirements_test.txt" $extra 2>/dev/null \
        | { cat; python_version_of "$python"; } | sha256sum | cut -d' ' -f1
}

# ensure_env NAME [EXTRA_REQUIREMENTS_FILE...]: prints the environment's bin directory.
ensure_env() {
    local name=$1
    shift
    local requirements python dir stamp
    requirements=$(requirements_for_env "$name") || return 1
    python=$(python_for_env "$name") || return 1
    dir=$(env_dir "$name")
    stamp=$(env_stamp "$requirements" "$python" "$*")
    if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ]; then
        echo "$dir/bin"
        return 0
    fi
    echo ">>> Setting up the '$name' environment in $dir (Python $(python_version_of "$python"))" >&2
    rm -rf "$dir"
    "$python" -m venv "$dir" >&2 || return 1
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check uv >&2 || return 1
    local args=(-r "$requirements")
    local extra
    for extra in "$@"; do args+=(-r "$extra"); done
    "$dir/bin/uv" pip install --quiet --python "$dir/bin/python" "${args[@]}" >&2 || return 1
    echo "$stamp" > "$dir/.stamp"
    echo "$dir/bin"
}
