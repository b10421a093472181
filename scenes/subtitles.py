"""Subtitle cues that can be read in time: reading speed, line breaks, and the choice of wording.

No manim import. The limits are those of broadcast subtitle guidelines (BBC,
Netflix) for adult viewers. A cue's reading speed counts every character
shown, spaces and punctuation included, but not its line break. A line's width
counts a full-width character (Chinese, say) as two columns, as a terminal or
a subtitle renderer's grid does, so one limit serves every language.

A story offers each cue in several wordings, fullest first. When the cue ends
and its duration is known, :func:`choose_wording` keeps the first wording that
can be read in that time and breaks it into lines: a shorter wording beats a
faster one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

__all__ = [
    "MAX_CHARS_PER_SECOND",
    "MAX_LINES",
    "MAX_LINE_WIDTH",
    "MIN_SECONDS",
    "choose_wording",
    "cue_problems",
    "cue_text",
    "display_width",
    "reading_length",
    "wrap",
]

MAX_CHARS_PER_SECOND = 20.0
MAX_LINES = 2
MAX_LINE_WIDTH = 42
"""Columns per line: 42 Latin letters, or 21 Chinese characters."""
MIN_SECONDS = 1.0

CLOSING = set("，。、：；！？）》」』”’,.;:!?)]")
"""Never at the start of a line."""
OPENING = set("（《「『“‘([")
"""Never at the end of a line."""


def _wide(character: str) -> bool:
    return unicodedata.east_asian_width(character) in ("W", "F")


def display_width(text: str) -> int:
    """Columns ``text`` takes: two for a full-width character, one for any other."""
    return sum(2 if _wide(character) else 1 for character in text)


def reading_length(text: str) -> int:
    """Characters a viewer reads in a cue: all of them but its line breaks."""
    return len(text.replace("\n", ""))


def _breaks(text: str) -> list[tuple[int, int]]:
    """Where ``text`` may break: (end of the line before, start of the line after).

    At a space, which the break swallows; and between two characters where one
    is full width (Chinese breaks between any two characters), unless that would
    start a line with closing punctuation or end one with opening punctuation.
    """
    points = []
    for index in range(1, len(text)):
        before, after = text[index - 1], text[index]
        if after == " " and before != " ":
            end = index
            start = index
            while start < len(text) and text[start] == " ":
                start += 1
            if start < len(text) and text[start] not in CLOSING:
                points.append((end, start))
        elif (
            " " not in (before, after)
            and (_wide(before) or _wide(after))
            and after not in CLOSING
            and before not in OPENING
        ):
            points.append((index, index))
    return points


AFTER_PUNCTUATION = set("，。、：；！？,.;:!?")
"""A line that ends on one of these ends on a pause: the best place to break."""


def _break_cost(text: str, end: int, start: int) -> int:
    """How badly a break between ``text[:end]`` and ``text[start:]`` cuts the sense; 0 is a clean break."""
    before, after = text[end - 1], text[start]
    head = text[:end]
    depth = sum(head.count(opening) - head.count(closing) for opening, closing in ("()", "[]", "（）"))
    cost = 0
    if depth > 0:
        cost += 40  # inside a vector or a parenthesis
    if before in "+-−=":
        cost += 5  # an operator starts the next line, beside its term
    if before in AFTER_PUNCTUATION and not (before in ",." and after.isdigit()):
        cost -= 10
    if before.isalpha() and not _wide(before) and after.isdigit():
        cost += 30  # "Layer | 2", "Class | 0": a name and its number
    if _wide(before) and _wide(after) and before not in AFTER_PUNCTUATION:
        cost += 20  # inside a run of Chinese characters, perhaps inside a word
    return cost


def wrap(text: str, width: int = MAX_LINE_WIDTH) -> list[str]:
    """Break ``text`` into as few lines of at most ``width`` columns as it can.

    One line if it fits; else the two lines that fit with the cleanest break
    (after punctuation, not inside a vector, not between a name and its
    number, not inside a run of Chinese characters) and the most even lengths;
    else lines filled one by one (more than two, which :func:`cue_problems`
    reports). A single word longer than ``width`` stays whole, on a line of its own.
    """
    text = " ".join(text.split())
    if display_width(text) <= width:
        return [text]
    fitting = [
        (end, start)
        for end, start in _breaks(text)
        if display_width(text[:end]) <= width and display_width(text[start:]) <= width
    ]
    if fitting:

        def cost(point: tuple[int, int]) -> float:
            end, start = point
            return _break_cost(text, end, start) + abs(display_width(text[:end]) - display_width(text[start:])) / 2

        end, start = min(fitting, key=cost)
        return [text[:end], text[start:]]
    lines = []
    rest = text
    while display_width(rest) > width:
        candidates = [(end, start) for end, start in _breaks(rest) if display_width(rest[:end]) <= width]
        if not candidates:
            candidates = _breaks(rest)[:1]
            if not candidates:
                break
        end, start = candidates[-1]
        lines.append(rest[:end])
        rest = rest[start:]
    lines.append(rest)
    return lines


def cue_problems(text: str, seconds: float, *, check_duration: bool = True) -> list[str]:
    """What keeps a cue of ``text`` (lines split by newlines) shown for ``seconds`` from being read.

    ``check_duration=False`` leaves out the shortest time on screen, which no
    wording can change.
    """
    problems = []
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        problems.append(f"{len(lines)} lines, more than {MAX_LINES}")
    for line in lines:
        if display_width(line) > MAX_LINE_WIDTH:
            problems.append(f"a line of {display_width(line)} columns, more than {MAX_LINE_WIDTH}: {line!r}")
    rate = reading_length(text) / seconds if seconds > 0 else float("inf")
    if rate > MAX_CHARS_PER_SECOND + 1e-9:
        problems.append(f"{rate:.1f} characters per second, more than {MAX_CHARS_PER_SECOND:g}")
    if check_duration and seconds < MIN_SECONDS - 1e-9:
        problems.append(f"{seconds:.2f} s on screen, less than {MIN_SECONDS:g} s")
    return problems


def cue_text(wording: str) -> str:
    """A wording as a cue shows it: broken into lines by :func:`wrap`."""
    return "\n".join(wrap(wording))


def choose_wording(wordings: Sequence[str], seconds: float) -> str:
    """The first of ``wordings`` that can be read in ``seconds`` (see :func:`cue_text` for its lines).

    When none can, the shortest is shown: the viewer gets as much time per
    character as there is.
    """
    if not wordings:
        raise ValueError("a cue needs at least one wording")
    for wording in wordings:
        if not cue_problems(cue_text(wording), seconds, check_duration=False):
            return wording
    return min(wordings, key=reading_length)
