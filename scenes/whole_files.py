"""What a render leaves on disk is whole or absent, so that a stopped render never breaks a later one.

manim writes every file in place: a partial movie file, the final video, a
section's clip, the subtitles, a formula's or a text's SVG file. A render
stopped halfway (Ctrl-C, ``kill``, ``kill -9``, a closed laptop lid) leaves
the file it was writing half written under its final name, and the next render
takes it from the cache and fails (``InvalidDataError``, ManimCE #4216), or
the lecturer finds the earlier video gone. Two renders into one media folder
at once can read each other's half-written files. Three parts keep that from
happening:

* **One render at a time in a media folder** (:func:`one_render_at_a_time`).
  A render holds a lock on ``<media_dir>/.render.lock`` while it reads and
  writes there; a second render into the same folder waits for it, and says so
  in one line. The lock is the operating system's (``flock``): a render that is
  killed lets go of it as it dies. A dry run, which writes no video, takes no lock.
* **The cache checked before a render** (:func:`heal`). Under the lock, before
  anything is read, every file a render may take from the cache is checked for
  being whole, and one that is not is removed, so the render makes it again; one
  line says what is made again. What it checks: the scene's partial movie files
  and slide clips (an MP4's boxes must add up to the file, with its index), the
  formula and text SVG files (they end in ``</svg>``), a formula's ``.tex``
  source and ``.dvi``, the notes of which formulas a scene needs, and the kept
  parses (see ``parsed_svgs``, which also remakes one it cannot read). The
  folders a stopped render worked in are removed.
* **The videos written beside, then moved into place**
  (:class:`WholeFilesWriter`). Each partial movie file is written under a
  hidden name beside its own and moved to it once its play is encoded and
  closed, so a file under its name is always whole. The final video, its
  subtitles, the sections' clips and their index are written into a folder
  beside them, and moved over the earlier ones only once all are complete, the
  video last, with Ctrl-C and ``kill`` held back for those few renames. A
  render stopped before then leaves the earlier video, subtitles and clips as
  they were, byte for byte. On manim 0.19, a render stopped by Ctrl-C in the
  middle of a play also lets the encoder's thread end, where the process used
  to hang after "Aborted!".

Only the last reaches into manim. It relies on, checked by
:func:`check_whole_outputs` before use:

* a partial movie file being opened either by ``_create_segment_encoder(target)``
  (an encoder with ``write_frame``, ``finish`` and ``abort``; manim 0.22) or by
  ``open_partial_movie_stream(file_path)``, which keeps it as
  ``partial_movie_file_path`` and opens it with ``av.open(file_path, mode="w")``,
  and ``close_partial_movie_stream()`` closing it (0.19);
* ``SceneFileWriter.finish()`` writing the final files, and taking their paths
  either from the writer's ``output_plan`` (a dataclass with
  ``primary_artifact``, ``sections_dir``, ``section_index`` and
  ``subcaption_file``; 0.22) or from its attributes ``movie_file_path``,
  ``gif_file_path`` and ``sections_output_dir``, the subtitles following
  ``config.output_file``, which ``print_file_ready_message(file_path)`` sets
  (0.19).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from manim import config, logger
from manim.scene.scene_file_writer import SceneFileWriter

from parsed_svgs import OLDER_SUFFIXES, SUFFIX, is_whole_parse
from tex_prewarm import source_of

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

__all__ = [
    "LOCK_NAME",
    "STAGING_PREFIX",
    "WholeFilesWriter",
    "check_whole_outputs",
    "heal",
    "is_whole_movie",
    "one_render_at_a_time",
    "writes_a_video",
]

SAFEGUARD = "files moved into place whole"
"""This safeguard's name in the registry (``speedups.SAFEGUARDS``)."""

LOCK_NAME = ".render.lock"
"""The file in the media folder that a render holds locked."""

STAGING_PREFIX = ".writing-"
"""The folder, beside the final video, where a render writes its finished files before moving them into place."""

MOVIE_SUFFIXES = (".mp4", ".mov", ".m4v")
"""The files whose wholeness :func:`is_whole_movie` can tell (ISO base media files); others are left as they are."""


# ---------------------------------------------------------------------- one render at a time

_held: dict[Path, list[int]] = {}
"""The lock file of each media folder this process holds: ``[fd, depth]``."""


def _holder(fd: int) -> str:
    with suppress(OSError):
        text = os.pread(fd, 300, 0).decode("utf-8", "replace").strip()
        if text:
            return text
    return "another process"


