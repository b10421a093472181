"""The panels around the diagram: equations, class probabilities and the matrix form.

Every number here is formatted from a :class:`~network_model.LayerTrace`; none is typed in.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DL,
    DOWN,
    LEFT,
    RIGHT,
    UR,
    DecimalMatrix,
    MathTex,
    Rectangle,
    RoundedRectangle,
    SingleStringMathTex,
    Text,
    VGroup,
)

from activation_text import FUNCTION_TEXT
from network_model import LayerTrace, format_factor, format_value
from style import DARK, Theme

__all__ = [
    "MatrixPanel",
    "ProbabilityPanel",
    "activation_line",
    "fit_within",
    "one_path_per_part",
    "surround",
    "sigmoid_lines",
    "softmax_lines",
    "sum_lines",
    "weighted_sum_lines",
    "weighted_sum_terms",
    "weighted_sum_text",
]

SUBTITLE_TERMS_SHOWN = 2
"""The terms a shortened sum keeps in a subtitle, before its ellipsis."""

MATH_FONT_SIZE = 34
MIN_ENTRY_HEIGHT = 0.12
"""A matrix entry's height below which the matrix panel gives up its names for room."""
MIN_MATH_FONT_SIZE = 24


def surround(mobject, *, color, buff: float, corner_radius: float = 0.0) -> RoundedRectangle:
    """A box around ``mobject``, ``buff`` away from its edges.

    Measured from the mobject's corners: in manim 0.20, the ``width`` of a group
    holding a mobject without points counts the scene's origin in, and so does
    ``SurroundingRectangle``.
    """
    low, high = mobject.get_corner(DL), mobject.get_corner(UR)
    width, height = high[0] - low[0], high[1] - low[1]
    box = RoundedRectangle(width=width + 2 * buff, height=height + 2 * buff, corner_radius=corner_radius, color=color)
    return box.move_to((low + high) / 2)


def one_path_per_part(mobject):
    """Draw each part of every formula in ``mobject`` as one path: its glyphs' outlines joined, in place.

    A formula is a mobject per glyph, and every frame that redraws it traces
    each one apart; the backward pass keeps many numbers on screen while the
    network moves beneath them. Joined, a part of a formula (a number, a
    matrix entry, a term of a sum) is one outline of several closed curves,
    drawn the same, with its colour and its place; only its glyphs can no longer
    move apart. A part whose glyphs differ in colour is left as it is.
    """
    formulas = [member for member in mobject.get_family() if isinstance(member, SingleStringMathTex)]
    for formula in formulas:
        for part in formula.get_family():
            glyphs = part.submobjects
            if not glyphs or any(glyph.submobjects or not glyph.has_points() for glyph in glyphs):
                continue
            first = glyphs[0]
            if any(
                not np.array_equal(glyph.fill_rgbas, first.fill_rgbas)
                or not np.array_equal(glyph.stroke_rgbas, first.stroke_rgbas)
                for glyph in glyphs
            ):
                continue
            part.set_points(np.concatenate([glyph.points for glyph in glyphs]))
            part.submobjects = []
            part.match_style(first, family=False)
    return mobject


def fit_within(mobject, max_width: float, max_height: float | None = None):
    """Shrink ``mobject`` (never grow it) until it fits the box."""
    if mobject.width > max_width:
        mobject.scale_to_fit_width(max_width)
    if max_height is not None and mobject.height > max_height:
        mobject.scale_to_fit_height(max_height)
    return mobject


def _signed(value: float) -> str:
    """A number that follows another term: ``+ 0.30`` or ``- 0.30``."""
    text = format_value(value)
    return f"- {text[1:]}" if text.startswith("-") else f"+ {text}"


def neuron_symbol(symbol: str, layer: int, index: int) -> str:
    return f"{symbol}^{{({layer})}}_{{{index}}}"


