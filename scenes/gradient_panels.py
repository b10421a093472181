"""The backward pass's panels: the loss, the errors, one neuron's δ, ``δ aᵀ`` and the update.

Every number here is formatted from a :class:`~network_model.TrainingStep`; none is
typed in. A gradient is written with its sign (``+0.73``, ``−0.73``) and in the
theme's gradient colour, so that it never reads as a weight.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, MathTex, MobjectMatrix, VGroup

from activation_text import FUNCTION_TEXT
from network_model import (
    LayerGradients,
    LayerTrace,
    TrainingStep,
    format_exact,
    format_probability,
    format_signed,
    format_value,
)
from panels import MATH_FONT_SIZE, fit_within, one_path_per_part, sum_lines, surround
from style import Theme

__all__ = [
    "MAX_WRITTEN_OUTPUTS",
    "OuterProductPanel",
    "UpdatePanel",
    "backward_lines",
    "loss_lines",
    "output_error_lines",
    "vector_text",
]

TABLE_FONT_SIZE = 40
"""The numbers of ``δ aᵀ``."""
MAX_WRITTEN_OUTPUTS = 3
"""A sum over the outputs is written term by term up to this many outputs; beyond, the first terms and an ellipsis."""


def level_rows(matrix: MobjectMatrix) -> MobjectMatrix:
    """Set every entry of each row on one baseline: the matrix centres each entry, and a ``+`` reaches lower than a digit."""
    for row in matrix.get_rows():
        baseline = row[0].family_members_with_points()[-1].get_bottom()[1]
        for entry in row[1:]:
            entry.shift((baseline - entry.family_members_with_points()[-1].get_bottom()[1]) * UP)
    return matrix


def vector_text(values: Sequence[float], signed: bool = False) -> str:
    """``(0.73, 0.27)``, or with ``signed`` ``(+0.73, -0.73)``: for subtitles and formulas."""
    form = format_signed if signed else format_value
    return "(" + ", ".join(form(value) for value in values) + ")"


def _tex_vector(values: Sequence[float], signed: bool = False) -> str:
    form = format_signed if signed else format_value
    return "(" + ",\\ ".join(form(value) for value in values) + ")"


def loss_lines(step: TrainingStep, max_width: float, *, theme: Theme) -> VGroup:
    """The target and the loss written out with its real numbers.

    Cross-entropy with a target class: ``y = (0, 1)`` and ``L = −log p_1 = −log 0.27 = 1.31``.
    Squared error: ``t = (...)`` and ``E = ½((t_0 − o_0)² + ...) = 0.30``.
    """
    network, outputs = step.network, step.before.outputs
    target = network.target
    if network.loss == "cross_entropy":
        index = network.target_class
        head = MathTex("y = (" + ",\\ ".join(f"{value:g}" for value in target) + ")", font_size=MATH_FONT_SIZE)
        loss = MathTex(
            f"L = -\\log p_{{{index}}} = -\\log {format_probability(outputs[index])} = {format_value(step.loss)}",
            font_size=MATH_FONT_SIZE,
        )
    else:
        head = MathTex("t = " + _tex_vector(target), font_size=MATH_FONT_SIZE)
        terms = [f"({format_value(t)} - {format_value(o)})^2" for t, o in zip(target, outputs)]
        if len(terms) > MAX_WRITTEN_OUTPUTS:
            terms = [*terms[: MAX_WRITTEN_OUTPUTS - 1], r"\cdots"]
        loss = MathTex(
            r"E = \tfrac{1}{2}\big(" + " + ".join(terms) + r"\big) = " + format_value(step.loss),
            font_size=MATH_FONT_SIZE,
        )
    lines = VGroup(head, loss).set_color(theme.text).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
    return one_path_per_part(fit_within(lines, max_width))


def output_error_lines(step: TrainingStep, max_width: float, *, theme: Theme) -> VGroup:
    """``δ = ∂L/∂z`` of every output neuron, written out, then as one signed vector in the gradient's colour."""
    outputs, target = step.before.outputs, step.network.target
    delta = step.gradients[-1].delta
    if step.network.loss == "cross_entropy":
        pairs = [f"{format_value(p)} - {y:g}" for p, y in zip(outputs, target)]
        worked = MathTex(r"\delta = p - y = (" + ",\\ ".join(pairs) + ")", font_size=MATH_FONT_SIZE)
        if len(pairs) > MAX_WRITTEN_OUTPUTS:
            worked = MathTex(r"\delta = p - y", font_size=MATH_FONT_SIZE)
    else:
        k = int(np.argmax(np.abs(delta)))
        o, t = format_value(outputs[k]), format_value(target[k])
        worked = MathTex(
            f"\\delta_{{{k}}} = (o_{{{k}}} - t_{{{k}}})\\, o_{{{k}}}(1 - o_{{{k}}})"
            f" = ({o} - {t}) \\cdot {o} \\cdot (1 - {o}) = {format_signed(delta[k])}",
            font_size=MATH_FONT_SIZE,
        )
    worked.set_color(theme.text)
    result = MathTex(r"\delta = " + _tex_vector(delta, signed=True), font_size=MATH_FONT_SIZE, color=theme.gradient)
    return one_path_per_part(fit_within(VGroup(worked, result).arrange(DOWN, aligned_edge=LEFT, buff=0.25), max_width))


