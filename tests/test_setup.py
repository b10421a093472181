"""scripts/setup.sh: on a Python it cannot use, one line and nothing installed; the apt packages of each option."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OLD_PYTHONS = [Path("/root/.pyenv/versions/3.10.13/bin/python3.10"), shutil.which("python3.10")]


def test_an_older_python_stops_setup_at_once(tmp_path):
    python = next((Path(p) for p in OLD_PYTHONS if p and Path(p).is_file()), None)
    if python is None:
        pytest.skip("no Python 3.10 on this machine to try setup with")
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    result = subprocess.run(
        ["bash", "scripts/setup.sh"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHON": str(python)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Python 3.11 or newer" in lines[0]
    assert "found 3.10" in lines[0]
    assert "PYTHON=python3.11 bash scripts/setup.sh" in lines[0]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["scripts"], "setup made something before stopping"


def test_the_readme_claims_the_python_the_project_needs():
    with open(ROOT / "pyproject.toml", "rb") as file:
        needed = tomllib.load(file)["project"]["requires-python"]
    assert needed == ">=3.11"
    claims = set(re.findall(r"Python (3\.\d+) or newer", (ROOT / "README.md").read_text(encoding="utf-8")))
    assert claims == {"3.11"}


def fake_commands(bin_dir: Path) -> None:
    """A system where no apt package is installed and the user is not root, so setup stops at the list."""
    bin_dir.mkdir()
    for name, body in {"dpkg-query": "exit 1", "id": "echo 1000"}.items():
        command = bin_dir / name
        command.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        command.chmod(0o755)


@pytest.mark.parametrize(
    ("options", "with_font", "with_browser"),
    [((), False, False), (("--browser",), False, True), (("--cjk",), True, False), (("--all",), True, True)],
    ids=["plain", "browser", "cjk", "all"],
)
def test_the_chinese_font_comes_with_cjk_and_all(tmp_path, options, with_font, with_browser):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    fake_commands(tmp_path / "bin")
    result = subprocess.run(
        ["bash", "scripts/setup.sh", *options],
        cwd=tmp_path,
        env={"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert "these need root: sudo apt-get install" in line, line
    assert "texlive-latex-base" in line.split()
    assert ("fonts-noto-cjk" in line.split()) == with_font, line
    assert ("chromium" in line.split()) == with_browser, line
