"""Themes: every colour on screen, named by what it means, and the functions from a value to a look.

A :class:`Theme` is one object of named colours. The drawing code asks the
active theme for a colour and never names one itself, so a new theme is one
more object in :data:`THEMES`. Every colour field says what it is drawn as (its
*role*), and ``tests/test_contrast.py`` measures each role against what lies
behind it:

``text``
    Letters and numbers. At least 4.5:1 (WCAG AA) against every surface.
``graphic``
    Lines and marks that carry meaning. At least 3:1 against every surface.
``surface``
    What text is written on: the background and the equation panel.
``neuron``
    The neuron's fill from idle to fully lit, and the two colours a number
    inside it may take; :meth:`Theme.neuron_text_color` picks whichever reads
    better, and the test checks it at every glow level.

The weight colours are a pair that viewers with any common form of colour
blindness can tell apart: Okabe-Ito sky blue and orange on the dark theme, and
darker blue and orange, dark enough to read on white, on the light one.

A neuron's brightness is the size of its value, ``|a|``, on one scale shared by
the inputs and every hidden layer (:func:`network_glow`), whatever its sign. A
negative value also wears a dashed ring, orange like a negative weight: a shape,
so that the sign reads without telling colours apart.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np
from manim import ManimColor, interpolate_color

from network_model import format_value

__all__ = [
    "DARK",
    "EDGE_MAX_OPACITY",
    "EDGE_MAX_WIDTH",
    "EDGE_MIN_OPACITY",
    "EDGE_MIN_WIDTH",
    "LIGHT",
    "ROLES",
    "SIGN_CUE_DASHES",
    "SIGN_CUE_RADIUS",
    "SIGN_CUE_WIDTH",
    "THEMES",
    "THEME_ENV_VAR",
    "EdgeStyle",
    "Theme",
    "ThemeError",
    "contrast_ratio",
    "glow_levels",
    "glow_scale",
    "network_glow",
    "relative_luminance",
    "shows_negative",
    "theme_named",
]

THEME_ENV_VAR = "FORWARD_PASS_THEME"

EDGE_MIN_WIDTH = 1.2
EDGE_MAX_WIDTH = 7.0
EDGE_MIN_OPACITY = 0.3
EDGE_MAX_OPACITY = 1.0

SIGN_CUE_DASHES = 8
"""The dashes of the ring around a neuron that holds a negative value."""
SIGN_CUE_WIDTH = 4.0
SIGN_CUE_RADIUS = 1.2
"""The ring's radius, in neuron radii: just outside the solid outline, which stays."""

ROLES = ("surface", "text", "graphic", "neuron")


def _color(role: str):
    """A colour field of a theme, drawn as ``role``."""
    if role not in ROLES:
        raise ValueError(f"unknown colour role {role!r}")
    return field(metadata={"role": role})


class ThemeError(ValueError):
    """An unknown theme name, with the names there are."""


@dataclass(frozen=True)
class EdgeStyle:
    color: ManimColor
    width: float
    opacity: float


@dataclass(frozen=True)
class Theme:
    """Every colour of the video, named by its meaning."""

    name: str

    background: ManimColor = _color("surface")
    panel: ManimColor = _color("surface")
    """The equation panel at the bottom."""

    text: ManimColor = _color("text")
    dim_text: ManimColor = _color("text")
    """Captions, layer titles and the architecture: what frames the story."""
    positive_weight: ManimColor = _color("text")
    """A weight of sign +: its edge, and its number wherever it is written."""
    negative_weight: ManimColor = _color("text")
    winner: ManimColor = _color("text")
    """The top class: the box, the ring, and the sentence that names it."""
    gradient: ManimColor = _color("text")
    """A gradient: a δ and its tag, a ∂L/∂w and its number, the pulses that run backward, the
    edges that glow by ``|∂L/∂w|``. Its sign is written (``+0.73``, ``−0.73``), never only coloured."""

    accent: ManimColor = _color("graphic")
    """What the viewer should look at now: pulses, markers, a circled rule."""
    neuron_outline: ManimColor = _color("graphic")
    sign_cue: ManimColor = _color("graphic")
    """The dashed ring around a negative value: negative, as on the edges."""

    idle_neuron: ManimColor = _color("neuron")
    active_neuron: ManimColor = _color("neuron")
    """The fill and glow of a fully active neuron."""
    neuron_text_dark: ManimColor = _color("neuron")
    neuron_text_light: ManimColor = _color("neuron")

    @classmethod
    def colors_of_role(cls, role: str) -> list[str]:
        """The names of the colour fields drawn as ``role``."""
        return [f.name for f in fields(cls) if f.metadata.get("role") == role]

    def weight_color(self, weight: float) -> ManimColor:
        """The colour of a weight's sign."""
        return self.positive_weight if weight >= 0 else self.negative_weight

    def edge_style(self, weight: float, max_abs_weight: float) -> EdgeStyle:
        """Width and opacity grow with ``|weight|``, from a floor that keeps weak edges visible."""
        strength = abs(weight) / max_abs_weight if max_abs_weight > 0 else 0.0
        strength = float(np.clip(strength, 0.0, 1.0))
        return EdgeStyle(
            color=self.weight_color(weight),
            width=EDGE_MIN_WIDTH + (EDGE_MAX_WIDTH - EDGE_MIN_WIDTH) * strength,
            opacity=EDGE_MIN_OPACITY + (EDGE_MAX_OPACITY - EDGE_MIN_OPACITY) * strength,
        )

    def gradient_edge_style(self, gradient: float, max_abs_gradient: float) -> EdgeStyle:
        """An edge that glows by ``|∂L/∂w|``: the gradient's colour, wider and brighter as it grows."""
        strength = abs(gradient) / max_abs_gradient if max_abs_gradient > 0 else 0.0
        strength = float(np.clip(strength, 0.0, 1.0))
        return EdgeStyle(
            color=self.gradient,
            width=EDGE_MIN_WIDTH + (EDGE_MAX_WIDTH - EDGE_MIN_WIDTH) * strength,
            opacity=0.15 + (EDGE_MAX_OPACITY - 0.15) * strength,
        )

    def neuron_fill_color(self, level: float) -> ManimColor:
        """An idle neuron has the idle fill; a fully active one, the active colour."""
        return interpolate_color(self.idle_neuron, self.active_neuron, float(level))

    def neuron_text_color(self, level: float) -> ManimColor:
        """Of the two neuron text colours, the one that reads better on the fill at ``level``."""
        fill = self.neuron_fill_color(level)
        return max((self.neuron_text_dark, self.neuron_text_light), key=lambda color: contrast_ratio(color, fill))


