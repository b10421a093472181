"""Every formula of a scene typeset in one LaTeX run, before the first frame.

manim typesets a formula when a mobject first asks for it: one ``latex`` and one
``dvisvgm`` process per formula, and on manim 0.19 one more pair per part of a
multi-part ``MathTex``. A first render of this scene starts some 65 pairs of
processes, about 0.2 s each. Here, before the first frame, the scene is
*rehearsed*: its ``setup`` and ``construct`` run with every ``play`` and
``wait`` left out, while each formula it asks for is noted and stood in for by a
placeholder. The noted formulas are then typeset as the pages of one document,
and one ``dvisvgm`` run writes each page as the SVG file that manim's cache
looks for. The render finds every formula there and starts no process.

A placeholder's size differs from the formula's, so a scene that lays out by
size may ask for other formulas once the real ones are known: the rehearsal is
repeated with the real ones until no placeholder is left. A formula still
missing after that, or one that LaTeX cannot typeset, is typeset by manim
itself, with manim's own error messages, as if none of this were here. When all
are typeset, a note in manim's ``Tex`` folder, named by what the formulas follow
from (the scene's code and inputs), lets later renders skip the rehearsal.

Nothing here decides what a formula's file is called or holds. During the
rehearsal, manim's own ``generate_tex_file`` writes each ``.tex`` file, under
the name and with the source that this manim release gives it (0.20 and later
mark the parts of a ``MathTex`` with ``dvisvgm`` specials in one source; 0.19
asks for each part apart). The shared document is that source's preamble with
the bodies one per page, and each page comes out as manim's own conversion of
the file writes it, up to the names of glyph definitions.

Relies on, each checked by :func:`check_prewarm` before use:

* ``SingleStringMathTex`` asking the module global
  ``manim.mobject.text.tex_mobject.tex_to_svg_file(expression, environment,
  tex_template)`` for every formula's SVG;
* ``tex_to_svg_file`` reusing an SVG file beside the ``.tex`` file that
  ``manim.utils.tex_file_writing.generate_tex_file(expression, environment,
  tex_template)`` names;
* ``make_tex_compilation_command(tex_compiler, output_format, tex_file,
  tex_dir)`` in the same module, for the compiler's command line;
* ``Scene(skip_animations=True)``, for a scene object that writes nothing;
* the two caches of mobjects that manim keeps between scenes,
  ``manim.mobject.text.numbers.string_to_mob_map`` (a ``DecimalNumber``'s
  digits) and ``manim.mobject.svg.svg_mobject.SVG_HASH_TO_MOB_MAP`` (each SVG
  file read): whatever the rehearsal built from a placeholder is taken out of
  them, so that the render draws nothing from a placeholder.
"""

from __future__ import annotations

import gc
import inspect
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from manim import Scene, config, logger, tempconfig
from manim.mobject.svg import svg_mobject
from manim.mobject.text import numbers, tex_mobject
from manim.utils import tex_file_writing

__all__ = [
    "SPEEDUP",
    "Formula",
    "FormulaWatch",
    "check_prewarm",
    "prewarm_formulas",
    "recorded_formulas",
    "typeset_together",
]

SPEEDUP = "one LaTeX run"

MAX_REHEARSALS = 3
"""Rehearsals at most: each one after the first replaces placeholders by real formulas."""

BEGIN = r"\begin{document}"
END = r"\end{document}"
RAW_SPECIAL = re.compile(r"\\special\{dvisvgm:raw (.*?)\}")
PAGE_ID = re.compile(r"<g id='page\d+'>")


@dataclass(frozen=True)
class Formula:
    """One formula that manim will look for: its ``.tex`` file, and how to typeset it."""

    tex_file: Path
    compiler: str
    output_format: str

    @property
    def svg_file(self) -> Path:
        return self.tex_file.with_suffix(".svg")


def _parameter_names(function: Callable) -> list[str] | None:
    try:
        return list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return None


_sources: dict[object, str] = {}


def source_of(function: Callable) -> str:
    """The source of ``function``, or "" where Python cannot find it (every check then fails).

    Kept for each function object: a function replaced by another is read anew.
    """
    try:
        return _sources[function]
    except (KeyError, TypeError):
        pass
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        source = ""
    with suppress(TypeError):
        _sources[function] = source
    return source


