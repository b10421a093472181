"""Shared fixtures: the repository root as working directory, and manim's frame tests enabled."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# manim reads manim.cfg (the LaTeX template among it) from the working directory on import.
os.chdir(ROOT)
# The tests choose their own networks, themes and languages; a lecturer's own must not leak into them.
for variable in ("FORWARD_PASS_NETWORK", "FORWARD_PASS_THEME", "FORWARD_PASS_LANGUAGE"):
    os.environ.pop(variable, None)

import importlib  # noqa: E402

import pytest  # noqa: E402

frames_comparison = importlib.import_module("manim.utils.testing.frames_comparison")

# The suite runs in two processes (pytest-xdist, -n 2 in pyproject.toml). Each
# has a media folder of its own for what it renders in its own process (dry
# runs typeset formulas and write texts there), so neither reads a file that
# the other is writing; every test that starts manim gives it a folder of its own.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER:
    from manim import config as _manim_config

    _manim_config.media_dir = str(ROOT / "media" / f"tests-{_WORKER}")

# manim skips every frame comparison on cairo older than 1.18; Debian 12 ships 1.16,
# which draws these shapes the same. Without this, the frame tests would silently skip.
frames_comparison.MIN_CAIRO_VERSION = 11600


@pytest.fixture
def fresh_notices():
    """The speed-ups' one-line notices, each said anew in this test (they are said once per process)."""
    import manim_adapters

    manim_adapters._reported.clear()
    yield
    manim_adapters._reported.clear()


@pytest.fixture(scope="session")
def default_run():
    """The default scene, in English, played once without rendering for every test that reads it."""
    from dry_run import dry_run
    from forward_pass import ForwardPassScene

    return dry_run(ForwardPassScene)


def require_font(code: str) -> None:
    """Fail, saying what to install, when no installed font can draw language ``code``."""
    from fonts import FontError, choose_font
    from languages import language_named

    language = language_named(code)
    try:
        choose_font(language, language.texts())
    except FontError as error:
        pytest.fail(f"the {language.name} tests need a font for it: {error}", pytrace=False)


@pytest.fixture(scope="session")
def chinese_run():
    """The default scene in Chinese, played once without rendering."""
    from dry_run import dry_run
    from forward_pass import ForwardPassScene

    require_font("zh")

    class ChineseScene(ForwardPassScene):
        LANGUAGE = "zh"

    return dry_run(ChineseScene)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--set_test", action="store_true", help="write the control frames of the frame tests anew")
    parser.addoption("--show_diff", action="store_true", help="show a frame test's difference when it fails")
    parser.addoption("--skip_render", action="store_true", help="skip the tests that render a whole video")


TIERS = {
    # The mathematics, the words and the layout: the same on every manim release, so one environment runs them.
    "pure": (
        "test_model.py",
        "test_validation.py",
        "test_timeline.py",
        "test_subtitles.py",
        "test_languages.py",
        "test_contrast.py",
        "test_story.py",
        "test_setup.py",
        "test_diagram.py",
        "test_panels.py",
        "test_honest_neurons.py",
        "test_shapes.py",
        "test_scene.py",
        "test_steps.py",
        "test_phase_frames.py",
        "test_cache_keys.py",
        "test_gradients.py",
        "test_worked_numbers.py",
        "test_backward_shapes.py",
        "test_weights_file.py",
        "test_train_example.py",
    ),
    # What can tell the releases apart: the adapters and speed-ups, frames, renders, the cache, the command line, decks.
    "releases": (
        "test_phased_base.py",
        "test_adapters.py",
        "test_registry.py",
        "test_speed.py",
        "test_two_processes.py",
        "test_parsed_svgs.py",
        "test_restyle.py",
        "test_frames.py",
        "test_preview.py",
        "test_cli_errors.py",
        "test_render.py",
        "test_render_light_chinese.py",
        "test_deck.py",
        "test_backward_render.py",
        "test_interruptions.py",
    ),
}
"""Each test file's tier, marked on its tests unless a test is marked with the other: the second environment runs ``-m releases``."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tier_of = {name: tier for tier, names in TIERS.items() for name in names}
    for item in items:
        name = item.path.name
        if name not in tier_of:
            raise pytest.UsageError(f"{name} has no tier: add it to TIERS in tests/conftest.py")
        own = [tier for tier in TIERS if item.get_closest_marker(tier) is not None]
        if len(own) > 1:
            raise pytest.UsageError(f"{item.nodeid} is marked with two tiers")
        if not own:  # a test of another tier than its file's says so with a marker of its own
            item.add_marker(tier_of[name])
    if config.getoption("--skip_render"):
        skip = pytest.mark.skip(reason="--skip_render")
        for item in items:
            if "render" in item.keywords:
                item.add_marker(skip)
