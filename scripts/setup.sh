#!/usr/bin/env bash
# Install what a fresh Debian/Ubuntu machine lacks to render and test the scene:
# the apt packages (as root) and a virtual environment in .venv.
# A second run skips whatever is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libpango1.0-dev pkg-config texlive-latex-base dvisvgm)
PYTHON=${PYTHON:-python3}
VENV=.venv

# A Python that can build venvs and compile C extensions (pycairo, ManimPango).
if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  APT_PACKAGES+=(python3-venv)
fi
if ! "$PYTHON" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null; then
  APT_PACKAGES+=(python3-dev)
fi
command -v cc >/dev/null 2>&1 || APT_PACKAGES+=(gcc libc6-dev)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing apt packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these need root: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: apt packages already installed"
fi

# The virtual environment, rebuilt only when pyproject.toml changes.
stamp="$VENV/.pyproject.sha256"
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "setup: $VENV is up to date"
  exit 0
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
requirements=$("$VENV/bin/python" - <<'PY'
import tomllib
with open("pyproject.toml", "rb") as f:
    project = tomllib.load(f)["project"]
deps = list(project["dependencies"])
for extra in project.get("optional-dependencies", {}).values():
    deps += extra
print("\n".join(deps))
PY
)
echo "setup: installing Python packages into $VENV"
# shellcheck disable=SC2086
"$VENV/bin/python" -m pip install -q $requirements
echo "$want" > "$stamp"
echo "setup: done"
