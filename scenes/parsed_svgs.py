"""What manim parsed from an SVG file kept beside the file, so that a later render does not parse it again.

Every formula and every text on screen is an SVG file that manim turns into
mobjects: ``svgelements`` reads the file, and manim builds a mobject for every
group and path in it, point by point, in Python. A warm -ql render of this scene
spends about a seventh of its time there, on the very files the render before it
parsed. manim keeps what it parsed only in memory, and only for the rest of the
render.

Here manim's ``SVGMobject.generate_mobject`` is run as manim wrote it, except
for the reading: what ``get_mobjects_from`` made of the file is pickled the
first time, before anything else touches it, into a file beside the SVG, and a
later render unpickles it in place of reading the SVG. The lines that follow
in manim's method (adding the mobjects, keeping the table of groups by id where
manim has one, flipping the y axis) run on it as they would on a fresh parse,
so the result is the same object, attribute for attribute.

The stored file is named by a digest of everything the parse follows from: the
SVG's bytes, the class, its ``svg_default`` and ``path_string_config`` (what
manim's own cache key, ``hash_seed``, names besides the file), the renderer, and
the releases of manim, svgelements, numpy and Python. A changed file or setting
gets a new name, and an old one is never read. Only SVG files inside manim's
media folder (formulas and texts) and only manim's own classes are kept;
whatever cannot be stored or read back is parsed as manim would.

Relies on, checked by :func:`check_kept_parses` before use:
``SVGMobject.generate_mobject(self)`` being one of the three forms that manim
0.19 to 0.22 have (the code lines compared one by one), each reading the file,
passing the parsed SVG to ``self.get_mobjects_from(svg)``, and then only adding
its mobjects and flipping them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from contextlib import suppress
from importlib import metadata
from pathlib import Path

import numpy as np
from manim import __version__ as manim_version
from manim import config
from manim.constants import RIGHT
from manim.mobject.svg import svg_mobject

from tex_prewarm import source_of

__all__ = ["check_kept_parses", "keep_parses", "stored_parse_path"]

SVGMobject = svg_mobject.SVGMobject

MANIM_GENERATE_MOBJECT = SVGMobject.generate_mobject
"""manim's own ``SVGMobject.generate_mobject``, as it was before anything here replaced it."""

_READING = (
    "file_path = self.get_file_path()",
    "element_tree = ET.parse(file_path)",
    "new_tree = self.modify_xml_tree(element_tree)",
    'modified_file_path = file_path.with_name(f"{file_path.stem}_{file_path.suffix}")',
    "new_tree.write(modified_file_path)",
    "svg = se.SVG.parse(modified_file_path)",
    "modified_file_path.unlink()",
)
_FORMS = {
    # manim 0.19: the mobjects alone
    (*_READING, "mobjects = self.get_mobjects_from(svg)", "self.add(*mobjects)", "self.flip(RIGHT)"): (False, False),
    # 0.20: with the table of groups by id
    (
        *_READING,
        "mobjects, mobject_dict = self.get_mobjects_from(svg)",
        "self.add(*mobjects)",
        "self.id_to_vgroup_dict = mobject_dict",
        "self.flip(RIGHT)",
    ): (True, False),
    # 0.21 and later: the same, returning self
    (
        *_READING,
        "mobjects, mobject_dict = self.get_mobjects_from(svg)",
        "self.add(*mobjects)",
        "self.id_to_vgroup_dict = mobject_dict",
        "self.flip(RIGHT)",
        "return self",
    ): (True, True),
}
"""The known forms of ``generate_mobject``, to (whether the parse gives a table of groups, whether it returns self)."""


def _code_lines(function) -> tuple[str, ...]:
    """The function's body, one statement a line, without its docstring, comments or type-checker notes."""
    lines = []
    in_docstring = False
    for raw in source_of(function).splitlines()[1:]:
        line = raw.strip()
        if line.startswith('"""'):
            in_docstring = not (in_docstring or (len(line) > 3 and line.endswith('"""')))
            continue
        if in_docstring:
            continue
        line = line.split("  #")[0].strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return tuple(lines)


def check_kept_parses() -> str | None:
    """Why parses cannot be kept on this manim, or None if they can."""
    generate = SVGMobject.generate_mobject
    if generate is _generate_keeping_the_parse:
        generate = MANIM_GENERATE_MOBJECT
    if _code_lines(generate) not in _FORMS:
        return "SVGMobject.generate_mobject reads an SVG file in a way not known here"
    return None


def _versions() -> str:
    try:
        svgelements = metadata.version("svgelements")
    except metadata.PackageNotFoundError:
        svgelements = "?"
    return f"manim {manim_version}, svgelements {svgelements}, numpy {np.__version__}, python {sys.version_info[:2]}"


