"""How each hidden layer's function is written on screen and told in the subtitles.

Every string about the activation functions lives in :data:`FUNCTION_TEXT`, one
entry per name the parameters file accepts, so that the words change in one
place. Numbers are formatted from the values passed in; none is typed here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from network_model import LEAKY_SLOPE, format_factor, format_value

__all__ = ["FUNCTION_TEXT", "FunctionText", "architecture_summary", "intro_summary"]

SLOPE = f"{LEAKY_SLOPE:g}"


@dataclass(frozen=True)
class FunctionText:
    """How one activation function is named, written and explained.

    Attributes
    ----------
    name
        The function's name in the header and the subtitles.
    apply
        The function applied to a TeX argument, ``z`` or ``z^{(1)}``.
    definition
        What the panel's rule adds after ``a = f(z)`` to define the function, or ``""``.
    example
        The function applied to a real number, as the worked example writes it.
    verdict
        What the function does to a given ``z``, for the subtitle.
    described
        The name as the introduction says it, with the slope for leaky ReLU.
    """

    name: str
    apply: Callable[[str], str]
    definition: str
    example: Callable[[float], str]
    verdict: Callable[[float], str]
    described: str


FUNCTION_TEXT = {
    "relu": FunctionText(
        name="ReLU",
        apply=lambda z: rf"\mathrm{{ReLU}}({z})",
        definition="",
        example=lambda z: rf"\mathrm{{ReLU}}({format_value(z)})",
        verdict=lambda z: "ReLU keeps it" if z > 0 else "ReLU clips it to 0",
        described="ReLU",
    ),
    "sigmoid": FunctionText(
        name="sigmoid",
        apply=lambda z: rf"\sigma({z})",
        definition=r"= \frac{1}{1 + e^{-z}}",
        example=lambda z: rf"\sigma({format_value(z)})",
        verdict=lambda z: "the sigmoid squeezes it between 0 and 1",
        described="the sigmoid σ",
    ),
    "tanh": FunctionText(
        name="tanh",
        apply=lambda z: rf"\tanh({z})",
        definition="",
        example=lambda z: rf"\tanh({format_value(z)})",
        verdict=lambda z: "tanh squeezes it between -1 and 1, keeping its sign",
        described="tanh",
    ),
    "leaky_relu": FunctionText(
        name="leaky ReLU",
        apply=lambda z: rf"\max({SLOPE}\,{z},\ {z})",
        definition="",
        example=lambda z: rf"\max({SLOPE} \cdot {format_factor(z)},\ {format_value(z)})",
        verdict=lambda z: "leaky ReLU keeps it" if z > 0 else f"leaky ReLU lets {SLOPE} of it through",
        described=f"leaky ReLU (slope {SLOPE} below zero)",
    ),
}
"""The words and TeX for every hidden-layer function, by the name the parameters file gives it."""


def _hidden_layers(count: int) -> str:
    return "hidden layer" if count == 1 else "hidden layers"


def architecture_summary(functions: Sequence[str]) -> str:
    """The header's words for the hidden layers: ``ReLU hidden layers`` or ``hidden layers: ReLU, tanh``."""
    names = [FUNCTION_TEXT[function].name for function in functions]
    if len(set(names)) == 1:
        return f"{names[0]} {_hidden_layers(len(names))}"
    return f"{_hidden_layers(len(names))}: {', '.join(names)}"


def intro_summary(functions: Sequence[str]) -> str:
    """The introduction's words for the hidden layers: ``ReLU in the hidden layers``."""
    described = [FUNCTION_TEXT[function].described for function in functions]
    if len(set(described)) == 1:
        return f"{described[0]} in the {_hidden_layers(len(described))}"
    return ", ".join(f"{text} in hidden layer {index}" for index, text in enumerate(described, 1))