def backward_lines(
    above: LayerTrace,
    delta_above: np.ndarray,
    layer: LayerTrace,
    gradients: LayerGradients,
    neuron: int,
    max_width: float,
    *,
    theme: Theme,
) -> VGroup:
    """One neuron's ``δ``: ``(Wᵀδ)_j = Σ_i w_ij δ_i`` with every term, then ``δ_j = (Wᵀδ)_j · f′(z_j)``.

    The weights are coloured by sign as on their edges, the δs of the layer above in the gradient's colour.
    """
    terms = []
    for index, (w, d) in enumerate(zip(above.weights[:, neuron], delta_above)):
        text = format_value(w)
        negative = text.startswith("-")
        sign = ("-" if negative else "") if index == 0 else ("-" if negative else "+")
        terms.append((sign, text.lstrip("-"), f"({format_signed(d)})", w))
    head = f"(W^{{({above.index})\\top}} \\delta^{{({above.index})}})_{{{neuron}}} ="
    back = gradients.back[neuron]
    total = sum_lines(head, terms, ["= " + format_signed(back)], max_width, theme=theme, factor_color=theme.gradient)
    function = FUNCTION_TEXT[layer.activation]
    slope = gradients.slope[neuron]
    delta = MathTex(
        f"\\delta^{{({layer.index})}}_{{{neuron}}} = ({format_signed(back)}) \\cdot "
        + function.slope_example(layer.z[neuron])
        + f" = ({format_signed(back)}) \\cdot {format_value(slope)}",
        "= " + format_signed(gradients.delta[neuron]),
        font_size=MATH_FONT_SIZE,
        color=theme.text,
    )
    delta[1].set_color(theme.gradient)
    lines = VGroup(total, delta).arrange(DOWN, aligned_edge=LEFT, buff=0.22)
    return one_path_per_part(fit_within(lines, max_width))


