#!/bin/sh
# mypy on the package under its import name, archcat (its source folder is render/):
# mypy cannot follow setuptools' package-dir mapping, so it reads render/ through a link named archcat.
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
shadow="$(mktemp -d)"
trap 'rm -rf "$shadow"' EXIT
ln -s "$here/render" "$shadow/archcat"
cd "$shadow"
"${MYPY:-$here/.venv/bin/mypy}" --config-file "$here/pyproject.toml" --cache-dir "$shadow/.mypy_cache" -p archcat
