"""Opening the finished video with ``manim -p``, where something can open it.

manim opens the video with ``xdg-open`` on Linux (``open`` on macOS, ``cygstart``
on Cygwin, or the program set as ``preview_command``) and, where that program is
missing, ends a good render in ``FileNotFoundError`` with exit status 1.
:func:`skip_preview_without_opener` turns manim's public ``preview`` and
``show_in_file_browser`` settings off when the opener is missing, before manim
reads them, so the render exits 0; the scene then says in one line where the video is.
"""

from __future__ import annotations

import platform
import shutil

from manim import config

__all__ = ["opener", "skip_preview_without_opener"]

OPENERS = {"Linux": "xdg-open", "Darwin": "open"}
"""The program manim runs to open a file, by ``platform.system()`` (0.19.1 to 0.22.0)."""


def opener(system: str | None = None) -> str | None:
    """The program that manim would run to open the video, or None where it needs none (Windows)."""
    system = system or platform.system()
    if system == "Windows":
        return None  # os.startfile, always there, whatever preview_command says
    if config.preview_command:
        return config.preview_command
    if system.startswith("CYGWIN"):
        return "cygstart"
    return OPENERS.get(system, "xdg-open")


def skip_preview_without_opener(preview: bool = False) -> str | None:
    """Turn the preview off when nothing can open the video; return the missing program's name, or None.

    ``preview`` is the argument given to ``Scene.render``, which asks for a preview
    as ``-p`` does. With neither asked for, or with the opener present, nothing changes.
    """
    if not (preview or config.preview or config.show_in_file_browser):
        return None
    program = opener()
    if program is None or shutil.which(program) is not None:
        return None
    config.preview = False
    config.show_in_file_browser = False
    return program
