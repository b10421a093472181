"""``manim -p``: the preview is turned off only where nothing can open the video."""

from __future__ import annotations

import pytest
from manim import config, tempconfig

import preview
from preview import opener, skip_preview_without_opener


@pytest.mark.parametrize(
    ("system", "program"),
    [("Linux", "xdg-open"), ("Darwin", "open"), ("CYGWIN_NT-10.0", "cygstart"), ("Windows", None)],
)
def test_the_opener_is_the_one_manim_runs(system, program):
    with tempconfig({"preview_command": ""}):
        assert opener(system) == program


def test_a_preview_command_of_ones_own_is_the_opener():
    with tempconfig({"preview_command": "mpv"}):
        assert opener("Linux") == "mpv"
        assert opener("Windows") is None


def test_without_an_opener_the_preview_is_turned_off(monkeypatch):
    monkeypatch.setattr(preview.shutil, "which", lambda program: None)
    with tempconfig({"preview": True, "show_in_file_browser": True, "preview_command": ""}):
        assert skip_preview_without_opener() == opener()
        assert not config.preview
        assert not config.show_in_file_browser


def test_with_an_opener_the_preview_stays_on(monkeypatch):
    monkeypatch.setattr(preview.shutil, "which", lambda program: f"/usr/bin/{program}")
    with tempconfig({"preview": True, "preview_command": ""}):
        assert skip_preview_without_opener() is None
        assert config.preview


def test_without_a_preview_asked_for_nothing_changes(monkeypatch):
    monkeypatch.setattr(preview.shutil, "which", lambda program: None)
    with tempconfig({"preview": False, "show_in_file_browser": False}):
        assert skip_preview_without_opener() is None
        assert not config.preview