@contextmanager
def one_render_at_a_time(media_dir: Path, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the lock of ``media_dir`` for the block; if another render holds it, ``say`` so in one line and wait.

    A process may take the lock again inside the block (a deck's render inside
    the deck's own block); a process forked inside it holds it with this one.
    """
    folder = Path(media_dir).resolve()
    if folder in _held:
        _held[folder][1] += 1
        try:
            yield
        finally:
            _held[folder][1] -= 1
        return
    if fcntl is None:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for the render into {_shown(folder)} to end ({_holder(fd)})")
            fcntl.flock(fd, fcntl.LOCK_EX)
        program = Path(sys.argv[0]).parent.name if sys.argv[0].endswith("__main__.py") else Path(sys.argv[0]).name
        command = " ".join([program, *sys.argv[1:]])
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}: {command[:200]}\n".encode(), 0)
        _held[folder] = [fd, 1]
        yield
    finally:
        _held.pop(folder, None)
        os.close(fd)  # the lock goes with the last descriptor of it


def _shown(path: Path) -> str:
    with suppress(ValueError):
        return f"{path.relative_to(Path.cwd().resolve())}/"
    return f"{path}/"


# ---------------------------------------------------------------------- is it whole?


def is_whole_movie(path: Path) -> bool:
    """Whether an MP4 (or MOV) file is whole: its top-level boxes fill the file exactly, and hold the media and its index.

    A file cut short anywhere, or left empty, fails: a box runs past the end,
    or the index (``moov``), which the muxer writes last, is missing.
    """
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            position = 0
            kinds = set()
            while position < size:
                file.seek(position)
                header = file.read(16)
                if len(header) < 8:
                    return False
                length = int.from_bytes(header[:4], "big")
                kind = header[4:8]
                if length == 1:  # a 64-bit size follows
                    if len(header) < 16:
                        return False
                    length = int.from_bytes(header[8:16], "big")
                elif length == 0:  # to the end of the file
                    length = size - position
                if length < 8 or position + length > size:
                    return False
                kinds.add(kind)
                position += length
    except OSError:
        return False
    return {b"ftyp", b"moov", b"mdat"} <= kinds


def _tail(path: Path, count: int = 64) -> bytes:
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        file.seek(max(0, size - count))
        return file.read()


def _whole_svg(path: Path) -> bool:
    return _tail(path).rstrip().endswith(b"</svg>")


def _whole_tex(path: Path) -> bool:
    return _tail(path).rstrip().endswith(b"\\end{document}")


def _whole_dvi(path: Path) -> bool:
    # A DVI (or XDV) file ends with its postamble, padded with at least four bytes 223.
    return _tail(path, 4) == b"\xdf" * 4


def _whole_notes(path: Path) -> bool:
    text = path.read_bytes()
    return text.endswith(b"\n") and all(line.endswith(b".tex") for line in text.splitlines())


# ---------------------------------------------------------------------- healing the cache

_KINDS = {
    # folder role, suffix: (what it is called, whether it is whole)
    ("movies", ".mp4"): ("partial movie file", is_whole_movie),
    ("movies", ".mov"): ("partial movie file", is_whole_movie),
    ("movies", ".m4v"): ("partial movie file", is_whole_movie),
    ("formulas", ".svg"): ("formula SVG", _whole_svg),
    ("formulas", ".tex"): ("formula source", _whole_tex),
    ("formulas", ".dvi"): ("formula DVI", _whole_dvi),
    ("formulas", ".xdv"): ("formula DVI", _whole_dvi),
    ("formulas", ".txt"): ("note of a scene's formulas", _whole_notes),
    ("formulas", SUFFIX): ("kept parse", is_whole_parse),
    ("texts", ".svg"): ("text SVG", _whole_svg),
    ("texts", SUFFIX): ("kept parse", is_whole_parse),
}

_LEFT_BEHIND = {
    # folder role: names of what a stopped render worked in, removed whole
    "formulas": (".process-", ".parsed-", STAGING_PREFIX),
    "texts": (".process-", ".parsed-", STAGING_PREFIX),
    "media": ("formulas-together-",),
    "videos": (STAGING_PREFIX,),
    "movies": (STAGING_PREFIX,),
}


def heal(
    *,
    media: Path,
    formulas: Path,
    texts: Path,
    movies: Iterable[Path] = (),
    videos: Iterable[Path] = (),
) -> Counter:
    """Remove every file of the cache that is not whole, and what a stopped render worked in; count what was removed.

    Call it while holding the lock of the media folder (:func:`one_render_at_a_time`),
    before the render reads anything. ``movies`` are folders of cached clips
    (the scene's partial movie files, its slides' clips); ``videos`` the folders
    its final video goes to.
    """
    removed: Counter = Counter()
    folders = [("media", Path(media)), ("formulas", Path(formulas)), ("texts", Path(texts))]
    folders += [("movies", Path(folder)) for folder in movies]
    folders += [("videos", Path(folder)) for folder in videos]
    for role, folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith(_LEFT_BEHIND.get(role, ())):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    with suppress(OSError):
                        os.unlink(entry.path)
                continue
            suffix = os.path.splitext(name)[1]
            if role in ("formulas", "texts") and suffix in OLDER_SUFFIXES:
                with suppress(OSError):
                    os.unlink(entry.path)  # a kept parse of an earlier format, never read again
                continue
            kind = _KINDS.get((role, suffix))
            if kind is None or (role == "formulas" and name.endswith(".txt") and not name.startswith("formulas-")):
                continue
            label, whole = kind
            try:
                if not entry.is_file(follow_symlinks=False) or whole(Path(entry.path)):
                    continue
            except OSError:
                continue
            with suppress(OSError):
                os.unlink(entry.path)
                removed[label] += 1
    return removed


def describe(removed: Counter) -> str:
    """``removed`` in words: ``1 partial movie file, 2 text SVGs``."""
    return ", ".join(f"{count} {label}{'' if count == 1 else 's'}" for label, count in removed.items())


# ---------------------------------------------------------------------- finished files, whole


def _form_of_writer(writer_class: type) -> str | None:
    """``"plan"`` (manim 0.22), ``"attributes"`` (0.19), or None for a file writer not known here."""
    init = source_of(writer_class.__init__)
    subtitles = source_of(writer_class.write_subcaption_file)
    sections = source_of(writer_class.combine_to_section_videos)
    if "self.output_plan" in init and "self.output_plan.subcaption_file" in subtitles:
        if "self.output_plan.section_index" in sections:
            return "plan"
        return None
    directories = source_of(getattr(writer_class, "init_output_directories", lambda: None))
    ready = source_of(writer_class.print_file_ready_message)
    if (
        all(f"self.{name} =" in directories for name in ("movie_file_path", "gif_file_path", "sections_output_dir"))
        and "config.output_file" in subtitles
        and 'config["output_file"] = file_path' in ready
        and "self.sections_output_dir" in sections
    ):
        return "attributes"
    return None


_PLAN_FIELDS = {"primary_artifact", "sections_dir", "section_index", "subcaption_file"}


def _partial_form_of_writer(writer_class: type) -> str | None:
    """How a partial movie file is opened: ``"encoder"`` (manim 0.22), ``"stream"`` (0.19), or None if not known here."""
    opening = source_of(writer_class.open_partial_movie_stream)
    if "self._create_segment_encoder(file_path)" in opening and hasattr(writer_class, "_create_segment_encoder"):
        return "encoder"
    closing = source_of(getattr(writer_class, "close_partial_movie_stream", lambda: None))
    if (
        "self.partial_movie_file_path = file_path" in opening
        and 'av.open(file_path, mode="w")' in opening
        and "self.video_container.close()" in closing
    ):
        return "stream"
    return None


def _partial_form() -> str | None:
    try:
        return _partial_form_of_writer(SceneFileWriter)
    except (AttributeError, TypeError):
        return None


def _form() -> str | None:
    """The form of manim's own file writer here (see :func:`_form_of_writer`)."""
    try:
        return _form_of_writer(SceneFileWriter)
    except (AttributeError, TypeError):
        return None


def check_whole_outputs() -> str | None:
    """Why the finished files cannot be moved into place whole on this manim, or None if they can."""
    form = _form()
    if form is None:
        return "SceneFileWriter writes its final files in a way not known here"
    if _partial_form() is None:
        return "SceneFileWriter opens a partial movie file in a way not known here"
    if form == "plan":
        try:
            from manim._config.output_plan import OutputPlan
        except ImportError:
            return "manim's OutputPlan is gone"
        if (
            not dataclasses.is_dataclass(OutputPlan)
            or not {f.name for f in dataclasses.fields(OutputPlan)} >= _PLAN_FIELDS
        ):
            return "manim's OutputPlan no longer names the final files in the fields known here"
    return None


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back Ctrl-C and ``kill`` (SIGINT, SIGTERM) for the block, then take them as they came."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    before = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        before[number] = signal.signal(number, lambda received, frame: caught.append(received))
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
        for number in caught[:1]:
            signal.raise_signal(number)


class _Stage:
    """The folder a render writes its finished files into, and where each goes once all are complete."""

    def __init__(self, writer: SceneFileWriter, form: str) -> None:
        self.writer = writer
        self.form = form
        self.folder: Path | None = None
        self.finals: dict[Path, Path] = {}
        """Staged path (a file or a folder) to its final place."""
        self._saved: dict[str, object] = {}

    def begin(self) -> None:
        writer = self.writer
        if self.form == "plan":
            plan = writer.output_plan
            movie = Path(plan.primary_artifact)
        else:
            movie = Path(writer.movie_file_path)
        self.folder = movie.parent / f"{STAGING_PREFIX}{os.getpid()}"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        staged_sections = self.folder / "sections"
        if self.form == "plan":
            changes = {"primary_artifact": self.folder / movie.name}
            self.finals[changes["primary_artifact"]] = movie
            if plan.subcaption_file is not None:
                changes["subcaption_file"] = self.folder / Path(plan.subcaption_file).name
                self.finals[changes["subcaption_file"]] = Path(plan.subcaption_file)
            if plan.sections_dir is not None:
                changes["sections_dir"] = staged_sections
                self.finals[staged_sections] = Path(plan.sections_dir)
                if plan.section_index is not None:
                    index = Path(plan.section_index)
                    try:
                        changes["section_index"] = staged_sections / index.relative_to(plan.sections_dir)
                    except ValueError:
                        changes["section_index"] = self.folder / f"index-{index.name}"
                        self.finals[changes["section_index"]] = index
            self._saved["output_plan"] = plan
            writer.output_plan = dataclasses.replace(plan, **changes)
        else:
            for name in ("movie_file_path", "gif_file_path"):
                if name in vars(writer):
                    final = Path(getattr(writer, name))
                    self._saved[name] = getattr(writer, name)
                    setattr(writer, name, self.folder / final.name)
                    self.finals[self.folder / final.name] = final
                    # The subtitles follow the video's name (see print_file_ready_message).
                    self.finals[self.folder / final.with_suffix(".srt").name] = final.with_suffix(".srt")
            if config.save_sections and "sections_output_dir" in vars(writer):
                self._saved["sections_output_dir"] = writer.sections_output_dir
                staged_sections.mkdir()
                writer.sections_output_dir = staged_sections
                self.finals[staged_sections] = Path(self._saved["sections_output_dir"])

    def final_of(self, path) -> Path:
        path = Path(path)
        for staged, final in self.finals.items():
            if path == staged:
                return final
            with suppress(ValueError):
                return final / path.relative_to(staged)
        return path

    def restore(self) -> None:
        """Point the writer at the final places again."""
        for name, value in self._saved.items():
            setattr(self.writer, name, value)
        self._saved.clear()

    def publish(self) -> None:
        """Move every staged file into its final place, the videos last, with Ctrl-C and ``kill`` held back."""
        moves: list[tuple[Path, Path]] = []
        for staged, final in self.finals.items():
            if staged.is_dir():
                moves += [
                    (file, final / file.relative_to(staged)) for file in sorted(staged.rglob("*")) if file.is_file()
                ]
            elif staged.is_file():
                moves.append((staged, final))
        # Clips and their index first, the subtitles, then the video: a reader who finds
        # the new video finds everything that goes with it.
        moves.sort(
            key=lambda move: move[1].suffix in MOVIE_SUFFIXES + (".gif", ".webm") and move[0].parent == self.folder
        )
        with _signals_held():
            for staged, final in moves:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, final)
        self.discard()

    def discard(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _staged_name(final: Path) -> Path:
    """Where a file is written before it is moved to ``final``: beside it, hidden, with the same suffix."""
    return final.with_name(f"{STAGING_PREFIX}{os.getpid()}-{final.name}")


class _MovedWhenFinished:
    """manim 0.22's encoder of one partial movie file, writing it under a staged name, and moving it into place once closed."""

    def __init__(self, encoder, final: Path) -> None:
        self._encoder = encoder
        self._staged = Path(encoder.target)
        self.target = final
        """As manim names the file it waits for, and logs."""

    def __getattr__(self, name: str):
        return getattr(self._encoder, name)

    def write_frame(self, *args, **kwargs) -> None:
        self._encoder.write_frame(*args, **kwargs)

    def finish(self) -> None:
        self._encoder.finish()
        os.replace(self._staged, self.target)

    def abort(self) -> None:
        self._encoder.abort()  # removes the staged file


class _FinalNames(logging.Filter):
    """Name the final places, not the staged ones, in what manim logs while it writes the finished files."""

    def __init__(self, stage: _Stage) -> None:
        super().__init__()
        self.stage = stage

    def _final(self, text: str) -> str:
        for staged, final in sorted(self.stage.finals.items(), key=lambda item: -len(str(item[0]))):
            text = text.replace(str(staged), str(final))
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self._final(record.msg)
        if isinstance(record.args, dict):
            record.args = {
                key: self._final(value) if isinstance(value, str) else value for key, value in record.args.items()
            }
        return True


class WholeFilesWriter(SceneFileWriter):
    """manim's file writer, writing the final video, subtitles and clips beside them, and moving them into place whole.

    Made by :func:`writer_class` over the writer a scene uses; where
    :func:`check_whole_outputs` finds the writer not as expected, it writes as
    manim does, and one line says so.
    """

    _stage: _Stage | None = None

    def finish(self) -> None:
        if not writes_a_video(self) or check_whole_outputs() is not None:
            return super().finish()
        self._stage = stage = _Stage(self, _form())
        named = _FinalNames(stage)
        logger.addFilter(named)
        try:
            stage.begin()
            super().finish()
        except BaseException:
            stage.restore()
            stage.discard()
            raise
        finally:
            logger.removeFilter(named)
            self._stage = None
        stage.restore()
        stage.publish()
        if stage.form == "attributes" and config.output_file:
            config.output_file = str(stage.final_of(config.output_file))

    # ------------------------------------------------------------------ partial movie files

    def open_partial_movie_stream(self, *args, **kwargs) -> None:
        # manim 0.19: the stream opens the file it is given; it is given the staged name.
        if _partial_form() != "stream":
            return super().open_partial_movie_stream(*args, **kwargs)
        file_path = args[0] if args else kwargs.pop("file_path", None)
        if file_path is None:
            file_path = self.partial_movie_files[self.renderer.num_plays]
        final = Path(file_path)
        self._partial = (_staged_name(final), final)
        super().open_partial_movie_stream(self._partial[0])

    def close_partial_movie_stream(self) -> None:
        partial, self._partial = getattr(self, "_partial", None), None
        if partial is None:
            return super().close_partial_movie_stream()
        staged, final = partial
        self.partial_movie_file_path = final  # as manim logs it
        super().close_partial_movie_stream()
        os.replace(staged, final)

    def _create_segment_encoder(self, target):
        # manim 0.22: an encoder writes each partial movie file; it is given the staged name.
        if _partial_form() != "encoder":
            return super()._create_segment_encoder(target)
        final = Path(target)
        return _MovedWhenFinished(super()._create_segment_encoder(_staged_name(final)), final)

    def end_open_stream(self) -> None:
        """After a render stopped in the middle of a play: let the encoder's thread end, so that the process can.

        manim 0.19 encodes a play's frames in a thread that waits for the next
        frame until the play ends; a render stopped by Ctrl-C in between left it
        waiting, and the process hung after "Aborted!". The file it was writing
        is left incomplete, and the next render makes it again. (manim 0.22 ends
        its encoders itself.)
        """
        thread, queue = vars(self).get("writer_thread"), vars(self).get("queue")
        if isinstance(thread, threading.Thread) and thread.is_alive() and hasattr(queue, "put"):
            with suppress(Exception):
                queue.put((-1, None), timeout=5)

    def print_file_ready_message(self, file_path) -> None:
        stage = self._stage
        if stage is None:
            return super().print_file_ready_message(file_path)
        super().print_file_ready_message(stage.final_of(file_path))
        if stage.form == "attributes":
            # manim 0.19 writes the subtitles beside config.output_file, which this just set: beside the staged video.
            config["output_file"] = str(file_path)


def writes_a_video(writer: SceneFileWriter) -> bool:
    """Whether ``writer`` writes a video (not a dry run, not stills alone)."""
    spec = getattr(writer, "output_spec", None)  # manim 0.22
    if spec is not None:
        return bool(spec.is_video)
    return bool(getattr(config, "write_to_movie", False))  # a dry run sets it False


_classes: dict[type, type] = {}


def writer_class(base: type[SceneFileWriter]) -> type[SceneFileWriter]:
    """``base`` with :class:`WholeFilesWriter` before it."""
    if issubclass(base, WholeFilesWriter):
        return base
    if base not in _classes:
        _classes[base] = type(f"Whole{base.__name__}", (WholeFilesWriter, base), {})
    return _classes[base]
