#!/usr/bin/env bash
# Build .rasa-venv/: Rasa 3.6.21 in its own Python 3.11 venv, apart from the main .venv.
# Rasa declares Python <3.11, so it is installed with --ignore-requires-python and the pins in
# nlu/rasa/constraints.txt; matplotlib 3.5.3 is built from source against Debian's libraries.
# Idempotent: does nothing when the venv was already built from the same recipe.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

RASA_VERSION="3.6.21"
VENV=".rasa-venv"
CONSTRAINTS="nlu/rasa/constraints.txt"
STAMP="$VENV/.sapar-recipe"
DEBIAN_DEPS=(libfreetype6-dev libpng-dev libqhull-dev pkg-config)

pick_python() {
    local candidate
    for candidate in "${RASA_PYTHON:-}" python3.11 python3 /usr/bin/python3.11; do
        [[ -n "$candidate" ]] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 11))' \
            2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "rasa-venv: no Python 3.11 with the venv module found (set RASA_PYTHON)" >&2
    return 1
}

install_debian_deps() {
    local missing=() pkg
    for pkg in "${DEBIAN_DEPS[@]}"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    echo "rasa-venv: installing Debian build dependencies: ${missing[*]}"
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
}

PYTHON="$(pick_python)"
recipe="rasa==$RASA_VERSION $("$PYTHON" -c 'import platform; print(platform.python_version())')"
recipe+=" $(sha256sum "$CONSTRAINTS" nlu/rasa/mplsetup.cfg | cut -c1-64 | tr '\n' ' ')"

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$recipe" && -x "$VENV/bin/rasa" ]]; then
    echo "rasa-venv: $VENV already built (rasa $RASA_VERSION); nothing to do"
    exit 0
fi

install_debian_deps

started=$SECONDS
if [[ ! -x "$VENV/bin/python" ]]; then
    echo "rasa-venv: creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
fi

export MPLSETUPCFG="$PWD/nlu/rasa/mplsetup.cfg"
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$VENV/bin/python" -m pip install --quiet --upgrade pip wheel
echo "rasa-venv: installing rasa==$RASA_VERSION (takes several minutes)"
"$VENV/bin/python" -m pip install --quiet --ignore-requires-python \
    -c "$CONSTRAINTS" "rasa==$RASA_VERSION" "dask==2022.10.2"

RASA_TELEMETRY_ENABLED=false "$VENV/bin/rasa" --version
echo "$recipe" >"$STAMP"
echo "rasa-venv: built $VENV in $((SECONDS - started)) s"