def weighted_sum_terms(layer: LayerTrace, neuron: int) -> list[tuple[str, str, str, float]]:
    """The terms ``w·x`` of one neuron's sum as ``(sign, |w|, x, w)`` strings, from the trace."""
    terms = []
    for index, (w, x) in enumerate(zip(layer.weights[neuron], layer.inputs)):
        text = format_value(w)
        negative = text.startswith("-")
        sign = ("-" if negative else "") if index == 0 else ("-" if negative else "+")
        terms.append((sign, text.lstrip("-"), format_factor(x), w))
    return terms


def weighted_sum_text(layer: LayerTrace, neuron: int, shown: int | None = None) -> str:
    """One neuron's sum as plain text, for subtitles: ``0.60·0.50 - 0.40·0.80 + 0.10``.

    With ``shown``, a sum of more terms keeps its first ``shown`` and the bias
    around an ellipsis: ``0.60·0.50 - 0.40·0.80 + … + 0.10``.
    """
    terms = [f"{sign} {weight}·{x}".strip() for sign, weight, x, _ in weighted_sum_terms(layer, neuron)]
    if shown is not None and len(terms) > shown:
        terms = [*terms[:shown], "+ …"]
    return f"{' '.join(terms)} {_signed(layer.bias[neuron])}"


def weighted_sum_lines(layer: LayerTrace, neuron: int, max_width: float, *, theme: Theme | None = None) -> VGroup:
    """``z = w0 x0 + w1 x1 + ... + b = z`` for one neuron, with its real numbers.

    The weights are coloured by sign, like their edges. When one line would be
    too small to read, the sum is broken over two lines.
    """
    tail = [_signed(layer.bias[neuron]), "= " + format_value(layer.z[neuron])]
    head = neuron_symbol("z", layer.index, neuron) + " ="
    return sum_lines(head, weighted_sum_terms(layer, neuron), tail, max_width, theme=theme)


def sum_lines(
    head: str,
    terms: Sequence[tuple[str, str, str, float]],
    tail: Sequence[str],
    max_width: float,
    *,
    theme: Theme | None = None,
    factor_color=None,
) -> VGroup:
    """``head w0 f0 + w1 f1 + ... tail``: a sum of products of weights and factors, broken over two lines if long.

    ``terms`` are ``(sign, |w|, factor, w)`` as :func:`weighted_sum_terms` gives them;
    each weight is coloured by its sign, each factor in ``factor_color`` (the text's by default).
    """
    theme = theme or DARK

    def build(rows: Sequence[Sequence[tuple[str, str, str, float]]]) -> VGroup:
        lines = VGroup()
        for row_index, row in enumerate(rows):
            parts: list[str] = [head if row_index == 0 else r"\quad"]
            colors: list = [theme.text]
            for sign, weight, factor, w in row:
                if sign:
                    parts.append(sign)
                    colors.append(theme.text)
                if factor_color is None:
                    parts += [weight, r"\cdot " + factor]
                    colors += [theme.weight_color(w), theme.text]
                else:
                    parts += [weight, r"\cdot", factor]
                    colors += [theme.weight_color(w), theme.text, factor_color]
            if row_index == len(rows) - 1:
                parts += list(tail)
                colors += [theme.text] * len(tail)
            line = MathTex(*parts, font_size=MATH_FONT_SIZE)
            for part, color in zip(line, colors):
                part.set_color(color)
            lines.add(line)
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        return lines

    lines = build([terms])
    if lines.width * MIN_MATH_FONT_SIZE / MATH_FONT_SIZE > max_width * 0.999 or lines.width > max_width * 1.25:
        half = (len(terms) + 1) // 2
        lines = build([terms[:half], terms[half:]])
    return fit_within(lines, max_width)


def activation_line(layer: LayerTrace, neuron: int, *, theme: Theme | None = None) -> MathTex:
    """``a = f(z) = a`` for one neuron, with the layer's function and its real numbers."""
    theme = theme or DARK
    return MathTex(
        neuron_symbol("a", layer.index, neuron),
        "= " + FUNCTION_TEXT[layer.activation].example(layer.z[neuron]),
        "= " + format_value(layer.a[neuron]),
        font_size=MATH_FONT_SIZE,
        color=theme.text,
    )


