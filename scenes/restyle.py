"""Animations that change only how a mobject looks: fades in place and changes of colour, with no copies.

manim fades a mobject, and animates ``mobject.animate.set_fill(...)``, by
transforming the mobject into a copy of itself: when the animation begins it
copies the mobject two or three times, whole, and on every frame it moves every
point from where it is to where it already is. For a large group (a formula,
the weight matrix, the work in the panel) the copies are most of what beginning
the animation costs, and points moved by nothing but rounding must be traced
again on every frame.

The animations here leave the points alone and copy nothing but the style:

* :func:`fade_in` and :func:`fade_out`: manim's ``FadeIn`` and ``FadeOut``
  without a shift or a scale;
* :func:`restyle`: what ``mobject.animate`` gives for a change of style, such as
  ``restyle(line, VMobject.set_stroke, opacity=0.2)`` for
  ``line.animate.set_stroke(opacity=0.2)``.

On each frame, every member of the family with points takes manim's own
``VMobject.interpolate_color`` between the same two styles that manim's
animation would interpolate between, at the same rate, so the colours are
manim's. The start and end styles are found by applying the change (``fade(1)``
for a fade, the given function for a restyle) to the mobject itself and then
putting every attribute back as it was.

Relies on ``VMobject.interpolate_color(mobject1, mobject2, alpha)`` reading
nothing of the two mobjects but the style attributes in :data:`STYLE`, checked
by :func:`check_style_tweens` before use; where it reads anything else,
these functions return manim's own animations and one line says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
from manim import Animation, FadeIn, FadeOut, Group, Mobject, Transform, VMobject

from tex_prewarm import source_of

__all__ = ["STYLE", "check_style_tweens", "fade_in", "fade_out", "restyle"]

STYLE = (
    "fill_rgbas",
    "stroke_rgbas",
    "background_stroke_rgbas",
    "stroke_width",
    "background_stroke_width",
    "sheen_direction",
    "sheen_factor",
)
"""What manim's ``VMobject.interpolate_color`` interpolates: all that differs between the two ends of a fade."""

_notice: Callable[[str, str], None] = lambda speedup, reason: None  # noqa: E731
"""Where the one line goes when manim's own animations must stand in; :func:`report_to` sets it."""


def report_to(notice: Callable[[str, str], None]) -> None:
    """Say through ``notice(speedup, reason)`` when these animations step aside for manim's."""
    global _notice
    _notice = notice


def check_style_tweens() -> str | None:
    """Why a style cannot be tweened on its own on this manim, or None if it can."""
    source = source_of(VMobject.interpolate_color)
    listed = re.search(r"attrs\s*=\s*\[(.*?)\]", source, re.DOTALL)
    if listed is None:
        return "VMobject.interpolate_color no longer lists the attributes it interpolates"
    if tuple(re.findall(r"[\"'](\w+)[\"']", listed.group(1))) != STYLE:
        return "VMobject.interpolate_color interpolates other attributes"
    signature = re.search(r"\)\s*(->[^:]*)?:\s*\n", source)
    body = re.sub(r"getattr\(mobject[12], attr\)", "", source[signature.end() :] if signature else source)
    if re.search(r"\bmobject[12]\b", body):
        return "VMobject.interpolate_color reads more of the two mobjects than their style"
    return None


def _members(mobject: Mobject) -> list[Mobject]:
    return mobject.get_family()


def _style(mobject: Mobject) -> SimpleNamespace:
    if not isinstance(mobject, VMobject):
        raise ValueError(f"restyle: only shapes made of curves have a style to tween, not a {type(mobject).__name__}")
    values = {}
    for name in STYLE:
        value = getattr(mobject, name)
        values[name] = value.copy() if isinstance(value, np.ndarray) else value
    return SimpleNamespace(**values)


class _Saved:
    """Every attribute of every member of a family, to be put back after a change tried on it."""

    def __init__(self, members: list[Mobject]) -> None:
        self.members = members
        self.attributes = [dict(member.__dict__) for member in members]
        self.arrays = [
            {name: value.copy() for name, value in attributes.items() if isinstance(value, np.ndarray)}
            for attributes in self.attributes
        ]
        self.points = [member.points for member in members]

    def check_unmoved(self, mobject: Mobject) -> None:
        members = _members(mobject)
        if [id(m) for m in members] != [id(m) for m in self.members] or any(
            member.points is not points and not np.array_equal(member.points, points)
            for member, points in zip(members, self.points)
        ):
            self.put_back()
            raise ValueError("restyle: the change moved or regrouped the mobject; use a Transform for that")

    def put_back(self) -> None:
        for member, attributes, arrays in zip(self.members, self.attributes, self.arrays):
            member.__dict__.clear()
            member.__dict__.update(attributes)
            for name, saved in arrays.items():
                current = attributes[name]
                if current.shape == saved.shape and current.dtype == saved.dtype:
                    np.copyto(current, saved)  # undo a change made in place, keeping the array itself
                else:
                    member.__dict__[name] = saved


