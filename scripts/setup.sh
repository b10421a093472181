#!/usr/bin/env bash
# Install what a fresh Debian/Ubuntu machine lacks to render and test the scene:
# the apt packages (as root), reveal.js in deck/node_modules for the slide decks,
# and a virtual environment in .venv, installed from the hashed lock
# requirements/pinned.txt. A second run skips whatever is already there.
#
#   bash scripts/setup.sh             the pinned environment (.venv: manim 0.19.1)
#   bash scripts/setup.sh --newest    also .venv-newest, from requirements/newest.txt (the newest manim)
#   bash scripts/setup.sh --browser   also Chromium and ChromeDriver, for the deck's browser tests
#   bash scripts/setup.sh --cjk       also fonts-noto-cjk (about 90 MB), for Chinese on screen (FORWARD_PASS_LANGUAGE=zh)
#   bash scripts/setup.sh --all       all of the above
set -euo pipefail
cd "$(dirname "$0")/.."

NEWEST=0
BROWSER=0
CJK=0
for arg in "$@"; do
  case "$arg" in
    --newest) NEWEST=1 ;;
    --browser) BROWSER=1 ;;
    --cjk) CJK=1 ;;
    --all) NEWEST=1; BROWSER=1; CJK=1 ;;
    *) echo "setup: unknown option $arg (known: --newest --browser --cjk --all)" >&2; exit 2 ;;
  esac
done

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  found=$("$PYTHON" -c 'import platform; print(platform.python_version())' 2>/dev/null || echo "no $PYTHON")
  echo "setup: error: Python 3.11 or newer is needed (found $found); install it (Ubuntu 22.04: apt-get install python3.11 python3.11-venv python3.11-dev) and run: PYTHON=python3.11 bash scripts/setup.sh" >&2
  exit 1
fi

APT_PACKAGES=(libpango1.0-dev pkg-config texlive-latex-base dvisvgm)
[ "$BROWSER" = 1 ] && APT_PACKAGES+=(chromium chromium-driver)
# A font with Chinese glyphs: a zh render stops before the first frame without one.
[ "$CJK" = 1 ] && APT_PACKAGES+=(fonts-noto-cjk)

# A Python that can build venvs and compile C extensions (pycairo, ManimPango).
if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  APT_PACKAGES+=(python3-venv)
fi
if ! "$PYTHON" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null; then
  APT_PACKAGES+=(python3-dev)
fi
command -v cc >/dev/null 2>&1 || APT_PACKAGES+=(gcc libc6-dev)
# npm brings reveal.js from the npm registry.
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing apt packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: error: these need root: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: apt packages already installed"
fi

# reveal.js, at the version and hash that deck/package-lock.json pins, for the
# offline HTML deck; installed again only when the lock changes.
reveal_stamp=deck/node_modules/.package-lock.sha256
reveal_want=$(sha256sum deck/package-lock.json | cut -d' ' -f1)
if [ -f deck/node_modules/reveal.js/package.json ] && [ -f "$reveal_stamp" ] && [ "$(cat "$reveal_stamp")" = "$reveal_want" ]; then
  echo "setup: reveal.js is up to date"
else
  echo "setup: installing reveal.js into deck/node_modules"
  (cd deck && npm ci --no-audit --no-fund --loglevel=error)
  echo "$reveal_want" > "$reveal_stamp"
fi

# uv, itself installed from a hashed lock, downloads and builds the packages in
# parallel: a fresh setup takes less than half as long as with pip alone.
TOOLS=.venv-tools
tools_stamp="$TOOLS/.lock.sha256"
if ! { [ -x "$TOOLS/bin/uv" ] && [ -f "$tools_stamp" ] && [ "$(cat "$tools_stamp")" = "$(sha256sum requirements/tools.txt | cut -d' ' -f1)" ]; }; then
  echo "setup: installing the installer (uv) into $TOOLS"
  rm -rf "$TOOLS"
  "$PYTHON" -m venv "$TOOLS"
  "$TOOLS/bin/python" -m pip install -q --disable-pip-version-check --require-hashes -r requirements/tools.txt
  sha256sum requirements/tools.txt | cut -d' ' -f1 > "$tools_stamp"
fi

# make_venv DIR LOCK: a virtual environment with exactly the packages of LOCK,
# every one checked against its hash; rebuilt only when LOCK changes. The
# packages are compiled to bytecode as pip does by default (uv does not): where
# PYTHONDONTWRITEBYTECODE is set, manim would otherwise be compiled again at
# every import, some seconds per render.
make_venv() {
  local venv=$1 lock=$2
  local stamp="$venv/.lock.sha256" want
  want="$(sha256sum "$lock" | cut -d' ' -f1) bytecode"
  if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "setup: $venv is up to date with $lock"
    return
  fi
  [ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv"
  echo "setup: installing $lock into $venv"
  "$TOOLS/bin/uv" pip sync --quiet --require-hashes --compile-bytecode --python "$venv/bin/python" "$lock"
  echo "$want" > "$stamp"
}

make_venv .venv requirements/pinned.txt
[ "$NEWEST" = 1 ] && make_venv .venv-newest requirements/newest.txt
echo "setup: done"