_VERSIONS = _versions()


def stored_parse_path(mobject, file_path: Path) -> Path | None:
    """Where the parse of ``file_path`` for ``mobject`` is kept, or None if it is not kept at all."""
    cls = type(mobject)
    if not cls.__module__.startswith("manim."):
        return None
    try:
        path = Path(file_path).resolve()
        if not path.is_relative_to(Path(config.media_dir).resolve()):
            return None
        svg = path.read_bytes()
    except (OSError, ValueError):
        return None
    digest = hashlib.sha256()
    for part in (
        _VERSIONS,
        f"{cls.__module__}.{cls.__qualname__}",
        repr(mobject.svg_default),
        repr(mobject.path_string_config),
        repr(config.renderer),
    ):
        digest.update(part.encode() + b"\0")
    digest.update(svg)
    return path.with_name(f"{path.name}.{digest.hexdigest()[:20]}{SUFFIX}")


def _report(line: str) -> None:
    return None


def report_to(say: Callable[[str], None]) -> None:
    """Have ``say`` tell, in one line, of a kept parse that could not be read and is made again."""
    global _report
    _report = say


SUFFIX = ".kept"
"""A kept parse's file: the SVG file's name, a digest of what the parse follows from, and this."""

OLDER_SUFFIXES = (".parsed",)
"""Kept parses of an earlier format (without :data:`FOOTER`), never read again; the cache check removes them."""

FOOTER = b"parse-whole"
"""What ends a kept parse, after the length of the pickle before it (8 bytes): a file cut short lacks it."""


def is_whole_parse(path: Path) -> bool:
    """Whether a kept parse is whole: its footer is there, and names the length of what comes before it."""
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size < 8 + len(FOOTER):
                return False
            file.seek(size - 8 - len(FOOTER))
            tail = file.read()
    except OSError:
        return False
    return tail.endswith(FOOTER) and int.from_bytes(tail[:8], "big") == size - len(tail)


def _load(stored: Path):
    try:
        blob = stored.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        blob = b""
    end = len(blob) - 8 - len(FOOTER)
    try:
        if not (blob.endswith(FOOTER) and end >= 0 and int.from_bytes(blob[end : end + 8], "big") == end):
            raise ValueError("cut short")
        return pickle.loads(blob[:end])
    except Exception:  # noqa: BLE001 - a damaged or foreign file: parse again, and write it anew
        _report(f"found a kept parse that could not be read, and making it again: {stored.name}")
        return None


def _store(stored: Path, data: bytes) -> None:
    """Write ``data`` to ``stored`` whole or not at all: a render stopped halfway leaves no half file.

    The footer (:data:`FOOTER`) tells a whole file from one cut short by other means.
    """
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=stored.parent, prefix=".parsed-")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.write(len(data).to_bytes(8, "big") + FOOTER)
        os.replace(temporary, stored)
    except OSError:
        if temporary is not None:
            with suppress(OSError):
                os.unlink(temporary)


_form: tuple[bool, bool] = (False, False)
"""The form of manim's ``generate_mobject`` here, as :data:`_FORMS` gives it; set by :func:`keep_parses`."""


def _generate_keeping_the_parse(self):
    with_table, returns_self = _form
    stored = stored_parse_path(self, self.get_file_path())
    parsed = None if stored is None else _load(stored)
    if parsed is None:
        return _parse_and_keep(self, stored)
    # manim's own lines after the parse, on what it parsed before.
    if with_table:
        mobjects, mobject_dict = parsed
        self.add(*mobjects)
        self.id_to_vgroup_dict = mobject_dict
    else:
        self.add(*parsed)
    self.flip(RIGHT)
    return self if returns_self else None


def _parse_and_keep(self, stored: Path | None):
    if stored is None:
        return MANIM_GENERATE_MOBJECT(self)
    parse = self.get_mobjects_from
    kept: list[bytes] = []

    def get_mobjects_from(svg):
        parsed = parse(svg)
        # As parsed, before manim adds and flips it; what does not pickle is simply not kept.
        with suppress(Exception):
            kept.append(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
        return parsed

    self.get_mobjects_from = get_mobjects_from
    try:
        result = MANIM_GENERATE_MOBJECT(self)
    finally:
        del self.get_mobjects_from
    if kept:
        _store(stored, kept[0])
    return result


def keep_parses(patches) -> str | None:
    """Keep every parse beside its SVG file, until ``patches`` are undone.

    Returns why parses cannot be kept on this manim (manim's own method then
    stays), or None.
    """
    global _form
    if (reason := check_kept_parses()) is not None:
        return reason
    _form = _FORMS[_code_lines(MANIM_GENERATE_MOBJECT)]
    patches.set(SVGMobject, "generate_mobject", _generate_keeping_the_parse)
    return None