def check_prewarm() -> str | None:
    """Why the formulas cannot be typeset together on this manim, or None if they can."""
    if not callable(getattr(tex_mobject, "tex_to_svg_file", None)):
        return "manim.mobject.text.tex_mobject no longer imports tex_to_svg_file"
    if "tex_to_svg_file(" not in source_of(tex_mobject.SingleStringMathTex.__init__):
        return "SingleStringMathTex no longer asks tex_to_svg_file for its SVG"
    generate = getattr(tex_file_writing, "generate_tex_file", None)
    if generate is None or _parameter_names(generate) != ["expression", "environment", "tex_template"]:
        return "generate_tex_file(expression, environment, tex_template) has another signature"
    to_svg = getattr(tex_file_writing, "tex_to_svg_file", None)
    if to_svg is None or not all(
        part in source_of(to_svg) for part in ("generate_tex_file(", 'with_suffix(".svg")', ".exists()")
    ):
        return "tex_to_svg_file no longer reuses the SVG file beside generate_tex_file's .tex file"
    command = getattr(tex_file_writing, "make_tex_compilation_command", None)
    if command is None or _parameter_names(command) != ["tex_compiler", "output_format", "tex_file", "tex_dir"]:
        return "make_tex_compilation_command(tex_compiler, output_format, tex_file, tex_dir) has another signature"
    if "skip_animations" not in (_parameter_names(Scene.__init__) or []):
        return "Scene() no longer takes skip_animations"
    for module, name in ((numbers, "string_to_mob_map"), (svg_mobject, "SVG_HASH_TO_MOB_MAP")):
        if not isinstance(getattr(module, name, None), dict):
            return f"{module.__name__}.{name} is gone: a placeholder could stay in a cache manim keeps"
    return None


# ---------------------------------------------------------------------- noting the formulas


_placeholders = iter(range(1, 1 << 62))


def _placeholder(expression: str, folder: Path) -> Path:
    """An SVG that stands in for a formula: a bar about as wide as the formula is long.

    The raw ``dvisvgm`` specials of the expression (manim 0.20 and later mark the
    parts of a ``MathTex`` with them) are kept, each part with a bar of its own,
    so the mobject has the parts that manim looks for.
    """
    pieces = RAW_SPECIAL.split(expression)
    body = []
    x = 0.0
    for index, piece in enumerate(pieces):
        if index % 2:
            body.append(piece)
            continue
        width = 2.0 + 4.0 * len(piece.strip())
        if piece.strip():
            body.append(f"<path d='M{x:g} 0h{width:g}v8h-{width:g}z'/>")
            x += width
    if not any(part.startswith("<path") for part in body):
        body.append("<path d='M0 0h4v8h-4z'/>")
        x = max(x, 4.0)
    # A name never used before: manim keeps each SVG file it has read, by its name.
    path = folder / f"placeholder{next(_placeholders)}.svg"
    path.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f"<svg version='1.1' xmlns='http://www.w3.org/2000/svg' width='{x:g}pt' height='8pt' "
        f"viewBox='0 0 {x:g} 8'>\n<g id='page1'>\n{''.join(body)}\n</g>\n</svg>\n",
        encoding="utf-8",
    )
    return path


@dataclass
class Notes:
    """What a rehearsal asked for: every formula's ``.tex`` file, and those without an SVG file yet."""

    seen: set[Path] = field(default_factory=set)
    missing: dict[Path, Formula] = field(default_factory=dict)


def _template(tex_template):
    """The template a formula is typeset with: its own, or manim's."""
    return tex_template if tex_template is not None else config["tex_template"]


@contextmanager
def recorded_formulas(folder: Path) -> Iterator[Notes]:
    """Within the block, note every formula a mobject asks for; stand in for each one not yet typeset.

    manim's ``generate_tex_file`` writes each one's ``.tex`` file, as it would for
    the render, and a formula with no SVG file yet gets a placeholder from
    ``folder`` instead.
    """
    notes = Notes()
    original = tex_mobject.tex_to_svg_file

    def note(expression, environment=None, tex_template=None):
        template = _template(tex_template)
        tex_file = tex_file_writing.generate_tex_file(expression, environment, template)
        notes.seen.add(tex_file)
        svg_file = tex_file.with_suffix(".svg")
        if svg_file.exists():
            return svg_file
        compilers = template.tex_compiler
        compiler = compilers if isinstance(compilers, str) else (compilers[0] if len(compilers) == 1 else "")
        notes.missing.setdefault(tex_file, Formula(tex_file, compiler, template.output_format))
        return _placeholder(expression, folder)

    tex_mobject.tex_to_svg_file = note
    try:
        yield notes
    finally:
        tex_mobject.tex_to_svg_file = original


