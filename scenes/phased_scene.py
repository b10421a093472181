"""How a story is timed: phases, beats, steps and subtitles, apart from what the story tells.

A :class:`PhasedScene` plays a story in named phases, each of a fixed number of
seconds from the class's ``PHASES`` table. Inside a phase the story plays beats,
each a share of its phase, and the phase holds still for whatever is left, so the
video always lasts the sum of the phases it plays, to the frame. Each phase is a section of
its own (``--save_sections`` writes a clip per phase), and ``say`` writes the
subtitles: each cue in the first of its wordings that can be read in the time
it is on screen, broken into lines (see :mod:`subtitles`).

A *step* is what a lecturer shows between two pauses: a phase ends one, and so
does :meth:`PhasedScene.pause_point` inside a phase. In the video a step is
invisible; a subclass that presents live (a slide deck) hears of every step's end
through :meth:`PhasedScene.on_step_end`; once the story is told,
:meth:`PhasedScene.step_subtitles` gives the subtitles each step showed, as the
subtitle file has them.

This module also names each play for manim's cache by what its frames follow
from (see :meth:`PhasedScene.start_timeline`), so that a timing edit re-renders
only the phase it touched. And ``manim -p`` on a machine with nothing to open the
video with ends well: the scene says where the video is (see :meth:`PhasedScene.render`).
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from manim import Scene, config
from manim import __version__ as manim_version

from preview import skip_preview_without_opener
from subtitles import choose_wording, cue_text
from timeline import PhaseClock, TimingError, check_phases, exact_run_time, phase_frame_spans

__all__ = ["Cue", "PhasedScene", "SetupError", "check_latex", "inputs_digest", "without_phase_tables"]

LATEX_TOOLS = ("latex", "dvisvgm")
LATEX_INSTALL_HINT = (
    "install it with: apt-get install -y --no-install-recommends texlive-latex-base dvisvgm "
    "(macOS: brew install --cask basictex, then sudo tlmgr install dvisvgm)"
)


class SetupError(RuntimeError):
    """The scene cannot be rendered as configured; the message says why and what to do."""


def check_latex() -> None:
    """Stop before the first frame if the LaTeX tools that every equation needs are missing."""
    missing = [tool for tool in LATEX_TOOLS if shutil.which(tool) is None]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise SetupError(
            f"LaTeX is needed for the equations, but {' and '.join(missing)} {verb} not installed; {LATEX_INSTALL_HINT}"
        )


@dataclass(eq=False)
class Cue:
    """One subtitle cue: its wordings as the story said them, fullest first, and the one written."""

    wordings: tuple[str, ...]
    start: float
    written: str | None = None
    """The wording in the subtitle file, on one line, once the cue has ended; the file breaks it into lines."""

    @property
    def text(self) -> str:
        """The wording written, or the fullest while the cue is still on screen."""
        return self.written if self.written is not None else self.wordings[0]


class PhasedScene(Scene):
    """A scene told in timed phases; subclasses set ``PHASES`` and tell the story.

    In ``setup``, the story computes what it needs and then calls
    :meth:`start_timeline`. In ``construct``, each phase is a ``with
    self.phase(name):`` block of :meth:`beat` calls, with :meth:`say` for the
    subtitles and :meth:`pause_point` where a lecturer would stop to talk.

    It is a plain manim ``Scene``: nothing here reaches into manim. A story
    takes the speed-ups in at its leaf (``class Story(FastScene, PhasedScene)``,
    see ``manim_adapters``), which then answer the two hooks below,
    :meth:`typeset_formulas_first` and :meth:`split_at`, and use the name
    each play is given in ``play_cache_key``.
    """

    play_cache_key: str | None = None
    """What the next play's frames follow from, set before every play (see :meth:`_name_next_play`).

    Two plays with the same key render the same frames. Plain manim does not
    read it, and hashes the scene instead.
    """

    PHASES: dict[str, float] = {}
    """Phase name to seconds, in the order the phases play."""

    PROGRAM = "forward_pass"
    """The name that starts a one-line error."""

    # ------------------------------------------------------------------ the whole render

    def __init__(self, *args, **kwargs) -> None:
        # Before manim reads the preview setting: newer releases fix it when the scene is made.
        self._missing_opener = skip_preview_without_opener()
        super().__init__(*args, **kwargs)

    def render(self, preview: bool = False) -> bool:
        """Render the scene; where ``-p`` finds nothing to open the video with, say where it is instead.

        manim would end a good render in an error there; the preview is turned off
        before manim reads it, and the render exits 0.
        """
        missing = self._missing_opener or skip_preview_without_opener(preview)
        rerun = super().render(preview=preview and missing is None)
        if missing is not None and not rerun:
            sys.stderr.write(
                f"{self.PROGRAM}: {missing} not found, so nothing opens the video; it is at {self.output_path()}\n"
            )
            sys.stderr.flush()
        return rerun

    def output_path(self) -> Path:
        """The file this render writes, as manim's preview would open it."""
        writer = self.renderer.file_writer
        final = getattr(writer, "final_file_path", None)  # manim 0.22 names it
        if final is not None:
            path = Path(final)
        elif config.save_last_frame or not config.write_to_movie or config.format == "png":
            path = Path(writer.image_file_path)
        else:
            path = Path(writer.gif_file_path if config.format == "gif" else writer.movie_file_path)
        with suppress(ValueError):
            path = path.resolve().relative_to(Path.cwd().resolve())
        return path

    # ------------------------------------------------------------------ before the first frame

    @contextmanager
    def stop_on(self, *errors: type[BaseException]) -> Iterator[None]:
        """Turn ``errors`` into one line on stderr and exit status 2, before any frame is written."""
        try:
            yield
        except errors as error:
            sys.stderr.write(f"\n{self.PROGRAM}: error: {error}\n")
            sys.stderr.flush()
            raise SystemExit(2) from None

    def start_timeline(
        self,
        phase_names: Iterable[str],
        inputs: object,
        *,
        optional: Iterable[str] = (),
        stand_ins: Mapping[str, str] | None = None,
        formula_inputs: object = None,
    ) -> None:
        """Check ``PHASES`` against the phases the story plays, and fix every phase's frames.

        ``phase_names`` are the phases this story plays, in order; ``optional`` and
        ``stand_ins`` are passed on to :func:`~timeline.check_phases`: phases the
        table may name that are not played, and the entry a phase takes when it has
        none of its own. The video lasts the sum of the phases played.

        ``inputs`` is everything besides the code that the frames follow from (the
        data the story draws, say); with the code, the output format and the manim
        version, it names every play in manim's cache. Then every formula the
        story will ask for is typeset in one LaTeX run, so call this before the
        story builds its first formula. ``formula_inputs``, when given, is the
        part of ``inputs`` that the formulas follow from (not the colours or
        the words, say): a render that changes only the rest finds its formulas
        typeset already.
        """
        with self.stop_on(TimingError):
            self.phases = check_phases(self.PHASES, phase_names, optional=optional, stand_ins=stand_ins)
        self.fps = self.camera.frame_rate
        self.spans = phase_frame_spans(self.phases, self.fps)
        self.clock = PhaseClock(0)
        self._inputs_digest = inputs_digest(type(self), inputs)
        # What the formulas follow from is known now, before the story builds any.
        formulas = self._inputs_digest if formula_inputs is None else inputs_digest(type(self), formula_inputs)
        self.typeset_formulas_first(key=formulas)
        # A preview draws its later phases in a second process, where it can; a scene
        # that hears of every step (a deck) hears of them all in this one.
        if (later := later_half(self.phases)) and type(self).on_step_end is PhasedScene.on_step_end:
            self.split_at(later[0])
        self._phase_name: str | None = None
        self._beats = 0
        self._cue: Cue | None = None
        self._step_cues: list[Cue] = []
        self._step_start = 0.0
        self.step_cues: list[list[Cue]] = []
        """The cues of every finished step, in order."""

    # ------------------------------------------------------------------ hooks for the speed-ups

    def typeset_formulas_first(self, key: str | None = None) -> None:
        """Called once the inputs are known, before the story builds a formula; plain manim typesets each as asked."""

    def split_at(self, section: str) -> bool:
        """Offered the section where a second process could draw the rest; plain manim draws it all here."""
        return False

    # ------------------------------------------------------------------ phases and beats

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Run one phase: a new section, then beats that fill exactly its seconds."""
        self.next_section(name)
        start, end = self.spans[name]
        self.clock = PhaseClock(end - start)
        self._phase_name, self._beats = name, 0
        yield
        if self.clock.remaining:
            self._name_next_play(self.clock.remaining)
            self.wait(exact_run_time(self.clock.remaining, self.fps, "wait"))
            self.clock.used = self.clock.frames
        self._end_caption()
        self._end_step()

    def beat(self, *animations, share: float, **kwargs) -> None:
        """Play ``animations`` over ``share`` of the current phase."""
        frames = self.clock.take(share)
        self._name_next_play(frames)
        self.play(*animations, run_time=exact_run_time(frames, self.fps, "play"), **kwargs)

    def hold(self, share: float) -> None:
        """Hold the picture still for ``share`` of the current phase: time to read what is there."""
        frames = self.clock.take(share)
        self._name_next_play(frames)
        self.wait(exact_run_time(frames, self.fps, "wait"))

    def _name_next_play(self, frames: int) -> None:
        """Give the next play its cache key: what its frames follow from.

        Every phase starts from the same picture whatever the timings before it, and
        its beats depend only on its own frame budget. So the inputs' digest, the
        phase, the budget and the beat's place in it say exactly what a beat draws,
        and a timing edit re-renders only the phase it touched, without manim
        hashing the whole scene for every play.
        """
        start, end = self.spans[self._phase_name]
        phase = list(self.spans).index(self._phase_name)
        self.play_cache_key = f"fp{self._inputs_digest}_{phase}_{end - start}_{self._beats}_{frames}"
        self._beats += 1

    # ------------------------------------------------------------------ steps

    def pause_point(self) -> None:
        """End a step inside a phase: where a lecturer would stop to talk. The video does not change."""
        self._end_step()

    def on_step_end(self, captions: list[str]) -> None:
        """Called at the end of every step, with its cues in their fullest wording; a deck makes a slide of it.

        A cue still on screen is written when it ends, perhaps in a shorter
        wording: :meth:`step_subtitles` has them as written, once the story is told.
        """

    def step_subtitles(self) -> list[list[str]]:
        """The subtitles each finished step showed, in the wording the subtitle file has, each on one line.

        A render split in two processes (see :meth:`split_at`) has here only the steps of its first part.
        """
        return [[cue.text for cue in step] for step in self.step_cues]

    def _end_step(self) -> None:
        cues, self._step_cues = self._step_cues, []
        self.step_cues.append(cues)
        self._step_start = self.time
        if self._cue is not None:
            # A cue running on into the next step belongs to both.
            self._step_cues.append(self._cue)
        self.on_step_end([cue.wordings[0] for cue in cues])

    # ------------------------------------------------------------------ subtitles

    def say(self, text: str, *shorter: str) -> None:
        """Start a subtitle cue; it lasts until the next cue or the end of the phase.

        ``shorter`` are other wordings of ``text``, each shorter than the one
        before. When the cue ends, it is written in the first wording that can be
        read in the time it was on screen.
        """
        if self._cue is not None and self.time == self._step_start and self._step_cues == [self._cue]:
            # The cue carried into this step ends as the step begins, so the step never shows it.
            self._step_cues.clear()
        self._end_caption()
        self._cue = Cue((text, *shorter), self.time)
        self._step_cues.append(self._cue)

    def _end_caption(self) -> None:
        if self._cue is None:
            return
        cue, self._cue = self._cue, None
        if self.time > cue.start:
            cue.written = choose_wording(cue.wordings, self.time - cue.start)
            self.add_subcaption(cue_text(cue.written), duration=self.time - cue.start, offset=cue.start - self.time)


def later_half(phases: Mapping[str, float]) -> list[str]:
    """The last phases, whose seconds come closest to half of all, never all of them: what a second process draws."""
    seconds = list(phases.values())
    total = sum(seconds)
    cut = min(range(1, len(seconds) + 1), key=lambda index: abs(total - 2 * sum(seconds[:index])))
    return list(phases)[cut:]


def inputs_digest(scene_class: type, inputs: object) -> str:
    """A digest of everything a scene's frames follow from: its code, ``inputs``, the output format.

    The code is every module in this one's folder, at any depth (the languages
    among them), and the source file of every class the scene is made of, with
    each ``PHASES`` table left out: timings reach each play's key through its
    phase's frame budget, so that a timing edit keeps the other phases.
    """
    digest = hashlib.sha256()
    files = set(Path(__file__).resolve().parent.rglob("*.py"))
    # A subclass elsewhere (new timings, say) brings its own source file.
    for cls in scene_class.__mro__:
        if cls.__module__.split(".")[0] not in ("manim", "builtins"):
            with suppress(TypeError, OSError):
                files.add(Path(inspect.getfile(cls)).resolve())
    for path in sorted(files):
        source = path.read_text(encoding="utf-8")
        digest.update(path.name.encode() + b"\0")
        digest.update((without_phase_tables(source) if "PHASES" in source else source).encode())
    digest.update(
        repr(
            (
                inputs,
                config.pixel_width,
                config.pixel_height,
                config.frame_rate,
                str(config.background_color),
                config.tex_template.body,
                manim_version,
            )
        ).encode()
    )
    return digest.hexdigest()[:20]


def without_phase_tables(source: str) -> str:
    """``source`` with every class-level ``PHASES = ...`` assignment cut out."""
    lines = source.splitlines(keepends=True)
    cuts = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
                if any(isinstance(target, ast.Name) and target.id == "PHASES" for target in targets):
                    cuts.append((statement.lineno, statement.end_lineno))
    for first, last in sorted(cuts, reverse=True):
        del lines[first - 1 : last]
    return "".join(lines)
