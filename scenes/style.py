"""Colours, fonts and the functions that turn a value into a look.

Colours are named by what they mean on screen. The weight colours are the
Okabe-Ito sky blue and orange, a pair that viewers with any common form of
colour blindness can tell apart.

A neuron's brightness is the size of its value, ``|a|``, on one scale shared by
the inputs and every hidden layer (:func:`network_glow`), whatever its sign. A
negative value also wears a dashed ring, orange like a negative weight: a shape,
so that the sign reads without telling colours apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import ManimColor, interpolate_color

from network_model import format_value

__all__ = [
    "ACCENT_COLOR",
    "ACTIVE_COLOR",
    "BACKGROUND_COLOR",
    "DIM_TEXT_COLOR",
    "EdgeStyle",
    "FONT",
    "IDLE_NEURON_COLOR",
    "NEGATIVE_WEIGHT_COLOR",
    "NEURON_OUTLINE_COLOR",
    "PANEL_COLOR",
    "POSITIVE_WEIGHT_COLOR",
    "SIGN_CUE_COLOR",
    "TEXT_COLOR",
    "WINNER_COLOR",
    "edge_style",
    "glow_levels",
    "glow_scale",
    "network_glow",
    "neuron_fill_color",
    "neuron_text_color",
    "shows_negative",
    "weight_color",
]

FONT = "sans-serif"

BACKGROUND_COLOR = ManimColor("#0f1117")
TEXT_COLOR = ManimColor("#f2f2f2")
DIM_TEXT_COLOR = ManimColor("#a9b0bc")
PANEL_COLOR = ManimColor("#1b1f2a")

POSITIVE_WEIGHT_COLOR = ManimColor("#56B4E9")  # Okabe-Ito sky blue
NEGATIVE_WEIGHT_COLOR = ManimColor("#E69F00")  # Okabe-Ito orange

IDLE_NEURON_COLOR = ManimColor("#23283a")
NEURON_OUTLINE_COLOR = ManimColor("#d7dbe4")
ACTIVE_COLOR = ManimColor("#FFF1A8")  # the glow of an active neuron
SIGN_CUE_COLOR = NEGATIVE_WEIGHT_COLOR  # the dashed ring around a negative value: negative, as on the edges
ACCENT_COLOR = ManimColor("#F0E442")  # Okabe-Ito yellow: what the viewer should look at
WINNER_COLOR = ManimColor("#009E73")  # Okabe-Ito bluish green

EDGE_MIN_WIDTH = 1.2
EDGE_MAX_WIDTH = 7.0
EDGE_MIN_OPACITY = 0.3
EDGE_MAX_OPACITY = 1.0

SIGN_CUE_DASHES = 8
"""The dashes of the ring around a neuron that holds a negative value."""
SIGN_CUE_WIDTH = 4.0
SIGN_CUE_RADIUS = 1.2
"""The ring's radius, in neuron radii: just outside the solid outline, which stays."""


@dataclass(frozen=True)
class EdgeStyle:
    color: ManimColor
    width: float
    opacity: float


def weight_color(weight: float) -> ManimColor:
    """The colour of a weight's sign."""
    return POSITIVE_WEIGHT_COLOR if weight >= 0 else NEGATIVE_WEIGHT_COLOR


def edge_style(weight: float, max_abs_weight: float) -> EdgeStyle:
    """Width and opacity grow with ``|weight|``, from a floor that keeps weak edges visible."""
    strength = abs(weight) / max_abs_weight if max_abs_weight > 0 else 0.0
    strength = float(np.clip(strength, 0.0, 1.0))
    return EdgeStyle(
        color=weight_color(weight),
        width=EDGE_MIN_WIDTH + (EDGE_MAX_WIDTH - EDGE_MIN_WIDTH) * strength,
        opacity=EDGE_MIN_OPACITY + (EDGE_MAX_OPACITY - EDGE_MIN_OPACITY) * strength,
    )


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


def neuron_fill_color(level: float) -> ManimColor:
    """An idle neuron is dark; a fully active one is the bright glow colour."""
    return interpolate_color(IDLE_NEURON_COLOR, ACTIVE_COLOR, float(level))


def neuron_text_color(level: float) -> ManimColor:
    """Dark text on a bright neuron, light text on a dark one."""
    return ManimColor("#111111") if level > 0.55 else TEXT_COLOR