class OuterProductPanel(VGroup):
    """``∂L/∂W = δ aᵀ`` for one layer, laid out as a multiplication table.

    The layer's inputs ``aᵀ`` run along the top, one over each column; the
    layer's ``δ`` run down the left, one beside each row; each entry of the
    gradient is the product of its row's ``δ`` and its column's ``a``.

    Attributes
    ----------
    gradient, delta, inputs
        The three matrices: ``gradient`` is ``len(δ)`` by ``len(a)``.
    """

    def __init__(
        self,
        layer: LayerTrace,
        gradients: LayerGradients,
        *,
        max_width: float,
        max_height: float,
        theme: Theme,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        # Larger numbers on tighter rows than elsewhere: eight rows must stay readable in the panel.
        buffs = {"v_buff": 0.42, "h_buff": 1.35}

        def entries(rows, signed, color):
            form = format_signed if signed else format_value
            return [[MathTex(form(value), font_size=TABLE_FONT_SIZE, color=color) for value in row] for row in rows]

        self.gradient = MobjectMatrix(entries(gradients.weights, True, theme.gradient), **buffs)
        self.delta = MobjectMatrix(entries([[d] for d in gradients.delta], True, theme.gradient), **buffs)
        self.inputs = MobjectMatrix(entries([layer.inputs], False, theme.text), **buffs)
        for matrix in (self.gradient, self.delta, self.inputs):
            level_rows(matrix).get_brackets().set_color(theme.text)
        self.delta.next_to(self.gradient, LEFT, buff=0.35).match_y(self.gradient)
        self.inputs.next_to(self.gradient, UP, buff=0.12).match_x(self.gradient)
        previous = "x^{\\top}" if layer.index == 1 else f"a^{{({layer.index - 1})\\top}}"
        self.delta_name = MathTex(f"\\delta^{{({layer.index})}}", font_size=50, color=theme.gradient)
        self.delta_name.next_to(self.delta, UP, buff=0.12).match_y(self.inputs)
        self.inputs_name = MathTex(previous, font_size=58, color=theme.text)
        self.inputs_name.next_to(self.inputs, RIGHT, buff=0.2)
        self.add(self.delta, self.inputs, self.gradient, self.delta_name, self.inputs_name)
        one_path_per_part(fit_within(self, max_width, max_height))

    def entry_marker(self, row: int, column: int, color) -> VGroup:
        """Boxes around one entry of the gradient and the ``δ`` and ``a`` it is the product of."""
        columns = len(self.inputs.get_entries())
        parts = (
            self.delta.get_entries()[row],
            self.inputs.get_entries()[column],
            self.gradient.get_entries()[row * columns + column],
        )
        return VGroup(*(surround(part, color=color, buff=0.06) for part in parts))


class UpdatePanel(VGroup):
    """``W − η ∂L/∂W = W′`` for one layer: the old weights, the step and the new weights, with their numbers.

    With ``row``, only the weights into that neuron, one row of each matrix
    stacked, for a layer too wide to show whole at a readable size.

    Attributes
    ----------
    old, step, new
        The three matrices, in the order they appear.
    """

    def __init__(
        self,
        old: np.ndarray,
        gradient: np.ndarray,
        new: np.ndarray,
        rate: float,
        *,
        max_width: float,
        max_height: float,
        theme: Theme,
        row: int | None = None,
        symbol: str = "L",
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        buffs = {"v_buff": 0.55, "h_buff": 1.0}
        step = rate * gradient
        if row is not None:
            old, step, new = old[row : row + 1], step[row : row + 1], new[row : row + 1]

        def matrix(values, form, colors):
            rows = [
                [MathTex(form(value), font_size=MATH_FONT_SIZE, color=colors(value)) for value in line]
                for line in values
            ]
            found = level_rows(MobjectMatrix(rows, **buffs))
            found.get_brackets().set_color(theme.text)
            return found

        self.old = matrix(old, format_value, theme.weight_color)
        self.step = matrix(step, format_signed, lambda value: theme.gradient)
        self.new = matrix(new, format_value, theme.weight_color)
        rate_text = format_exact(rate)
        if row is None:
            minus = MathTex("-", font_size=48, color=theme.text)
            equals = MathTex("=", font_size=48, color=theme.text)
            self.body = VGroup(self.old, minus, self.step, equals, self.new).arrange(RIGHT, buff=0.25)
            self.names = VGroup(
                MathTex("W", font_size=44, color=theme.text).next_to(self.old, UP, buff=0.12),
                MathTex(
                    f"{rate_text}\\,\\tfrac{{\\partial {symbol}}}{{\\partial W}}", font_size=44, color=theme.gradient
                ).next_to(self.step, UP, buff=0.12),
                MathTex("W'", font_size=44, color=theme.text).next_to(self.new, UP, buff=0.12),
            )
            baseline = max(name.get_bottom()[1] for name in self.names)
            for name in self.names:
                name.align_to([0, baseline, 0], DOWN)
        else:
            self.body = VGroup(self.old, self.step, self.new).arrange(DOWN, buff=0.15)
            self.names = VGroup(
                MathTex(f"w_{{{row}}}", font_size=40, color=theme.text),
                MathTex(
                    f"-\\ {rate_text}\\,\\tfrac{{\\partial {symbol}}}{{\\partial w_{{{row}}}}}",
                    font_size=40,
                    color=theme.gradient,
                ),
                MathTex(f"= w'_{{{row}}}", font_size=40, color=theme.text),
            )
            for name, matrix_ in zip(self.names, (self.old, self.step, self.new)):
                name.next_to(matrix_, LEFT, buff=0.25)
            right = max(name.get_right()[0] for name in self.names)
            for name in self.names:
                name.align_to([right, 0, 0], RIGHT)
        self.add(self.body, self.names)
        one_path_per_part(fit_within(self, max_width, max_height))

    @property
    def entry_height(self) -> float:
        """The height of the tallest entry, as drawn: how readable the panel is."""
        return max(entry.height for matrix in (self.old, self.step, self.new) for entry in matrix.get_entries())
