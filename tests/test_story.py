"""The story apart from the machinery: what each module of ``scenes/`` may hold."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from manim import Scene

import forward_pass
import phased_scene

SCENES = Path(__file__).resolve().parent.parent / "scenes"
MACHINERY_IMPORTS = {"hashlib", "ast", "inspect", "manim.renderer", "manim.scene.scene_file_writer", "manim.utils"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_story_imports_no_machinery():
    imported = imported_modules(SCENES / "forward_pass.py")
    assert not {name for name in imported if any(name.startswith(m) for m in MACHINERY_IMPORTS)}


def test_the_story_holds_one_scene_on_the_phased_base():
    scenes = [
        cls
        for _, cls in inspect.getmembers(forward_pass, inspect.isclass)
        if issubclass(cls, Scene) and cls.__module__ == "forward_pass"
    ]
    assert [cls.__name__ for cls in scenes] == ["ForwardPassScene"]
    assert issubclass(scenes[0], phased_scene.PhasedScene)
    story = set(vars(scenes[0]))
    assert {"PHASES", "setup", "construct"} <= story
    assert not story & {"phase", "beat", "say", "pause_point", "get_moving_mobjects", "play"}


ADAPTERS = {"manim_adapters.py", "tex_prewarm.py", "parsed_svgs.py", "restyle.py", "whole_files.py"}
"""The modules that reach into manim's internals, each checking what it relies on before use."""


def test_only_the_adapters_reach_into_manims_internals():
    for path in SCENES.glob("*.py"):
        if path.name in ADAPTERS:
            continue
        internal = {name for name in imported_modules(path) if name.startswith("manim.")}
        assert not internal, f"{path.name} imports {sorted(internal)}"


def test_every_module_says_what_it_owns():
    for path in SCENES.glob("*.py"):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert docstring, f"{path.name} has no docstring"
        assert len(docstring.splitlines()[0]) > 20, f"{path.name}: {docstring.splitlines()[0]!r}"