def _rehearse(scene_class: type[Scene], placeholders: Path) -> None:
    """Run the scene's ``setup`` and ``construct`` with every ``play`` and ``wait`` left out, writing nothing.

    What the scene builds, formulas included, is built; what it plays is not.
    A scene that chose its formulas by what an animation left on screen would
    ask for others in the render, and manim would typeset those itself.
    """

    class Rehearsal(scene_class):
        tex_in_one_run = False

        def play(self, *animations, **kwargs) -> None:
            pass

        def wait(self, *args, **kwargs) -> None:
            pass

        def next_section(self, *args, **kwargs) -> None:
            pass

        def add_subcaption(self, *args, **kwargs) -> None:
            pass

        def on_step_end(self, captions) -> None:  # a live presentation must not hear of a rehearsal
            pass

    Rehearsal.__name__ = Rehearsal.__qualname__ = scene_class.__name__
    # DecimalNumber keeps each digit it has built, and SVGMobject each SVG file it has
    # read: no placeholder may outlive the rehearsal there.
    digits = dict(numbers.string_to_mob_map)
    svgs = set(svg_mobject.SVG_HASH_TO_MOB_MAP)
    level = logger.level
    logger.setLevel("ERROR")
    scene = None
    try:
        with tempconfig({"dry_run": True, "progress_bar": "none"}):
            scene = Rehearsal(skip_animations=True)
            scene.setup()
            scene.construct()
    finally:
        logger.setLevel(level)
        numbers.string_to_mob_map.clear()
        numbers.string_to_mob_map.update(digits)
        for key in set(svg_mobject.SVG_HASH_TO_MOB_MAP) - svgs:
            if placeholders in Path(getattr(svg_mobject.SVG_HASH_TO_MOB_MAP[key], "file_name", "")).parents:
                del svg_mobject.SVG_HASH_TO_MOB_MAP[key]
        # The rehearsed scene and its renderer refer to each other: free them before the render begins.
        del scene
        gc.collect()


# ---------------------------------------------------------------------- typesetting them together


def _split(source: str) -> tuple[str, str] | None:
    """A ``.tex`` file's preamble (up to and with ``begin{document}``) and its body, or None."""
    start = source.find(BEGIN)
    end = source.rfind(END)
    if start < 0 or end < start or source.count(BEGIN) != 1:
        return None
    return source[: start + len(BEGIN)], source[start + len(BEGIN) : end]


def _pages_written(log_file: Path) -> int | None:
    try:
        log = log_file.read_text(errors="replace")
    except OSError:
        return None
    # TeX breaks the lines of its log at 79 characters, a long file name too.
    match = re.search(r"Output written on .*?\((\d+) pages?", log.replace("\n", ""))
    return int(match.group(1)) if match else None


def typeset_together(formulas: list[Formula]) -> int:
    """Typeset ``formulas`` in one LaTeX run per preamble and compiler; return how many SVG files were written.

    A group that fails in any way (a formula LaTeX rejects, say) writes nothing,
    and manim typesets its formulas one by one, with its own error messages.
    """
    groups: dict[tuple[str, str, str], list[tuple[Formula, str]]] = {}
    for formula in formulas:
        if formula.svg_file.exists() or formula.output_format not in (".dvi", ".xdv") or not formula.compiler:
            continue
        parts = _split(formula.tex_file.read_text(encoding="utf-8"))
        if parts is not None:
            preamble, body = parts
            groups.setdefault((preamble, formula.compiler, formula.output_format), []).append((formula, body))
    written = 0
    for (preamble, compiler, output_format), members in groups.items():
        # Beside the Tex folder, not in it: manim deletes whatever is neither .tex nor .svg
        # there, and would stumble on a folder; on the same disk, the SVG files move at once.
        media = members[0][0].tex_file.parent.parent
        with tempfile.TemporaryDirectory(prefix="formulas-together-", dir=media) as work:
            written += _typeset_group(Path(work), preamble, compiler, output_format, members)
    return written


