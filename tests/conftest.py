"""Shared fixtures: the repository root as working directory, and manim's frame tests enabled."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# manim reads manim.cfg (the LaTeX template among it) from the working directory on import.
os.chdir(ROOT)
# The tests choose their own networks; a lecturer's own file must not leak into them.
os.environ.pop("FORWARD_PASS_NETWORK", None)

import importlib  # noqa: E402

import pytest  # noqa: E402

frames_comparison = importlib.import_module("manim.utils.testing.frames_comparison")

# manim skips every frame comparison on cairo older than 1.18; Debian 12 ships 1.16,
# which draws these shapes the same. Without this, the frame tests would silently skip.
frames_comparison.MIN_CAIRO_VERSION = 11600


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--set_test", action="store_true", help="write the control frames of the frame tests anew")
    parser.addoption("--show_diff", action="store_true", help="show a frame test's difference when it fails")
    parser.addoption("--skip_render", action="store_true", help="skip the tests that render a whole video")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "render: renders the whole scene to a video (slow)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--skip_render"):
        skip = pytest.mark.skip(reason="--skip_render")
        for item in items:
            if "render" in item.keywords:
                item.add_marker(skip)
