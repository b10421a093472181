"""Every theme, measured: WCAG 2 contrast of each colour against what lies behind it.

The ratios are computed here from the sRGB values, independently of
``style.contrast_ratio``: text needs 4.5:1 (WCAG AA), lines and marks 3:1.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest
from manim import ManimColor

from dry_run import dry_run, layout_problems
from forward_pass import ForwardPassScene
from style import ROLES, THEMES, Theme, contrast_ratio

SCENES = Path(__file__).resolve().parent.parent / "scenes"
TEXT_CONTRAST = 4.5
GRAPHIC_CONTRAST = 3.0
GLOW_LEVELS = np.linspace(0.0, 1.0, 1001)
MIN_GLYPH = 0.13
"""The tallest glyph of any text, in scene units, as in test_scene.py."""


def luminance(color) -> float:
    """WCAG 2 relative luminance, from the colour's 8-bit sRGB channels."""
    hex_code = ManimColor(color).to_hex()[1:7]
    channels = [int(hex_code[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_measure_agrees_with_known_ratios():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    for a, b in [("#0f1117", "#56b4e9"), ("#ffffff", "#a85100"), ("#eef1f6", "#1a1d24")]:
        assert contrast_ratio(a, b) == pytest.approx(contrast(a, b), rel=1e-3)


def test_every_colour_has_a_role_and_every_role_has_colours():
    for role in ROLES:
        assert Theme.colors_of_role(role), f"no colour is drawn as {role}"
    colours = [name for role in ROLES for name in Theme.colors_of_role(role)]
    assert len(colours) == len(set(colours))
    assert set(colours) == set(Theme.__dataclass_fields__) - {"name"}


@pytest.mark.parametrize("theme", THEMES.values(), ids=list(THEMES))
def test_text_reads_on_every_surface(theme: Theme):
    low = []
    for text in Theme.colors_of_role("text"):
        for surface in Theme.colors_of_role("surface"):
            ratio = contrast(getattr(theme, text), getattr(theme, surface))
            if ratio < TEXT_CONTRAST:
                low.append(f"{text} on {surface}: {ratio:.2f}")
    assert not low, f"{theme.name}: under {TEXT_CONTRAST}:1: {low}"


@pytest.mark.parametrize("theme", THEMES.values(), ids=list(THEMES))
def test_weights_lines_and_marks_stand_out_from_every_surface(theme: Theme):
    low = []
    for name in ["positive_weight", "negative_weight", "winner", *Theme.colors_of_role("graphic")]:
        for surface in Theme.colors_of_role("surface"):
            ratio = contrast(getattr(theme, name), getattr(theme, surface))
            if ratio < GRAPHIC_CONTRAST:
                low.append(f"{name} on {surface}: {ratio:.2f}")
    assert not low, f"{theme.name}: under {GRAPHIC_CONTRAST}:1: {low}"


@pytest.mark.parametrize("theme", THEMES.values(), ids=list(THEMES))
def test_numbers_read_on_a_neuron_at_every_glow_level(theme: Theme):
    ratios = [contrast(theme.neuron_text_color(level), theme.neuron_fill_color(level)) for level in GLOW_LEVELS]
    worst = int(np.argmin(ratios))
    assert ratios[worst] >= TEXT_CONTRAST, f"{theme.name}: {ratios[worst]:.2f}:1 at glow level {GLOW_LEVELS[worst]:.3f}"


def test_the_weight_signs_are_blue_and_orange():
    # Blue against orange is the contrast that the common forms of colour blindness keep.
    for theme in THEMES.values():
        blue = ManimColor(theme.positive_weight).to_rgb()
        orange = ManimColor(theme.negative_weight).to_rgb()
        assert blue[2] > blue[0], f"{theme.name}: the positive weight is not blue"
        assert orange[0] > orange[2], f"{theme.name}: the negative weight is not orange"


# ---------------------------------------------------------------- no colour outside the theme


def colour_literals(path: Path) -> list[str]:
    return re.findall(r"#[0-9a-fA-F]{6}\b", path.read_text(encoding="utf-8"))


def manim_colour_imports(path: Path) -> list[str]:
    import manim.utils.color as manim_colors

    names = {name for name in dir(manim_colors) if name.isupper()}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("manim")
        for alias in node.names
        if alias.name in names
    ]


@pytest.mark.parametrize("path", sorted(p for p in SCENES.rglob("*.py") if p.name != "style.py"), ids=lambda p: p.name)
def test_the_drawing_code_names_no_colour(path: Path):
    assert colour_literals(path) == [], f"{path.name} writes a colour itself; add it to the themes in style.py"
    assert manim_colour_imports(path) == [], f"{path.name} imports a manim colour; use the theme's"


class LightScene(ForwardPassScene):
    THEME = "light"


@pytest.fixture(scope="module")
def light_run():
    return dry_run(LightScene)


def test_everything_drawn_in_the_light_theme_is_a_theme_colour(light_run):
    theme = THEMES["light"]

    def hexes(names) -> set[str]:
        return {ManimColor(getattr(theme, name)).to_hex().lower() for name in names}

    # Letters take a text colour, or inside a neuron the one that reads on its fill; never, say,
    # manim's default white, which on this theme is the background.
    letters = hexes(Theme.colors_of_role("text"))
    letters |= {theme.neuron_text_color(level).to_hex().lower() for level in GLOW_LEVELS}
    shapes = hexes(name for role in ROLES for name in Theme.colors_of_role(role))
    idle = np.array(ManimColor(theme.idle_neuron).to_rgb())
    active = np.array(ManimColor(theme.active_neuron).to_rgb())

    def on_glow_ramp(colour: str) -> bool:
        # A neuron's fill lies between idle and active, at its glow level.
        rgb = np.array(ManimColor(colour).to_rgb())
        level = np.clip(np.dot(rgb - idle, active - idle) / np.dot(active - idle, active - idle), 0, 1)
        return bool(np.abs(idle + level * (active - idle) - rgb).max() <= 1.5 / 255)

    strays = {
        (snap.phase, what, colour)
        for snap in light_run.snapshots
        for what, colour in snap.colors
        if not (colour in letters if what.startswith("text") else colour in shapes or on_glow_ramp(colour))
    }
    assert not strays, sorted(strays)[:10]
    drawn = {colour for snap in light_run.snapshots for _, colour in snap.colors}
    assert hexes(["background", "panel", "text", "dim_text", "winner", "accent"]) <= drawn
    assert any(what.startswith("text") for snap in light_run.snapshots for what, _ in snap.colors)


def test_the_light_layout_holds(light_run):
    light = THEMES["light"].background.to_hex().lower()
    assert all(snap.colors[0] == ("background", light) for snap in light_run.snapshots)
    assert layout_problems(light_run, MIN_GLYPH) == []
