#!/usr/bin/env bash
# Refresh the hashed locks that scripts/setup.sh installs from:
#   requirements/pinned.txt  from pyproject.toml, with the test and deck extras (manim 0.19.1)
#   requirements/newest.txt  from requirements/newest.in (the newest manim release tested)
#   requirements/tools.txt   from requirements/tools.in (uv, which setup installs them with)
# Every package is pinned, transitive ones included, with the hashes of PyPI's files.
# Run it after changing a version in pyproject.toml or requirements/newest.in.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9
tool=$(mktemp -d)
trap 'rm -rf "$tool"' EXIT
python3 -m venv "$tool/venv"
"$tool/venv/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
compile() {
  "$tool/venv/bin/uv" pip compile --quiet --generate-hashes --python-version 3.11 \
    --index-url https://pypi.org/simple --custom-compile-command "bash scripts/lock.sh" "$@"
}
compile pyproject.toml --extra test --extra deck -o requirements/pinned.txt
compile requirements/newest.in -o requirements/newest.txt
compile requirements/tools.in -o requirements/tools.txt
echo "lock: wrote requirements/pinned.txt, requirements/newest.txt and requirements/tools.txt"
