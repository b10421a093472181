"""Phase timings: checking the table, and turning seconds into whole frames.

No manim import: the timeline can be tested without rendering anything.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from numbers import Real

import numpy as np

__all__ = [
    "MIN_PHASE_SECONDS",
    "PhaseClock",
    "TimingError",
    "check_phases",
    "exact_run_time",
    "phase_frame_spans",
]

MIN_PHASE_SECONDS = 1.0
"""Every phase has at least this long, so that each of its beats gets whole frames."""


class TimingError(ValueError):
    """A ``PHASES`` table that cannot be played, with a one-line reason naming the phase."""


def check_phases(
    phases: Mapping[str, object],
    names: Iterable[str],
    *,
    optional: Iterable[str] = (),
    stand_ins: Mapping[str, str] | None = None,
) -> dict[str, float]:
    """Check a ``PHASES`` table against the phase ``names`` the scene plays, in order.

    ``optional`` names phases that the table may hold but that are not played
    this time (a hidden layer the network lacks, say); their entries are checked
    and then left out. ``stand_ins`` maps a played phase to another whose seconds
    it takes when the table has no entry of its own.

    Returns the played phases as ``{name: seconds}`` in the scene's order, or raises
    :class:`TimingError` for a missing or unknown phase or a bad duration.
    """
    names = list(names)
    optional = [name for name in optional if name not in names]
    stand_ins = dict(stand_ins or {})
    if not isinstance(phases, Mapping):
        raise TimingError(f"PHASES: expected a mapping from phase name to seconds, got {type(phases).__name__}")
    unknown = [name for name in phases if name not in names and name not in optional]
    if unknown:
        raise TimingError(f"PHASES: unknown phase {unknown[0]!r}; the phases are: {', '.join(names)}")
    for name in phases:
        _check_seconds(name, phases[name])
    checked = {}
    for name in names:
        source = name if name in phases else stand_ins.get(name)
        if source not in phases:
            raise TimingError(f"PHASES: phase {name!r} is missing; every phase needs a duration in seconds")
        checked[name] = float(phases[source])
    return checked


def _check_seconds(name: str, seconds: object) -> None:
    if isinstance(seconds, bool) or not isinstance(seconds, Real) or not math.isfinite(seconds):
        raise TimingError(f"PHASES[{name!r}]: expected a number of seconds, got {seconds!r}")
    if seconds <= 0:
        raise TimingError(f"PHASES[{name!r}]: a phase must last more than 0 s, got {seconds!r}")
    if seconds < MIN_PHASE_SECONDS:
        raise TimingError(f"PHASES[{name!r}]: a phase lasts at least {MIN_PHASE_SECONDS:g} s, got {seconds!r}")


def phase_frame_spans(phases: Mapping[str, float], fps: float) -> dict[str, tuple[int, int]]:
    """The first and one-past-last frame of every phase.

    Boundaries are rounded from the running sum of seconds, so rounding never
    accumulates: the video has exactly ``round(total * fps)`` frames.
    """
    spans = {}
    start_seconds = 0.0
    for name, seconds in phases.items():
        end_seconds = start_seconds + seconds
        spans[name] = (round(start_seconds * fps), round(end_seconds * fps))
        start_seconds = end_seconds
    return spans


def exact_run_time(frames: int, fps: float, kind: str = "play") -> float:
    """A run time for which manim renders exactly ``frames`` frames.

    ``frames / fps`` is not always enough: manim counts the frames of an
    animation with ``np.arange(0, run_time, 1 / fps)`` and those of a still
    ``wait`` with ``int(run_time * fps)``, and either can land one frame off
    through floating-point error. This nudges the time by a few units in the
    last place, so the frame count is exact and the time stays ``frames / fps``
    to within 1e-12 s.
    """
    if frames < 1:
        raise ValueError(f"a beat needs at least one frame, got {frames}")
    if kind not in ("play", "wait"):
        raise ValueError(f"kind must be 'play' or 'wait', got {kind!r}")
    step = 1 / fps
    run_time = frames / fps
    toward = -np.inf if kind == "play" else np.inf
    for _ in range(64):
        ratio = run_time / step
        if (kind == "play" and ratio <= frames) or (kind == "wait" and ratio >= frames):
            return float(run_time)
        run_time = np.nextafter(run_time, toward)
    raise ArithmeticError(f"no exact run time for {frames} frames at {fps} fps")


class PhaseClock:
    """Hands out one phase's frames as shares of its budget.

    Parameters
    ----------
    frames
        The phase's whole budget, in frames.
    """

    def __init__(self, frames: int) -> None:
        self.frames = frames
        self.used = 0

    @property
    def remaining(self) -> int:
        return self.frames - self.used

    def take(self, share: float) -> int:
        """The frames for a beat lasting ``share`` of the phase, at least one."""
        if not 0 < share < 1:
            raise ValueError(f"a beat's share of its phase is between 0 and 1, got {share}")
        frames = max(1, round(share * self.frames))
        if frames > self.remaining:
            raise ValueError(f"the phase's beats take more than its {self.frames} frames; lower their shares")
        self.used += frames
        return frames
