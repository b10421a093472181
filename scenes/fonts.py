"""The font for the words on screen: one that has every glyph, or a one-line reason why there is none.

Pango draws each character in the first font that has it, so a missing font
shows up as empty boxes in the video, not as an error. This module asks
fontconfig (``fc-list``, which Pango itself uses) before the first frame which
installed fonts have the glyphs of every string the scene will draw.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable

from languages import Language

__all__ = ["GENERIC_FAMILIES", "FontError", "choose_font", "families_covering", "glyphs_needed"]

GENERIC_FAMILIES = frozenset({"sans-serif", "sans", "serif", "monospace"})
"""Families that stand for whatever the system prefers; Pango fills in missing glyphs from other fonts."""

SHOWN_MISSING = 8
"""At most this many missing characters are named in the error."""


class FontError(RuntimeError):
    """No installed font can draw the words on screen; the message says how to install one."""


def glyphs_needed(texts: Iterable[str]) -> list[str]:
    """The characters beyond ASCII in ``texts``, in the order they first appear: the ones a font may lack."""
    return list(
        dict.fromkeys(
            character for text in texts for character in text if ord(character) > 127 and not character.isspace()
        )
    )


def families_covering(characters: Iterable[str]) -> set[str] | None:
    """The installed font families that have a glyph for every one of ``characters``.

    ``None`` when fontconfig's ``fc-list`` is not there to ask.
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    charset = " ".join(f"{ord(character):x}" for character in characters)
    try:
        result = subprocess.run(
            [fc_list, f":charset={charset}", "family"], capture_output=True, text=True, check=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    # A font may list several names for its family, comma-separated: its own and localised ones.
    return {name.strip() for line in result.stdout.splitlines() for name in line.split(",") if name.strip()}


def choose_font(language: Language, texts: Iterable[str]) -> str:
    """The first of ``language.fonts`` that can draw ``texts``, or :class:`FontError`.

    A named family must have every glyph itself; a generic family is enough when
    every glyph is in some installed font. Without ``fc-list`` nothing can be
    checked, and the first family is used.
    """
    needed = glyphs_needed(texts)
    if not needed:
        return language.fonts[0]
    covering = families_covering(needed)
    if covering is None:
        return language.fonts[0]
    for family in language.fonts:
        if family in covering:
            return family
        if family in GENERIC_FAMILIES and (covering or all(families_covering(c) for c in needed)):
            return family
    missing = [character for character in needed if not families_covering(character)]
    if not missing:
        raise FontError(
            f"none of the fonts for {language.name} ({', '.join(language.fonts)}) is installed; {language.font_hint}"
        )
    shown = "".join(missing[:SHOWN_MISSING]) + ("…" if len(missing) > SHOWN_MISSING else "")
    raise FontError(
        f"the {language.name} text on screen needs a font with glyphs for {shown}, "
        f"and no installed font has them; {language.font_hint}"
    )