def _typeset_group(work: Path, preamble: str, compiler: str, output_format: str, members) -> int:
    document = work / "formulas.tex"
    pages = "\n\\newpage\n".join(body for _, body in members)
    document.write_text(f"{preamble}{pages}{END}\n", encoding="utf-8")
    command = tex_file_writing.make_tex_compilation_command(compiler, output_format, document, work)
    if subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
        return 0
    if _pages_written(document.with_suffix(".log")) != len(members):
        return 0  # a formula took no page or more than one: the pages cannot be told apart
    dvisvgm = [
        "dvisvgm",
        f"--page=1-{len(members)}",
        "--no-fonts",
        "--verbosity=0",
        f"--output={(work / '%p.svg').as_posix()}",
        document.with_suffix(output_format).as_posix(),
    ]
    subprocess.run(dvisvgm, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    digits = len(str(len(members)))
    svgs = [work / f"{page:0{digits}d}.svg" for page in range(1, len(members) + 1)]
    if not all(svg.is_file() for svg in svgs):
        return 0
    for (formula, _), svg in zip(members, svgs):
        # As dvisvgm names the only page of a file of its own.
        svg.write_text(PAGE_ID.sub("<g id='page1'>", svg.read_text(encoding="utf-8"), count=1), encoding="utf-8")
        svg.replace(formula.svg_file)
    return len(members)


# ---------------------------------------------------------------------- the whole


def _manifest(key: str) -> Path:
    return config.get_dir("tex_dir") / f"formulas-{key}.txt"


def _write_note(manifest: Path, tex_files: set[Path]) -> None:
    """Write the note of a scene's formulas whole or not at all: beside it first, then moved over it."""
    staged = manifest.with_name(f".writing-{manifest.name}")  # the cache check removes it if a render stops here
    staged.write_text("".join(f"{path.name}\n" for path in sorted(tex_files)), encoding="utf-8")
    staged.replace(manifest)


def _all_typeset(manifest: Path) -> bool:
    """Whether the formulas a manifest lists all have their SVG file."""
    try:
        names = manifest.read_text(encoding="utf-8").split()
    except OSError:
        return False
    return bool(names) and all((manifest.parent / name).with_suffix(".svg").is_file() for name in names)


def prewarm_formulas(
    scene_class: type[Scene],
    report: Callable[[str, str], None],
    key: str | None = None,
    *,
    rehearse_again: bool = True,
) -> int:
    """Typeset every formula ``scene_class`` will ask for in one LaTeX run; return how many were typeset.

    ``key``, when given, names everything the scene's formulas follow from (its
    code and inputs): a scene whose formulas were all typeset under the same key
    is not rehearsed again. ``report(speedup, reason)`` hears, once, why this
    could not be done; the render then goes on, and manim typesets each formula
    itself.

    After formulas were typeset, the scene is rehearsed again with them, to find
    any that their real sizes call for and to note the key; with
    ``rehearse_again`` False it is not, and the render that follows does both
    (see :class:`FormulaWatch`).
    """
    if key is not None and _all_typeset(_manifest(key)):
        return 0
    if (reason := check_prewarm()) is not None:
        report(SPEEDUP, reason)
        return 0
    if shutil.which("dvisvgm") is None:
        return 0  # the scene's own check says what to install
    typeset = 0
    with tempfile.TemporaryDirectory(prefix="forward-pass-placeholders-") as folder:
        for _ in range(MAX_REHEARSALS):
            with recorded_formulas(Path(folder)) as notes:
                try:
                    _rehearse(scene_class, Path(folder))
                except SystemExit:
                    raise
                except Exception as error:  # noqa: BLE001 - the render itself will meet it, and say it properly
                    report(SPEEDUP, f"the scene could not be rehearsed ({type(error).__name__}: {error})")
                    return typeset
            if not notes.missing:
                if key is not None and notes.seen:
                    _write_note(_manifest(key), notes.seen)
                break
            done = typeset_together(list(notes.missing.values()))
            typeset += done
            if done < len(notes.missing) or not rehearse_again:
                break  # manim typesets the rest itself, and says what is wrong with them
    return typeset


class FormulaWatch:
    """Notes every formula a render asks for, and once the render is done, the key they follow from.

    What a second rehearsal would do, done by the render itself: a formula that
    the real sizes of the others call for, and that no rehearsal typeset, manim
    typesets as the render asks for it. When the render is through and every
    formula it asked for has its SVG file, the note under ``key`` lets later
    renders skip the rehearsal.
    """

    def __init__(self, key: str) -> None:
        self.key = key
        self.seen: set[Path] = set()
        self._original = tex_mobject.tex_to_svg_file
        tex_mobject.tex_to_svg_file = self._note

    def _note(self, expression, environment=None, tex_template=None):
        self.seen.add(tex_file_writing.generate_tex_file(expression, environment, _template(tex_template)))
        return self._original(expression, environment, tex_template)

    def stop(self, *, done: bool) -> bool:
        """Stop noting; if the render is ``done`` and every formula it asked for is typeset, note the key."""
        if tex_mobject.tex_to_svg_file == self._note:
            tex_mobject.tex_to_svg_file = self._original
        if not done or not self.seen or not all(path.with_suffix(".svg").is_file() for path in self.seen):
            return False
        _write_note(_manifest(self.key), self.seen)
        return True
