"""One training step of the same network: the loss, every gradient and the update, in timed phases.

Render from the repository root::

    manim -pqh scenes/backward_pass.py BackwardPassScene

The sequel to the forward pass (``scenes/forward_pass.py``), from the same
network file, theme and language: it needs the file's ``target`` and uses its
``learning_rate``. Every number on screen comes from
:func:`network_model.training_step`, computed once in ``setup``. To change the
pacing, edit ``PHASES``.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    DashedVMobject,
    FadeIn,
    GrowFromEdge,
    LaggedStart,
    MathTex,
    ReplacementTransform,
    Text,
    Transform,
    VGroup,
    Write,
)

from activation_text import FUNCTION_TEXT
from forward_pass import PANEL_BOTTOM_Y, PANEL_TOP_Y, PROBABILITY_LEFT_X, PROBABILITY_WIDTH, ForwardPassScene
from gradient_panels import (
    OuterProductPanel,
    UpdatePanel,
    backward_lines,
    loss_lines,
    output_error_lines,
    vector_text,
)
from network_model import (
    MAX_HIDDEN_LAYERS,
    format_exact,
    format_probability,
    format_signed,
    format_value,
    training_step,
)
from panels import ProbabilityPanel, one_path_per_part, surround
from phased_scene import SetupError
from restyle import fade_in, fade_out
from style import network_glow

__all__ = ["BackwardPassScene", "backward_phase"]

MIN_ENTRY_HEIGHT = 0.12
"""An update panel whose numbers would be smaller than this shows one neuron's weights instead of the layer's."""
STAND_IN_PHASE = "Layer 1 backward"
"""A hidden layer with no ``PHASES`` entry of its own lasts as long as this phase."""


def backward_phase(layer: int) -> str:
    """The name of the phase that takes hidden layer ``layer``'s δ, counted from 1."""
    return f"Layer {layer} backward"