DARK = Theme(
    name="dark",
    background=ManimColor("#0f1117"),
    panel=ManimColor("#1b1f2a"),
    text=ManimColor("#f2f2f2"),
    dim_text=ManimColor("#a9b0bc"),
    positive_weight=ManimColor("#56B4E9"),  # Okabe-Ito sky blue
    negative_weight=ManimColor("#E69F00"),  # Okabe-Ito orange
    winner=ManimColor("#009E73"),  # Okabe-Ito bluish green
    gradient=ManimColor("#CC79A7"),  # Okabe-Ito reddish purple
    accent=ManimColor("#F0E442"),  # Okabe-Ito yellow
    neuron_outline=ManimColor("#d7dbe4"),
    sign_cue=ManimColor("#E69F00"),  # the negative weight's orange
    idle_neuron=ManimColor("#23283a"),
    active_neuron=ManimColor("#FFF1A8"),
    # Black and white: halfway up the glow, only they keep 4.5:1 on the fill.
    neuron_text_dark=ManimColor("#000000"),
    neuron_text_light=ManimColor("#ffffff"),
)
"""For screens and dim halls: light on near-black, neurons that light up."""

LIGHT = Theme(
    name="light",
    background=ManimColor("#ffffff"),
    panel=ManimColor("#eef1f6"),
    text=ManimColor("#1a1d24"),
    dim_text=ManimColor("#4a5160"),
    positive_weight=ManimColor("#0068A8"),  # Okabe-Ito blue, darker
    negative_weight=ManimColor("#A85100"),  # Okabe-Ito orange, darker
    winner=ManimColor("#00795A"),  # Okabe-Ito bluish green, darker
    gradient=ManimColor("#B2182B"),  # a deep red: apart from the purple accent and both weights
    accent=ManimColor("#AA3377"),  # Paul Tol's purple: apart from both weights and the winner
    neuron_outline=ManimColor("#3c4250"),
    sign_cue=ManimColor("#A85100"),  # the negative weight's orange
    idle_neuron=ManimColor("#e6e9ef"),
    active_neuron=ManimColor("#FFC533"),
    neuron_text_dark=ManimColor("#1a1d24"),
    neuron_text_light=ManimColor("#ffffff"),
)
"""For bright rooms and projectors: dark on white, neurons that fill with amber."""

THEMES = {theme.name: theme for theme in (DARK, LIGHT)}


def theme_named(name: str | None = None) -> Theme:
    """The theme called ``name``; ``None`` reads ``$FORWARD_PASS_THEME``, and else the dark one."""
    if name is None:
        name = os.environ.get(THEME_ENV_VAR) or DARK.name
    key = name.strip().lower()
    if key not in THEMES:
        raise ThemeError(f"{THEME_ENV_VAR}: unknown theme {name!r}; the themes are: {', '.join(THEMES)}")
    return THEMES[key]


def relative_luminance(color) -> float:
    """WCAG 2 relative luminance of an sRGB colour, from 0 (black) to 1 (white)."""
    rgb = np.asarray(ManimColor(color).to_rgb(), dtype=float)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(a, b) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 to 21."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def glow_levels(values: np.ndarray, scale: float) -> np.ndarray:
    """How brightly each neuron glows, from 0 to 1: ``|value| / scale``, clipped.

    The size alone: the sign is drawn apart (see :func:`shows_negative`). A
    ``scale`` of 0 (every value is zero) gives no glow at all rather than a
    division by zero.
    """
    values = np.asarray(values, dtype=float)
    if scale <= 0:
        return np.zeros_like(values)
    return np.clip(np.abs(values) / scale, 0.0, 1.0)


def glow_scale(layers: Sequence[np.ndarray]) -> float:
    """One scale for all of ``layers``: their largest ``|value|``, so that brightness compares across them."""
    return max((float(np.max(np.abs(values))) for values in layers if len(values)), default=0.0)


def network_glow(activations: Sequence[np.ndarray]) -> list[np.ndarray]:
    """How brightly every neuron glows once its layer is lit, the inputs first.

    The scene lights the network with exactly these levels. The inputs and the
    hidden layers share one scale, :func:`glow_scale` of them all; the output
    layer, whose values are probabilities, glows by its probability.
    """
    *shared, output = (np.asarray(values, dtype=float) for values in activations)
    scale = glow_scale(shared)
    return [*(glow_levels(values, scale) for values in shared), np.clip(output, 0.0, 1.0)]


def shows_negative(value: float) -> bool:
    """Whether ``value`` is shown with a minus sign: ``-0.001`` shows as ``0.00`` and is not."""
    return format_value(value).startswith("-")
