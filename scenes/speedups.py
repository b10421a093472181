"""The one registry of every reach into manim's internals: the speed-ups, and the safeguards.

Each speed-up makes a render faster; each safeguard keeps what a render writes
whole (see ``whole_files``). Both are checked before they touch manim, and step
aside with one line where manim is not as they expect.

A scene takes the speed-ups in at its leaf, by inheriting ``FastScene`` (see
``manim_adapters``); the phased base and the story know nothing of them. Each
entry here names one speed-up by the words of its one-line notice (``speed-up
off: <name>: <reason>``), the class attribute that turns it off
(``light_copies = False``), and a one-line summary. The README's table of what
each one saves, the test scene with every speed-up off, the benchmark's
measurements and the harness that moves manim's internals are all read from
this table.

The speed-ups engage only on the manim releases in :data:`TESTED_RELEASES`,
the ones the suite compares frame by frame with manim's own drawing; on any
other release the scene renders with manim's own code, and one line says so.

This module imports no manim, so that scripts can read it cheaply.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

__all__ = ["REGISTRY", "SAFEGUARDS", "TESTED_RELEASES", "Safeguard", "SpeedUp", "by_name", "check", "engaged"]

TESTED_RELEASES = ("0.19.1", "0.22.0")
"""The manim releases the suite tests frame by frame; the speed-ups engage on these alone."""


@dataclass(frozen=True)
class SpeedUp:
    """One speed-up: its notice's name, the flag that turns it off, and what it does."""

    name: str
    """How its one-line notice names it."""
    flag: str
    """The ``FastScene`` class attribute; ``False`` renders as manim would without this speed-up."""
    check: str
    """``module:function`` that says why it cannot engage on the manim installed, or None if it can.

    Each check reads only what its speed-up relies on, and touches nothing;
    ``tests/moved_internals.py`` moves each of those details as a later release
    could, one mover per entry, and every check must notice."""
    summary: str
    """What it does, in one line."""
    frames: str = "all"
    """Which renders it can hasten: ``"all"``, ``"preview"`` (below 1280x720) or ``"large"`` (1280x720 and up)."""


REGISTRY: tuple[SpeedUp, ...] = (
    SpeedUp(
        "cache keys from the inputs",
        "keyed_plays",
        "manim_adapters:check_play_hash",
        "each play's cache key follows from the code, the network and the phase's frames, not a hash of the scene",
    ),
    SpeedUp(
        "skipped plays draw nothing",
        "skipped_plays_draw_nothing",
        "manim_adapters:check_quiet_skips",
        "a play that manim skips (cached, or drawn by the other process) draws no still image",
    ),
    SpeedUp(
        "x264 preset",
        "fast_preset",
        "manim_adapters:check_x264_preset",
        "x264 encodes with preset superfast, at manim's own crf 23",
    ),
    SpeedUp(
        "lighter copies",
        "light_copies",
        "manim_adapters:check_shared_svg_paths",
        "copies of formulas and texts share the parsed SVG path of each glyph",
    ),
    SpeedUp(
        "each outline traced once",
        "trace_outlines_once",
        "manim_adapters:check_tracing_camera",
        "a shape whose points have not changed gets the outline Cairo made of it before",
    ),
    SpeedUp(
        "one copy of the still image",
        "one_background_copy",
        "manim_adapters:check_one_copy_camera",
        "each frame of an animation starts from one copy of the still image, not two",
    ),
    SpeedUp(
        "families listed in one pass",
        "families_in_one_pass",
        "manim_adapters:check_family_lists",
        "a mobject's family is listed in one walk, not level by level",
    ),
    SpeedUp(
        "freed frames returned",
        "freed_frames_returned",
        "manim_adapters:check_freed_frames",
        "where manim encodes in threads (0.21 on), glibc hands freed frames back to the system after every play",
        frames="large",
    ),
    SpeedUp(
        "parses kept",
        "keep_parsed_svgs",
        "parsed_svgs:check_kept_parses",
        "what manim parsed from each formula's and text's SVG file is kept beside it for later renders",
    ),
    SpeedUp(
        "one LaTeX run",
        "tex_in_one_run",
        "tex_prewarm:check_prewarm",
        "every formula of the scene is typeset in one LaTeX run before the first frame",
    ),
    SpeedUp(
        "fades and colour changes without copies",
        "tweened_styles",
        "restyle:check_style_tweens",
        "fades in place and changes of colour tween the style alone, copying no points",
    ),
    SpeedUp(
        "two processes for a preview",
        "two_processes",
        "manim_adapters:check_split",
        "a preview draws its later phases in a second process, on the second core",
        frames="preview",
    ),
)
"""Every speed-up, in the order the README lists them."""


@dataclass(frozen=True)
class Safeguard:
    """One safeguard: its notice's name, its check, and what it keeps whole.

    A safeguard saves no time, so it has no flag to measure it by, and it is on
    on every release whose internals its check finds as expected.
    """

    name: str
    check: str
    summary: str


SAFEGUARDS: tuple[Safeguard, ...] = (
    Safeguard(
        "files moved into place whole",
        "whole_files:check_whole_outputs",
        "each partial movie file, and the video with its subtitles, clips and their index, are written beside "
        "their places and moved there once complete",
    ),
)
"""Every safeguard that reaches into manim (the lock and the cache check use files alone)."""


def check(speedup: SpeedUp | Safeguard) -> str | None:
    """Run ``speedup``'s check: why it cannot engage on the manim installed, or None (imports manim)."""
    module, function = speedup.check.split(":")
    return getattr(importlib.import_module(module), function)()


def engaged(release: str) -> bool:
    """Whether the speed-ups engage on manim ``release``: only on a release tested frame by frame."""
    return release in TESTED_RELEASES


def by_name(name: str) -> SpeedUp | Safeguard:
    """The entry whose notice says ``name``."""
    for speedup in REGISTRY + SAFEGUARDS:
        if speedup.name == name:
            return speedup
    raise KeyError(name)