class _StyleTween(Animation):
    """Tween every member of the family with points between two styles; the points stay as they are."""

    def __init__(self, mobject: Mobject, change: Callable[[Mobject], object], *, to_change: bool, **kwargs) -> None:
        self.change = change
        self.to_change = to_change
        """True: from the style now to the changed one; False: from the changed style to the style now."""
        super().__init__(mobject, **kwargs)

    def begin(self) -> None:
        members = _members(self.mobject)
        saved = _Saved(members)
        drawn = [member for member in members if member.get_num_points() > 0]
        now = [_style(member) for member in drawn]
        self.change(self.mobject)
        saved.check_unmoved(self.mobject)
        changed = [_style(member) for member in drawn]
        saved.put_back()
        start, end = (now, changed) if self.to_change else (changed, now)
        self.styles = list(zip(drawn, start, end))
        super().begin()

    def create_starting_mobject(self) -> Mobject:
        # Nothing is copied: the start is a style, kept in self.styles.
        return self.mobject

    def get_all_families_zipped(self):
        return self.styles

    def interpolate_submobject(self, submobject: Mobject, start, end, alpha: float) -> _StyleTween:
        submobject.interpolate_color(start, end, alpha)
        return self


class _Restyle(_StyleTween):
    def __init__(self, mobject: Mobject, change: Callable[[Mobject], object]) -> None:
        super().__init__(mobject, change, to_change=True)

    def finish(self) -> None:
        # As manim's .animate does: the change itself, for whatever it sets besides the style.
        self.change(self.mobject)
        super().finish()


class _FadeOut(_StyleTween):
    def __init__(self, mobject: Mobject, **kwargs) -> None:
        super().__init__(mobject, _faded, to_change=True, remover=True, **kwargs)

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        self.interpolate(0)  # as manim's FadeOut: the mobject keeps its look for later use


def _faded(mobject: Mobject) -> None:
    mobject.fade(1)


def _one(mobjects: tuple[Mobject, ...]) -> Mobject:
    if not mobjects:
        raise ValueError("At least one mobject must be passed.")
    return mobjects[0] if len(mobjects) == 1 else Group(*mobjects)


_use_tweens = True


def use_tweens(on: bool) -> None:
    """With ``on`` False, these functions give manim's own animations, as if they were not here."""
    global _use_tweens
    _use_tweens = on


def _allowed() -> bool:
    if not _use_tweens:
        return False
    if (reason := check_style_tweens()) is not None:
        _notice("fades and colour changes without copies", reason)
        return False
    return True


def fade_in(*mobjects: Mobject, **kwargs) -> Animation:
    """Manim's ``FadeIn(*mobjects)``, in place: from transparent to the style the mobject has now."""
    if not _allowed():
        return FadeIn(*mobjects, **kwargs)
    return _StyleTween(_one(mobjects), _faded, to_change=False, introducer=True, **kwargs)


def fade_out(*mobjects: Mobject, **kwargs) -> Animation:
    """Manim's ``FadeOut(*mobjects)``, in place: to transparent, then off the scene, keeping its style."""
    if not _allowed():
        return FadeOut(*mobjects, **kwargs)
    return _FadeOut(_one(mobjects), **kwargs)


def restyle(mobject: Mobject, change: Callable[..., object], *args, **kwargs) -> Animation:
    """``mobject.animate`` for ``change(mobject, *args, **kwargs)``, a change of style alone (colour, opacity, width).

    For instance ``restyle(line, VMobject.set_stroke, opacity=0.2)``. The
    arguments are taken now, as ``.animate`` takes them.
    """
    if not _allowed():
        if getattr(type(mobject), getattr(change, "__name__", ""), None) is change:
            # A method of the mobject: manim's own .animate for it.
            return getattr(mobject.animate, change.__name__)(*args, **kwargs).build()
        target = mobject.copy()
        change(target, *args, **kwargs)
        return Transform(mobject, target)
    return _Restyle(mobject, lambda m: change(m, *args, **kwargs))
