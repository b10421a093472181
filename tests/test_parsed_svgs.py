"""Parses kept beside their SVG files: a later render gets, attribute for attribute, what a fresh parse gives.

The cheap tier builds formulas and texts once with manim's own parsing and once
from a kept parse, each in a process-wide cache emptied first, and compares
every member of the two families, attribute by attribute; it also checks what
is never kept and what is parsed again. The render tier is in ``test_speed``:
a render from kept parses has the very frames of plain manim.
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import MathTex, Mobject, SVGMobject, Text, config, tempconfig
from manim.mobject.svg import svg_mobject
from manim.utils.color import ManimColor

import manim_adapters
import parsed_svgs
from parsed_svgs import MANIM_GENERATE_MOBJECT, check_kept_parses, keep_parses, stored_parse_path

_made: list[manim_adapters.Patches] = []


def keep_on() -> None:
    """Keep parses, as a render does while it lasts."""
    patches = manim_adapters.Patches()
    assert keep_parses(patches) is None
    _made.append(patches)


def keep_off() -> None:
    """Manim's own method again, as when a render ends."""
    while _made:
        _made.pop().undo()


@pytest.fixture(autouse=True)
def kept(tmp_path):
    """Parses kept, into a media folder of this test's own; manim's own method again afterwards."""
    manim_adapters._reported.clear()
    with tempconfig({"media_dir": str(tmp_path / "media")}):
        (tmp_path / "media" / "Tex").mkdir(parents=True)
        keep_on()
        yield tmp_path / "media"
    keep_off()
    manim_adapters._reported.clear()


def _generate_mobject_in_a_render(scene_class) -> object:
    """``SVGMobject.generate_mobject`` as it is while ``scene_class`` renders (a dry run)."""
    seen = []

    class Probe(scene_class):
        def construct(self):
            seen.append(svg_mobject.SVGMobject.generate_mobject)

    with tempconfig({"dry_run": True}):
        Probe().render()
    return seen[0]


def _fresh(build):
    """What ``build`` makes when no SVG has been read in this process yet."""
    svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
    return build()


def _same(a, b, seen=None) -> None:
    """``a`` and ``b`` are equal, attribute for attribute, down through every mobject they hold."""
    seen = set() if seen is None else seen
    if id(a) in seen:
        return
    seen.add(id(a))
    assert type(a) is type(b)
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        assert a.shape == b.shape
        assert np.array_equal(a, b, equal_nan=True)
    elif isinstance(a, Mobject):
        assert a.__dict__.keys() == b.__dict__.keys(), type(a).__name__
        for name, value in a.__dict__.items():
            if name in ("original_id", "path_obj"):
                continue
            _same(value, getattr(b, name), seen)
        if "path_obj" in a.__dict__:
            assert repr(a.path_obj) == repr(b.path_obj)
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y, seen)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _same(a[key], b[key], seen)
    elif isinstance(a, ManimColor):
        assert np.array_equal(a._internal_value, b._internal_value)
    else:
        assert a == b


BUILDS = [
    lambda: MathTex(r"z^{(1)}_{2} = 0.30 \cdot 0.50 + 0.80", font_size=38),
    lambda: MathTex("a", "= 0.63", font_size=30, color="#ffcc00"),
    lambda: Text("Neural Network Forward Pass", font_size=42, weight="BOLD"),
    lambda: Text("Class 0, p = 0.73", font_size=28, color="#44bb77"),
]


@pytest.mark.parametrize("build", BUILDS, ids=["formula", "parts", "title", "coloured text"])
def test_a_kept_parse_gives_what_a_fresh_parse_gives(kept, build):
    keep_off()
    parsed = _fresh(build)
    assert not list(kept.rglob("*.kept"))
    keep_on()
    first = _fresh(build)  # parses, and keeps the parse
    stored = list(kept.rglob("*.kept"))
    assert stored
    stamps = {path: path.stat().st_mtime_ns for path in stored}
    again = _fresh(build)  # from the kept parse
    assert {path: path.stat().st_mtime_ns for path in kept.rglob("*.kept")} == stamps
    _same(parsed, first)
    _same(parsed, again)
    assert len(again.family_members_with_points()) > 0


def test_the_kept_parse_is_read_instead_of_the_file(kept, monkeypatch):
    _fresh(lambda: MathTex("x + 1"))
    monkeypatch.setattr(svg_mobject.se.SVG, "parse", lambda *args, **kwargs: pytest.fail("parsed again"))
    formula = _fresh(lambda: MathTex("x + 1"))
    assert len(formula.family_members_with_points()) == 3


TRIANGLE = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><path d="M0 0 L10 0 L10 10 Z"/></svg>'


def test_a_changed_file_or_setting_is_parsed_anew(kept):
    shape = kept / "shape.svg"
    shape.write_text(TRIANGLE)
    plain = _fresh(lambda: SVGMobject(str(shape)))
    stored = stored_parse_path(plain, shape)
    assert stored is not None
    assert stored.is_file()
    red = _fresh(lambda: SVGMobject(str(shape), svg_default={**plain.svg_default, "fill_color": "#ff0000"}))
    assert red.svg_default != plain.svg_default
    assert stored_parse_path(red, shape) != stored
    assert len(list(kept.glob("shape.svg.*.kept"))) == 2
    shape.write_text(TRIANGLE.replace("L10 10", "L5 10"))
    assert stored_parse_path(plain, shape) != stored
    moved = _fresh(lambda: SVGMobject(str(shape)))
    assert not np.array_equal(
        moved.family_members_with_points()[0].points, plain.family_members_with_points()[0].points
    )


def test_a_damaged_kept_parse_is_parsed_again_and_written_anew(kept):
    fresh = _fresh(lambda: MathTex("y^{2}"))
    stored = stored_parse_path(fresh, fresh.get_file_path())
    stored.write_bytes(b"not a pickle")
    again = _fresh(lambda: MathTex("y^{2}"))
    _same(fresh, again)
    assert stored.read_bytes() != b"not a pickle"
    assert not [path for path in stored.parent.iterdir() if path.name.startswith(".parsed-")]


def test_only_files_in_the_media_folder_are_kept(kept, tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text(TRIANGLE)
    SVGMobject(str(logo))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["logo.svg", "media"]
    assert stored_parse_path(SVGMobject(str(logo)), logo) is None


def test_manims_own_method_reading_files_another_way_is_left_alone(monkeypatch, capsys):
    def generate_mobject(self):
        return MANIM_GENERATE_MOBJECT(self)

    keep_off()
    monkeypatch.setattr(svg_mobject.SVGMobject, "generate_mobject", generate_mobject)
    monkeypatch.setattr(parsed_svgs, "MANIM_GENERATE_MOBJECT", generate_mobject)
    assert check_kept_parses() == "SVGMobject.generate_mobject reads an SVG file in a way not known here"
    assert _generate_mobject_in_a_render(manim_adapters.FastScene) is generate_mobject
    assert capsys.readouterr().err == (
        "forward_pass: speed-up off: parses kept: "
        "SVGMobject.generate_mobject reads an SVG file in a way not known here\n"
    )


def test_the_scene_keeps_parses_unless_told_not_to():
    keep_off()
    assert _generate_mobject_in_a_render(manim_adapters.FastScene) is parsed_svgs._generate_keeping_the_parse
    assert svg_mobject.SVGMobject.generate_mobject is MANIM_GENERATE_MOBJECT  # once the render is over

    class Plain(manim_adapters.FastScene):
        keep_parsed_svgs = False

    assert _generate_mobject_in_a_render(Plain) is MANIM_GENERATE_MOBJECT
    assert config.media_dir
