"""How each hidden layer's function is written in the mathematics: its TeX, the same in every language.

Every formula about the activation functions lives in :data:`FUNCTION_TEXT`, one
entry per name the parameters file accepts, so that the TeX changes in one
place. What the functions are called, and what the subtitles say they do, is in
each language's table (:class:`languages.FunctionWords`). Numbers are formatted
from the values passed in; none is typed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from network_model import LEAKY_SLOPE, format_factor, format_value

__all__ = ["FUNCTION_TEXT", "FunctionText"]

SLOPE = f"{LEAKY_SLOPE:g}"


@dataclass(frozen=True)
class FunctionText:
    """How one activation function is written in TeX.

    Attributes
    ----------
    apply
        The function applied to a TeX argument, ``z`` or ``z^{(1)}``.
    definition
        What the panel's rule adds after ``a = f(z)`` to define the function, or ``""``.
    example
        The function applied to a real number, as the worked example writes it.
    slope
        Its derivative ``f′(z)``, defined: the backward pass's rule.
    slope_example
        The derivative at a real number, as the backward pass's worked example writes it.
    """

    apply: Callable[[str], str]
    definition: str
    example: Callable[[float], str]
    slope: str
    slope_example: Callable[[float], str]


FUNCTION_TEXT = {
    "relu": FunctionText(
        apply=lambda z: rf"\mathrm{{ReLU}}({z})",
        definition="",
        example=lambda z: rf"\mathrm{{ReLU}}({format_value(z)})",
        slope=r"\mathrm{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}",
        slope_example=lambda z: rf"\mathrm{{ReLU}}'({format_value(z)})",
    ),
    "sigmoid": FunctionText(
        apply=lambda z: rf"\sigma({z})",
        definition=r"= \frac{1}{1 + e^{-z}}",
        example=lambda z: rf"\sigma({format_value(z)})",
        slope=r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))",
        slope_example=lambda z: rf"\sigma'({format_value(z)})",
    ),
    "tanh": FunctionText(
        apply=lambda z: rf"\tanh({z})",
        definition="",
        example=lambda z: rf"\tanh({format_value(z)})",
        slope=r"\tanh'(z) = 1 - \tanh^2(z)",
        slope_example=lambda z: rf"\tanh'({format_value(z)})",
    ),
    "leaky_relu": FunctionText(
        apply=lambda z: rf"\max({SLOPE}\,{z},\ {z})",
        definition="",
        example=lambda z: rf"\max({SLOPE} \cdot {format_factor(z)},\ {format_value(z)})",
        slope=rf"f'(z) = \begin{{cases}} 1 & z > 0 \\ {SLOPE} & z \le 0 \end{{cases}}",
        slope_example=lambda z: rf"f'({format_value(z)})",
    ),
}
"""The TeX for every hidden-layer function, by the name the parameters file gives it."""
