"""What differs between the manim releases the scene is tested on, as the tests expect it."""

from __future__ import annotations

import re
import unicodedata

from manim import __version__

__all__ = ["MANIM_VERSION", "section_file_stem"]

MANIM_VERSION = tuple(int(part) for part in re.findall(r"\d+", __version__)[:3])


def section_file_stem(name: str) -> str:
    """How manim names a section's clip after the section: as is up to 0.21, slugified from 0.22."""
    if MANIM_VERSION < (0, 22, 0):
        return name
    return re.sub(r"[^\w]+", "-", unicodedata.normalize("NFKC", name)).strip("-_") or "section"