def logits_line(layer: LayerTrace, theme: Theme) -> MathTex:
    """``z = (0.68, -0.32)``: the output layer's logits."""
    return MathTex(
        "z = (" + ",\\ ".join(format_value(value) for value in layer.z) + ")",
        font_size=MATH_FONT_SIZE,
        color=theme.text,
    )


def softmax_lines(layer: LayerTrace, winner: int, max_width: float, *, theme: Theme | None = None) -> VGroup:
    """The logits and the softmax of the winning class, with the real numbers."""
    theme = theme or DARK
    z = layer.z
    logits = logits_line(layer, theme)
    numerator = f"e^{{{format_value(z[winner])}}}"
    # Three terms fit on one line; beyond that the sum is written as a sum.
    denominator = " + ".join(f"e^{{{format_value(v)}}}" for v in z) if len(z) <= 3 else r"\sum_j e^{z_j}"
    # manim 0.20.0 splits a formula at every "{{" and "}}", so braces never meet here.
    probability = MathTex(
        f"p_{{{winner}}} = \\frac{{ {numerator} }}{{ {denominator} }} = {format_value(layer.a[winner])}",
        font_size=MATH_FONT_SIZE,
        color=theme.text,
    )
    lines = VGroup(logits, probability).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
    return fit_within(lines, max_width)


def sigmoid_lines(layer: LayerTrace, winner: int, max_width: float, *, theme: Theme | None = None) -> VGroup:
    """The logits and the sigmoid of the winning output, with the real numbers."""
    theme = theme or DARK
    logits = logits_line(layer, theme)
    z = format_value(layer.z[winner])
    output = MathTex(
        f"o_{{{winner}}} = \\sigma({z}) = \\frac{{1}}{{1 + e^{{-({z})}}}} = {format_value(layer.a[winner])}",
        font_size=MATH_FONT_SIZE,
        color=theme.text,
    )
    lines = VGroup(logits, output).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
    return fit_within(lines, max_width)


