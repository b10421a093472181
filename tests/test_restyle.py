"""Fades and changes of colour without copies: on every frame, the pixels of manim's own FadeIn, FadeOut and ``.animate``.

Each case builds the same mobjects twice, plays manim's animation on one and
the one from ``restyle`` on the other by hand (begin, a frame at each of a
range of times, finish, clean up), draws every frame with manim's camera and
compares the two, pixel for pixel; afterwards the two mobjects must be equal,
attribute for attribute, colours, opacities and points alike.
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import (
    Camera,
    Circle,
    FadeIn,
    FadeOut,
    Line,
    MathTex,
    RoundedRectangle,
    Scene,
    Text,
    Transform,
    VGroup,
    VMobject,
    config,
    tempconfig,
)
from manim.utils.rate_functions import there_and_back

import restyle
from restyle import STYLE, check_style_tweens, fade_in, fade_out

FRAME_TIMES = np.linspace(0, 1, 13)


@pytest.fixture(autouse=True)
def small_frames():
    with tempconfig({"pixel_width": 426, "pixel_height": 240}):
        yield


def _diagram() -> VGroup:
    panel = RoundedRectangle(width=6, height=2, corner_radius=0.15, stroke_width=0).set_fill("#1a1f2b", opacity=1)
    neurons = VGroup(
        *(Circle(radius=0.3).set_stroke("#8899aa", 3).shift(i * 0.9 * np.array([1, 0, 0])) for i in range(3))
    )
    neurons.shift(np.array([-1.0, 1.8, 0]))
    lines = VGroup(*(Line([-3, -1 + 0.3 * i, 0], [3, 0.5 - 0.2 * i, 0], stroke_width=2 + i) for i in range(4)))
    lines.set_stroke("#dd8844", opacity=0.7)
    formula = MathTex(r"z = 0.30 \cdot 0.50 + 0.80", font_size=40).shift(np.array([0, -2.2, 0]))
    words = Text("Class 0, p = 0.73", font_size=26, color="#44bb77").to_edge(np.array([0, 1, 0]))
    return VGroup(panel, neurons, lines, formula, words)


def _frames(mobject, animation, scene: Scene) -> list[np.ndarray]:
    animation._setup_scene(scene)
    animation.begin()
    frames = []
    for alpha in FRAME_TIMES:
        animation.interpolate(alpha)
        camera = Camera()
        camera.capture_mobjects(scene.mobjects)
        frames.append(camera.pixel_array.copy())
    animation.finish()
    animation.clean_up_from_scene(scene)
    return frames


def _compare(make_manims, make_ours, *, start_on_screen: bool) -> None:
    results = []
    # One build, copied: a second build could read its SVGs from manim's cache, which differs in ways no frame shows.
    built = _diagram()
    for make in (make_manims, make_ours):
        mobject = built.copy()
        with tempconfig({"dry_run": True}):
            scene = Scene()
        if start_on_screen:
            scene.add(mobject)
        frames = _frames(mobject, make(mobject), scene)
        results.append((mobject, frames, list(scene.mobjects)))
    (theirs, want, their_scene), (mine, got, my_scene) = results
    assert len(want) == len(got)
    for index, (a, b) in enumerate(zip(want, got)):
        assert np.array_equal(a, b), (
            f"frame at {FRAME_TIMES[index]:.2f} differs in {np.sum(np.any(a != b, axis=2))} pixels"
        )
    assert len(their_scene) == len(my_scene)
    assert any(not np.array_equal(want[0], frame) for frame in want), "nothing changed on screen"
    for a, b in zip(theirs.get_family(), mine.get_family()):
        assert type(a) is type(b)
        for name in set(a.__dict__) | set(b.__dict__):
            if name in ("original_id", "path_obj", "target"):
                continue
            x, y = a.__dict__[name], b.__dict__[name]
            if isinstance(x, np.ndarray):
                assert np.array_equal(x, y), name
            elif name != "submobjects":
                assert x == y or repr(x) == repr(y), name


def test_fade_in_draws_manims_fade_in():
    _compare(lambda m: FadeIn(m), lambda m: fade_in(m), start_on_screen=False)


def test_fade_out_draws_manims_fade_out():
    _compare(lambda m: FadeOut(m), lambda m: fade_out(m), start_on_screen=True)


def test_a_fade_of_several_mobjects_draws_manims():
    _compare(lambda m: FadeIn(m[3], m[4]), lambda m: fade_in(m[3], m[4]), start_on_screen=False)


def test_a_lagged_fade_draws_manims():
    _compare(
        lambda m: FadeIn(m[3], lag_ratio=0.3, rate_func=there_and_back),
        lambda m: fade_in(m[3], lag_ratio=0.3, rate_func=there_and_back),
        start_on_screen=False,
    )


CHANGES = {
    "fill": (1, "set_fill", ("#ffaa33",), {"opacity": 1.0}),
    "stroke opacity": (2, "set_stroke", (), {"opacity": 0.12}),
    "opacity of a formula": (3, "set_opacity", (0.15,), {}),
    "colour of a text": (4, "set_color", ("#ff4444",), {}),
}


@pytest.mark.parametrize(("part", "method", "args", "kwargs"), CHANGES.values(), ids=CHANGES.keys())
def test_a_restyle_draws_manims_animate(part, method, args, kwargs):
    _compare(
        lambda m: getattr(m[part].animate, method)(*args, **kwargs).build(),
        lambda m: restyle.restyle(m[part], getattr(type(m[part]), method), *args, **kwargs),
        start_on_screen=True,
    )


def test_a_restyle_takes_its_arguments_when_made():
    circles = [Circle() for _ in range(3)]
    animations = []
    for circle, opacity in zip(circles, (0.2, 0.5, 0.9)):
        animations.append(restyle.restyle(circle, VMobject.set_fill, "#ff0000", opacity=opacity))
    for animation in animations:
        animation.begin()
        animation.finish()
    assert [circle.get_fill_opacity() for circle in circles] == [0.2, 0.5, 0.9]


def test_a_restyle_that_moves_is_refused_and_changes_nothing():
    line = Line([0, 0, 0], [1, 0, 0]).set_stroke("#ffffff", opacity=0.5)
    before = {name: np.copy(getattr(line, name)) for name in ("points", "stroke_rgbas")}
    animation = restyle.restyle(line, lambda m: m.set_stroke(opacity=1.0).shift(np.array([1.0, 0, 0])))
    with pytest.raises(ValueError, match="moved or regrouped"):
        animation.begin()
    assert all(np.array_equal(getattr(line, name), value) for name, value in before.items())


def test_the_tween_copies_no_mobject(monkeypatch):
    def copy(self):
        raise AssertionError("copied")

    mobject = _diagram()
    monkeypatch.setattr(VMobject, "copy", copy)
    animation = fade_in(mobject)
    animation.begin()
    animation.interpolate(0.5)
    animation.finish()


def test_the_interpolated_style_is_manims_list():
    assert check_style_tweens() is None
    assert "fill_rgbas" in STYLE
    assert len(STYLE) == 7


def test_an_interpolation_that_reads_more_falls_back_to_manims_fade(monkeypatch):
    def interpolate_color(self, mobject1, mobject2, alpha):
        attrs = [
            "fill_rgbas",
            "stroke_rgbas",
            "background_stroke_rgbas",
            "stroke_width",
            "background_stroke_width",
            "sheen_direction",
            "sheen_factor",
        ]
        for attr in attrs:
            setattr(self, attr, getattr(mobject2 if alpha > 0.5 else mobject1, attr))
        self.z_index = mobject2.z_index

    monkeypatch.setattr(VMobject, "interpolate_color", interpolate_color)
    heard = []
    monkeypatch.setattr(restyle, "_notice", lambda *notice: heard.append(notice))
    assert check_style_tweens() == "VMobject.interpolate_color reads more of the two mobjects than their style"
    assert type(fade_in(Circle())) is FadeIn
    assert type(fade_out(Circle())) is FadeOut
    assert type(restyle.restyle(Circle(), VMobject.set_fill, opacity=1)).__name__ == "_MethodAnimation"
    assert type(restyle.restyle(Circle(), lambda m: m.set_fill(opacity=1))) is Transform
    assert heard[0] == (
        "fades and colour changes without copies",
        "VMobject.interpolate_color reads more of the two mobjects than their style",
    )
    assert config.pixel_width == 426
