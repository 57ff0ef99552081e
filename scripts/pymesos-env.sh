#!/usr/bin/env bash
# Creates (once) a virtualenv with pymesos from PyPI for the compatibility tests and prints
# its python's path. pymesos 0.3.15 needs http-parser 0.9.0, whose shipped parser.c no longer
# compiles on CPython 3.11: the C file is regenerated from parser.pyx with Cython < 3 first.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(realpath -m "${PYMESOS_VENV:-target/pymesos-venv}")
python=${PYTHON:-python3}
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import pymesos, http_parser.parser' 2>/dev/null; then
  echo "$venv/bin/python"
  exit 0
fi
rm -rf "$venv"
"$python" -m venv "$venv" >&2
pip() { "$venv/bin/python" -m pip --disable-pip-version-check -q "$@" >&2; }
pip install 'cython<3' six addict kazoo setuptools wheel
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pip download --no-deps --no-binary :all: http-parser==0.9.0 -d "$work"
tar xzf "$work"/http-parser-0.9.0.tar.gz -C "$work"
(cd "$work/http-parser-0.9.0" && rm -f http_parser/parser.c http_parser/*.so && "$venv/bin/cython" http_parser/parser.pyx) >&2
pip install --no-build-isolation "$work/http-parser-0.9.0"
pip install --no-deps pymesos==0.3.15
"$venv/bin/python" -c 'import pymesos, http_parser.parser' >&2
echo "$venv/bin/python"