class ProbabilityPanel(VGroup):
    """One row per class, level with its output neuron: name, bar and probability.

    Parameters
    ----------
    class_names
        The names, shown in the sans-serif font as the user wrote them.
    probabilities
        One per class; they set the bar lengths and the numbers.
    row_ys
        The height of each row, usually the centre of its output neuron.
    left
        The x coordinate where the rows begin.
    width
        The room for a whole row.
    font_size
        The size of the names and numbers.
    theme
        The colours; ``None`` gives the dark theme.
    font
        The font family of the names.

    Attributes
    ----------
    names, bars, numbers, tracks
        ``names[i]``, ``bars[i]`` and ``numbers[i]`` make up row ``i``; ``tracks[i]``
        is the empty bar behind it.
    """

    def __init__(
        self,
        class_names: Sequence[str],
        probabilities: np.ndarray,
        row_ys: Sequence[float],
        *,
        left: float,
        width: float,
        font_size: float = 26,
        row_height: float = 0.3,
        theme: Theme | None = None,
        font: str = "sans-serif",
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        theme = theme or DARK
        self.names = VGroup()
        self.tracks = VGroup()
        self.bars = VGroup()
        self.numbers = VGroup()
        name_width = 0.34 * width
        number_width = 0.2 * width
        bar_width = width - name_width - number_width - 0.3
        for name, p, y in zip(class_names, probabilities, row_ys):
            label = Text(name, font=font, font_size=font_size, color=theme.text)
            fit_within(label, name_width, row_height * 1.4)
            label.move_to([left, y, 0], aligned_edge=LEFT)
            track = Rectangle(width=bar_width, height=row_height * 0.7, stroke_width=1.5)
            track.set_stroke(theme.dim_text, opacity=0.6).set_fill(opacity=0)
            track.move_to([left + name_width + 0.15, y, 0], aligned_edge=LEFT)
            bar = Rectangle(width=max(bar_width * float(p), 1e-3), height=row_height * 0.7, stroke_width=0)
            bar.set_fill(theme.text, opacity=0.85)
            bar.move_to(track, aligned_edge=LEFT)
            number = MathTex(format_value(p), font_size=font_size * 1.25, color=theme.text)
            fit_within(number, number_width, row_height * 1.2)
            number.next_to(track, RIGHT, buff=0.15)
            self.names.add(label)
            self.tracks.add(track)
            self.bars.add(bar)
            self.numbers.add(number)
        self.add(self.names, self.tracks, self.bars, self.numbers)

    def row(self, index: int) -> VGroup:
        return VGroup(self.names[index], self.tracks[index], self.bars[index], self.numbers[index])


class MatrixPanel(VGroup):
    """``W x + b = z`` for one layer, as matrices of the real numbers.

    Parameters
    ----------
    layer
        The layer whose weights, inputs, bias and weighted sums are shown.
    max_width, max_height
        The box the panel must fit in.
    theme
        The colours; ``None`` gives the dark theme.

    Attributes
    ----------
    weights, inputs, bias, z
        The four matrices, in the order they appear.
    """

    def __init__(
        self, layer: LayerTrace, *, max_width: float, max_height: float, theme: Theme | None = None, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        theme = theme or DARK

        def column(values: np.ndarray) -> np.ndarray:
            return np.array([[float(format_value(v))] for v in values])

        config = {"element_to_mobject_config": {"num_decimal_places": 2}, "v_buff": 0.6, "h_buff": 1.5}
        self.weights = DecimalMatrix([[float(format_value(w)) for w in row] for row in layer.weights], **config)
        self.inputs = DecimalMatrix(column(layer.inputs), **config)
        self.bias = DecimalMatrix(column(layer.bias), **config)
        self.z = DecimalMatrix(column(layer.z), **config)
        for matrix in (self.weights, self.inputs, self.bias, self.z):
            matrix.set_color(theme.text)
        columns = layer.weights.shape[1]
        for index, entry in enumerate(self.weights.get_entries()):
            entry.set_color(theme.weight_color(layer.weights[index // columns, index % columns]))
        previous = "x" if layer.index == 1 else f"a^{{({layer.index - 1})}}"
        # Plain names; the rule beside the panel gives the layer's superscripts.
        self.symbols = VGroup(*(MathTex(name, font_size=40, color=theme.text) for name in ("W", previous, "b", "z")))
        plus = MathTex("+", font_size=48, color=theme.text)
        equals = MathTex("=", font_size=48, color=theme.text)
        self.body = VGroup(self.weights, self.inputs, plus, self.bias, equals, self.z).arrange(RIGHT, buff=0.25)
        # The matrices shrink to fit, and the names above them keep a readable size. When
        # the names would shrink the entries below MIN_ENTRY_HEIGHT, they are left out:
        # the rule beside the panel names the matrices too.
        entry_height = self.weights.get_entries()[0].height
        fit_within(self.body, max_width, max_height - self.symbols.height - 0.12)
        if self.weights.get_entries()[0].height < MIN_ENTRY_HEIGHT:
            self.body.scale(entry_height / self.weights.get_entries()[0].height)
            fit_within(self.body, max_width, max_height)
            self.symbols = VGroup()
        # One baseline for all the names (none has a descender), above the tallest matrix:
        # W when the layer grows, x when it shrinks.
        baseline = max(matrix.get_top()[1] for matrix in (self.weights, self.inputs, self.bias, self.z)) + 0.1
        for symbol, matrix in zip(self.symbols, (self.weights, self.inputs, self.bias, self.z)):
            symbol.set_x(matrix.get_x()).align_to([0, baseline, 0], DOWN)
        self.add(self.body, self.symbols)

    def row(self, index: int) -> VGroup:
        """Row ``index`` of ``W`` with the matching entries of ``b`` and ``z``."""
        return VGroup(self.weights.get_rows()[index], self.bias.get_rows()[index], self.z.get_rows()[index])

    def row_marker(self, index: int, color) -> VGroup:
        """One box around each part of row ``index``, leaving ``x`` in between uncovered."""
        return VGroup(*(surround(part, color=color, buff=0.06) for part in self.row(index)))