class BackwardPassScene(ForwardPassScene):
    """One step of gradient descent: the forward pass's end, the loss, the δs layer by layer, the update.

    Hidden layer ``k`` plays in ``Layer k backward``, from the last hidden layer to
    the first; one without an entry lasts as long as ``Layer 1 backward``.
    """

    PHASES = {
        "Recap": 4.0,
        "Loss": 6.0,
        "Output error": 7.0,
        "Layer 2 backward": 9.0,
        "Layer 1 backward": 9.0,
        "Weight gradients": 7.0,
        "Update": 7.0,
        "Forward again": 6.0,
        "Outro": 4.0,
    }
    """Phase name to seconds, in the order the phases play."""

    PROGRAM = "backward_pass"

    GRADIENT_LAYER: int | None = None
    """The layer whose ``∂L/∂W`` and update are written out as matrices; ``None``: the smallest matrix, the last of equals."""

    # ------------------------------------------------------------------ setup

    def compute(self) -> None:
        self.step = training_step(self.network)
        layers = len(self.network.weights)
        if not (isinstance(self.gradient_layer, int) and 1 <= self.gradient_layer <= layers):
            raise SetupError(
                f"{type(self).__name__}.GRADIENT_LAYER: expected a layer from 1 to {layers}, "
                f"or None for the smallest matrix, got {self.GRADIENT_LAYER!r}"
            )
        self.clipped_shown = False
        """Whether a backward phase has shown a neuron that ReLU clipped: one is enough."""

    @property
    def symbol(self) -> str:
        """The loss's letter: ``L`` for cross-entropy, ``E`` for squared error, as the textbooks write them."""
        return "L" if self.network.loss == "cross_entropy" else "E"

    @property
    def by_class(self) -> bool:
        """Whether the story speaks of the target class's probability: a class target, and softmax outputs."""
        return self.network.target_class is not None and self.network.output_activation == "softmax"

    @property
    def heading(self) -> str:
        return self.words.backward_title

    def phase_names(self) -> list[str]:
        hidden = [backward_phase(layer) for layer in range(self.network.hidden_layer_count, 0, -1)]
        return ["Recap", "Loss", "Output error", *hidden, "Weight gradients", "Update", "Forward again", "Outro"]

    def phases_per_layer(self) -> tuple[list[str], dict[str, str]]:
        hidden = self.network.hidden_layer_count
        optional = [backward_phase(layer) for layer in range(hidden + 1, MAX_HIDDEN_LAYERS + 1)]
        return optional, {backward_phase(layer): STAND_IN_PHASE for layer in range(2, hidden + 1)}

    @property
    def gradient_layer(self) -> int:
        """The layer of :attr:`GRADIENT_LAYER`, counted from 1 for the first hidden layer."""
        if self.GRADIENT_LAYER is not None:
            return self.GRADIENT_LAYER
        sizes = [matrix.size for matrix in self.network.weights]
        return max(index for index, size in enumerate(sizes, 1) if size == min(sizes))

    def _rule_rows(self, captioned: list[tuple[str, str]]) -> VGroup:
        """The panel's rule, each formula drawn as one path per part: the network moves beneath it."""
        return one_path_per_part(super()._rule_rows(captioned))

    # ------------------------------------------------------------------ the story

    def construct(self) -> None:
        self.recap()
        self.show_loss()
        self.show_output_error()
        for layer in range(self.network.hidden_layer_count, 0, -1):
            self.backward_hidden_layer(layer)
        self.show_weight_gradients()
        self.update_weights()
        self.forward_again()
        self.sum_up()

    # ------------------------------------------------------------------ phases

    def recap(self) -> None:
        """The forward pass's end: every activation, the outputs and the prediction."""
        trace, words, diagram = self.trace, self.words, self.diagram
        panel = self.probability_panel
        inputs = vector_text(self.network.inputs)
        names, shown = self._top_names()
        probability = format_value(trace.probabilities[trace.top_classes[0]])
        sigmoid = self.network.output_activation == "sigmoid"
        summary, _ = self._result()
        self.work = self._in_panel(Text(summary, font=self.font, font_size=30, color=self.theme.text))
        self.top_box = self._top_boxes(panel, trace.top_classes)
        with self.phase("Recap"):
            self._say(
                words.say_recap_output if sigmoid else words.say_recap,
                inputs=inputs,
                name=shown,
                probability=probability,
            )
            self.beat(
                Write(self.title),
                FadeIn(self.architecture, shift=0.2 * DOWN),
                diagram.create(),
                fade_in(self.input_labels),
                share=0.25,
            )
            self.beat(
                *(
                    animation
                    for layer, values in enumerate(trace.activations)
                    for animation in diagram.activate(layer, values, self.glows[layer])
                ),
                fade_in(self.panel),
                fade_in(self.work),
                fade_in(panel.names),
                fade_in(panel.tracks),
                *(GrowFromEdge(bar, LEFT) for bar in panel.bars),
                fade_in(panel.numbers),
                fade_in(self.top_box),
                share=0.22,
            )

    def show_loss(self) -> None:
        step, network, words = self.step, self.network, self.words
        if network.loss == "cross_entropy":
            rule = self._rule_rows([(words.loss_caption, r"L = -\sum_k y_k \log p_k")])
        else:
            rule = self._rule_rows([(words.loss_caption, r"E = \tfrac{1}{2} \sum_k (t_k - o_k)^2")])
        work = self._in_work_area(loss_lines(step, self.work_width, theme=self.theme))
        marks = VGroup()
        if network.target_class is not None:
            name = self.probability_panel.names[network.target_class]
            marks.add(DashedVMobject(surround(name, color=self.theme.text, buff=0.07), num_dashes=24))
        loss = format_value(step.loss)
        with self.phase("Loss"):
            if network.loss == "cross_entropy":
                index = network.target_class
                self._say(
                    words.say_loss_class,
                    name=network.class_names[index],
                    index=index,
                    probability=format_probability(step.before.outputs[index]),
                    loss=loss,
                )
            else:
                self._say(words.say_loss_outputs, targets=vector_text(network.target), loss=loss)
            self.rule = rule
            self.beat(fade_out(self.work), fade_in(self.panel_divider), fade_in(rule), share=0.15)
            self.beat(fade_in(work[0]), *(Write(mark) for mark in marks), share=0.15)
            self.pause_point()
            self.beat(Write(work[1]), share=0.2)
        self.work = VGroup(work, marks)

    def show_output_error(self) -> None:
        step, words = self.step, self.words
        output = len(self.network.layer_sizes) - 1
        delta = step.gradients[-1].delta
        if self.network.loss == "cross_entropy":
            tex, cue = r"\delta = \frac{\partial L}{\partial z} = p - y", words.say_output_error
        else:
            tex, cue = r"\delta = \frac{\partial E}{\partial z} = (o - t)\, o (1 - o)", words.say_output_error_sigmoid
        rule = self._rule_rows([(words.error_caption, tex)])
        work = self._in_work_area(output_error_lines(step, self.work_width, theme=self.theme))
        self.tags = {output: self._tags(output, delta)}
        with self.phase("Output error"):
            self._say(cue, deltas=vector_text(delta, signed=True))
            self.beat(fade_out(self.work), self._new_rule(rule), share=0.1)
            self.beat(Write(work[0]), share=0.15)
            self.pause_point()
            self.beat(fade_in(work[1]), share=0.1)
            self.beat(
                LaggedStart(*(FadeIn(tag, shift=0.1 * LEFT) for tag in self.tags[output]), lag_ratio=0.2), share=0.15
            )
        self.work = work

    def _tags(self, layer: int, deltas) -> VGroup:
        return VGroup(*(self.diagram.gradient_tag(layer, index, value) for index, value in enumerate(deltas)))

    def _backward_focus(self, layer: int) -> int:
        """The neuron whose δ is written out.

        ReLU: a neuron it clipped, if the layer has one that the gradient reaches and
        no later layer showed one yet, so the viewer sees ``f′(z) = 0`` stop the
        gradient; otherwise, and for every other function, the largest ``|δ|``.
        """
        trace = self.trace.layers[layer - 1]
        gradients = self.step.gradients[layer - 1]
        if trace.activation == "relu" and not self.clipped_shown:
            clipped = [j for j, z in enumerate(trace.z) if z <= 0 and format_value(gradients.back[j]) != "0.00"]
            if clipped:
                self.clipped_shown = True
                return max(clipped, key=lambda j: abs(gradients.back[j]))
        return int(np.argmax(np.abs(gradients.delta)))

    def backward_hidden_layer(self, layer: int) -> None:
        with self.phase(backward_phase(layer)):
            self._backward_hidden_layer(layer)

    def _backward_hidden_layer(self, layer: int) -> None:
        trace, above = self.trace.layers[layer - 1], self.trace.layers[layer]
        gradients = self.step.gradients[layer - 1]
        delta_above = self.step.gradients[layer].delta
        focus = self._backward_focus(layer)
        diagram, words = self.diagram, self.words
        function = FUNCTION_TEXT[trace.activation]
        rule = self._rule_rows(
            [
                (
                    words.backward_caption,
                    r"\delta = (W^{\top} \delta) \odot f'(z)",
                ),
                (words.slope_caption, function.slope),
            ]
        )
        lines = self._in_work_area(
            backward_lines(above, delta_above, trace, gradients, focus, self.work_width, theme=self.theme)
        )
        self.tags[layer] = self._tags(layer, gradients.delta)
        self._say(words.say_backward, layer=layer)
        self.beat(fade_out(self.work), self._new_rule(rule), share=0.06)
        self.beat(*diagram.flow_back(layer + 1), share=0.1)
        self.beat(*diagram.spotlight_from(layer, focus), share=0.04)
        back, z = format_signed(gradients.back[focus]), trace.z[focus]
        clipped = trace.activation == "relu" and z <= 0
        if clipped:
            self._say(words.say_backward_clipped, layer=layer, neuron=focus, back=back, z=format_value(z))
        else:
            self._say(
                words.say_backward_neuron,
                layer=layer,
                neuron=focus,
                back=back,
                slope=format_value(gradients.slope[focus]),
                delta=format_signed(gradients.delta[focus]),
            )
        self.beat(LaggedStart(*(fade_in(part) for part in lines[0]), lag_ratio=0.1), share=0.14)
        self.pause_point()
        self.beat(Write(lines[1]), share=0.1)
        self.hold(0.12)
        self.pause_point()
        self._say(words.say_backward_layer, layer=layer, deltas=vector_text(gradients.delta, signed=True))
        self.beat(LaggedStart(*(FadeIn(tag, shift=0.1 * LEFT) for tag in self.tags[layer]), lag_ratio=0.15), share=0.12)
        self.beat(*diagram.restore_edges(layer + 1), share=0.03)
        self.work = lines

    def show_weight_gradients(self) -> None:
        layer = self.gradient_layer
        trace, gradients = self.trace.layers[layer - 1], self.step.gradients[layer - 1]
        previous = "x^{\\top}" if layer == 1 else f"a^{{({layer - 1})\\top}}"
        rule = self._rule_rows(
            [
                (
                    self.words.gradient_caption,
                    f"\\frac{{\\partial {self.symbol}}}{{\\partial W^{{({layer})}}}} = \\delta^{{({layer})}} {previous}",
                ),
                (
                    self.words.gradient_caption,
                    f"\\frac{{\\partial {self.symbol}}}{{\\partial b^{{({layer})}}}} = \\delta^{{({layer})}}",
                ),
            ]
        )
        table = self._in_work_area(
            OuterProductPanel(
                trace,
                gradients,
                max_width=self.work_width,
                max_height=PANEL_TOP_Y - PANEL_BOTTOM_Y - 0.25,
                theme=self.theme,
            )
        )
        row, column = np.unravel_index(int(np.argmax(np.abs(gradients.weights))), gradients.weights.shape)
        marker = table.entry_marker(int(row), int(column), self.theme.accent)
        self.dimmed_connections = [index for index in range(len(self.diagram.edges)) if index != layer - 1]
        with self.phase("Weight gradients"):
            self._say(self.words.say_weight_gradients, layer=layer, symbol=self.symbol)
            self.beat(
                fade_out(self.work),
                self._new_rule(rule),
                *self.diagram.dim_edges(self.dimmed_connections),
                fade_in(table),
                share=0.1,
            )
            self.hold(0.12)
            self.pause_point()
            self._say(
                self.words.say_gradient_entry,
                delta=format_signed(gradients.delta[row]),
                a=format_value(trace.inputs[column]),
                gradient=format_signed(gradients.weights[row, column]),
            )
            self.beat(fade_in(marker), share=0.1)
            self.beat(*self.diagram.glow_gradients(layer - 1, gradients.weights), share=0.1)
        self.work = VGroup(table, marker)

    def update_weights(self) -> None:
        layer = self.gradient_layer
        step = self.step
        rate = format_exact(step.learning_rate)
        rule = self._rule_rows(
            [
                (
                    self.words.update_caption,
                    f"W \\leftarrow W - \\eta\\, \\frac{{\\partial {self.symbol}}}{{\\partial W}}",
                ),
                (self.words.rate_caption, f"\\eta = {rate}"),
            ]
        )
        gradient = step.gradients[layer - 1].weights

        def panel_of(row):
            return UpdatePanel(
                self.network.weights[layer - 1],
                gradient,
                step.updated.weights[layer - 1],
                step.learning_rate,
                max_width=self.work_width,
                max_height=PANEL_TOP_Y - PANEL_BOTTOM_Y - 0.25,
                theme=self.theme,
                row=row,
                symbol=self.symbol,
            )

        panel = panel_of(None)
        if panel.entry_height < MIN_ENTRY_HEIGHT:
            # Too wide to read whole: the weights into the neuron whose step is largest.
            panel = panel_of(int(np.argmax(np.max(np.abs(gradient), axis=1))))
        panel = self._in_work_area(panel)
        with self.phase("Update"):
            self._say(self.words.say_update, rate=rate, symbol=self.symbol)
            self.beat(fade_out(self.work), self._new_rule(rule), fade_in(panel), share=0.2)
            self.pause_point()
            self.beat(*self.diagram.reweight(step.updated.weights), share=0.12)
        self.work = panel

    def forward_again(self) -> None:
        step, diagram, words = self.step, self.diagram, self.words
        after = step.after
        symbol = "p" if self.network.output_activation == "softmax" else "o"
        work = self._in_work_area(
            VGroup(
                MathTex(
                    f"{symbol}:\\ "
                    + vector_text(step.before.outputs).replace(", ", ",\\ ")
                    + r"\ \rightarrow\ "
                    + vector_text(after.outputs).replace(", ", ",\\ "),
                    font_size=38,
                    color=self.theme.text,
                ),
                MathTex(
                    f"{self.symbol}:\\ {format_value(step.loss)}\\ \\rightarrow\\ {format_value(step.loss_after)}",
                    font_size=38,
                    color=self.theme.text,
                ),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        )
        one_path_per_part(work)
        rule = self._rule_rows([(words.layer_caption, r"z = W' a + b'")])
        old_panel = self.probability_panel
        new_panel = ProbabilityPanel(
            self.network.class_names,
            after.probabilities,
            [neuron.get_y() for neuron in diagram.layers[-1]],
            left=PROBABILITY_LEFT_X,
            width=PROBABILITY_WIDTH,
            font_size=26,
            row_height=min(0.36, diagram.spacing * 0.8),
            theme=self.theme,
            font=self.font,
        )
        glows = network_glow(after.activations)
        new_box = self._top_boxes(new_panel, after.top_classes)
        tags = VGroup(*self.tags.values())
        with self.phase("Forward again"):
            self._say(
                words.say_forward_again,
                before=vector_text(step.before.outputs),
                after=vector_text(after.outputs),
                loss=format_value(step.loss),
                loss_after=format_value(step.loss_after),
            )
            self.beat(fade_out(self.work), fade_out(tags), self._new_rule(rule), share=0.1)
            self.beat(
                *(
                    animation
                    for layer, values in enumerate(after.activations)
                    if layer > 0
                    for animation in diagram.activate(layer, values, glows[layer])
                ),
                *(Transform(old, new) for old, new in zip(old_panel.bars, new_panel.bars)),
                *(ReplacementTransform(old, new) for old, new in zip(old_panel.numbers, new_panel.numbers)),
                ReplacementTransform(self.top_box, new_box),
                share=0.15,
            )
            self.pause_point()
            self.beat(fade_in(work), share=0.12)
        self.top_box = new_box
        self.work = work

    def sum_up(self) -> None:
        step, words, network = self.step, self.words, self.network
        rate = format_exact(step.learning_rate)
        loss, loss_after = format_value(step.loss), format_value(step.loss_after)
        if self.by_class:
            index = network.target_class
            values = {
                "name": network.class_names[index],
                "before": format_value(step.before.outputs[index]),
                "after": format_value(step.after.outputs[index]),
            }
            text = words.summary_step_class.format(rate=rate, loss=loss, loss_after=loss_after, **values)
            cue = (words.say_outro_class, values)
        else:
            values = {"before": vector_text(step.before.outputs), "after": vector_text(step.after.outputs)}
            text = words.summary_step_outputs.format(rate=rate, loss=loss, loss_after=loss_after, **values)
            cue = (words.say_outro_outputs, {})
        summary = self._in_panel(Text(text, font=self.font, font_size=30, color=self.theme.text))
        with self.phase("Outro"):
            self._say(cue[0], rate=rate, loss=loss, loss_after=loss_after, **cue[1])
            self.beat(
                fade_out(self.work), fade_out(self.rule), fade_out(self.panel_divider), fade_in(summary), share=0.3
            )
