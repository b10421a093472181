"""The one registry of speed-ups: everything that lists them is read from it, and every check notices a moved internal."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import speedups
import whole_files
from moved_internals import MOVERS, SAFEGUARD_MOVERS
from speedups import REGISTRY, SAFEGUARDS

ROOT = Path(__file__).resolve().parent.parent
SCENES = ROOT / "scenes"


def test_names_and_flags_are_unique():
    assert len({s.name for s in REGISTRY}) == len(REGISTRY)
    assert len({s.flag for s in REGISTRY}) == len(REGISTRY)
    assert {s.frames for s in REGISTRY} <= {"all", "preview", "large"}


def test_every_flag_is_a_switch_of_the_fast_scene():
    from manim_adapters import FastScene

    for speedup in REGISTRY:
        assert getattr(FastScene, speedup.flag) is True, speedup.flag


def test_every_notice_names_a_speedup_of_the_registry():
    names = {s.name for s in REGISTRY}
    said = set()
    for path in SCENES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "speedup_off",
                "_notice",
            ):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant):
                    said.add(first.value)
    said.add(__import__("tex_prewarm").SPEEDUP)
    assert said, "no notice found"
    assert said <= names, said - names


def test_the_harness_moves_each_speedup_of_the_registry():
    assert list(MOVERS) == [s.name for s in REGISTRY]
    assert list(SAFEGUARD_MOVERS) == [s.name for s in SAFEGUARDS]


def test_every_safeguard_notice_names_a_safeguard_of_the_registry():
    names = {s.name for s in SAFEGUARDS}
    said = set()
    for path in SCENES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "safeguard_off"
            ):
                first = node.args[0]
                # A constant, or whole_files.SAFEGUARD
                said.add(first.value if isinstance(first, ast.Constant) else getattr(whole_files, first.attr))
    assert said == names


def test_every_check_notices_its_moved_internal():
    """In a process of its own: every internal moved, then every check asked."""
    code = (
        "import json, moved_internals, speedups\n"
        "moved = moved_internals.move_internals()\n"
        "print(json.dumps({'moved': moved, 'off': [s.name for s in speedups.REGISTRY + speedups.SAFEGUARDS if speedups.check(s)]}))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SCENES), str(ROOT / "tests")])}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    import json

    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["moved"]
    assert sorted(report["off"]) == sorted(report["moved"])


def test_the_readme_lists_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- speed-ups: from scenes/speedups.py -->")[1].split("<!-- end of speed-ups -->")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| speed-up")]
    listed = [re.match(r"\| ([^|]+?) +\|", row).group(1) for row in rows if not set(row) <= set("|- ")]
    assert listed == [s.name for s in REGISTRY]


def test_speedups_engage_only_on_the_tested_releases(monkeypatch, capsys, fresh_notices):
    from manim import tempconfig

    import manim_adapters
    from manim_adapters import FastScene

    monkeypatch.setattr(manim_adapters, "manim_version", "0.20.1")
    with tempconfig({"dry_run": True}):
        scene = FastScene()
    assert all(getattr(scene, s.flag) is False for s in REGISTRY)
    assert type(scene.renderer).__module__.startswith("manim.")
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "manim 0.20.1 is not among the releases tested here (0.19.1, 0.22.0)" in err
    assert speedups.engaged("0.19.1")
    assert speedups.engaged("0.22.0")
    assert not speedups.engaged("0.21.0")


@pytest.mark.parametrize("untested", [False, True])
def test_no_global_patch_outlives_the_render(monkeypatch, untested):
    from manim import Mobject, tempconfig
    from manim.mobject.svg.svg_mobject import SVGMobject, VMobjectFromSVGPath

    import manim_adapters
    from manim_adapters import FastScene

    if untested:
        monkeypatch.setattr(manim_adapters, "manim_version", "0.20.1")
    before = (Mobject.get_family, SVGMobject.generate_mobject, VMobjectFromSVGPath.__deepcopy__)
    during = []

    class Probe(FastScene):
        def construct(self):
            during.append((Mobject.get_family, SVGMobject.generate_mobject, VMobjectFromSVGPath.__deepcopy__))

    with tempconfig({"dry_run": True}):
        Probe().render()
    assert (Mobject.get_family, SVGMobject.generate_mobject, VMobjectFromSVGPath.__deepcopy__) == before
    patched = [a is not b for a, b in zip(during[0], before)]
    assert patched == [not untested] * 3
