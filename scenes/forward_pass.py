"""One forward pass through a small fully connected network, in timed phases.

Render from the repository root::

    manim -pqh scenes/forward_pass.py ForwardPassScene

The network comes from ``assets/network.json``, or from the file named by
``$FORWARD_PASS_NETWORK``: one to four hidden layers, each with its function.
Every number on screen is computed from it in :meth:`ForwardPassScene.setup`.
To change the pacing, edit ``PHASES``. ``$FORWARD_PASS_THEME`` (``dark`` or
``light``) picks the colours and ``$FORWARD_PASS_LANGUAGE`` (``en`` or ``zh``)
the words on screen and in the subtitles.
"""

from __future__ import annotations

import numpy as np
from manim import (
    BOLD,
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circumscribe,
    FadeIn,
    GrowFromEdge,
    LaggedStart,
    Line,
    MathTex,
    ReplacementTransform,
    RoundedRectangle,
    Text,
    VGroup,
    VMobject,
    Write,
)

from activation_text import FUNCTION_TEXT
from fonts import FontError, choose_font
from languages import LanguageError, language_named
from manim_adapters import FastScene
from network_diagram import NetworkDiagram
from network_model import MAX_HIDDEN_LAYERS, NetworkFileError, format_value, forward, load_network
from panels import (
    SUBTITLE_TERMS_SHOWN,
    MatrixPanel,
    ProbabilityPanel,
    activation_line,
    fit_within,
    sigmoid_lines,
    softmax_lines,
    surround,
    weighted_sum_lines,
    weighted_sum_text,
)
from phased_scene import PhasedScene, SetupError, check_latex
from restyle import fade_in, fade_out, restyle
from style import SIGN_CUE_RADIUS, ThemeError, network_glow, shows_negative, theme_named

__all__ = ["ForwardPassScene", "hidden_phase"]

# Where things sit on the 14.2 x 8 frame.
DIAGRAM_LEFT_X = -5.45
DIAGRAM_WIDTH = 7.55
LAYER_TITLE_ROOM = 0.62
"""Between the header and the top neuron: the layer titles and their gaps."""
COMPACT_HEADER_FROM = 6
"""A layer this tall puts the title and the architecture on one line, leaving the neurons more room."""
COMPACT_HEADER_HEIGHT = 0.3
"""That line's height at most: Chinese glyphs stand taller than Latin capitals of the same font size,
and would take the room the dense layers' numbers need."""
PANEL_TOP_Y = -1.78
PANEL_BOTTOM_Y = -3.9
PANEL_LEFT_X = -6.85
PANEL_RIGHT_X = 6.85
PANEL_SPLIT_X = -2.55
PROBABILITY_LEFT_X = 2.95
PROBABILITY_WIDTH = 3.85


STAND_IN_PHASE = "Layer 2 forward"
"""A hidden layer beyond the second with no ``PHASES`` entry of its own lasts as long as this phase."""


def hidden_phase(layer: int) -> str:
    """The name of the phase that plays hidden layer ``layer``, counted from 1."""
    return f"Layer {layer} forward"


class ForwardPassScene(FastScene, PhasedScene):
    """A forward pass: the inputs, one to four hidden layers, and softmax or sigmoid at the output.

    Subclass it and override ``PHASES`` to change the pacing; every beat inside a
    phase is a share of that phase's seconds, so the video always lasts the sum of
    the phases played. Hidden layer ``k`` plays in the phase ``Layer k forward``;
    one without an entry lasts as long as ``Layer 2 forward``, and entries for
    hidden layers the network lacks are not played.
    """

    PHASES = {
        "Intro": 3.0,
        "Input layer": 4.0,
        "Layer 1 forward": 10.0,
        "Layer 2 forward": 8.0,
        "Output layer": 6.0,
        "Prediction": 5.0,
        "Weight matrix": 6.0,
        "Outro": 4.0,
    }
    """Phase name to seconds, in the order the phases play."""

    MATRIX_LAYER = 1
    """The layer whose ``W x + b = z`` the weight-matrix phase writes out."""

    MAX_WEIGHT_LABELS = 4
    """At most this many edges into the neuron whose sum is shown carry their weight."""

    MAX_NAMED_TIES = 3
    """A tie of more classes than this is called by its count on screen; the subtitles name them all."""

    THEME: str | None = None
    """The colours, ``"dark"`` or ``"light"``; ``None`` reads ``$FORWARD_PASS_THEME``, else dark."""

    LANGUAGE: str | None = None
    """The words on screen and in the subtitles, ``"en"`` or ``"zh"``; ``None`` reads ``$FORWARD_PASS_LANGUAGE``, else en."""

    # ------------------------------------------------------------------ setup

    def setup(self) -> None:
        """Check everything, run the forward pass once, and build what the phases show."""
        with self.stop_on(NetworkFileError, SetupError, ThemeError, LanguageError, FontError):
            self.network = load_network()
            self.theme = theme_named(self.THEME)
            self.words = language_named(self.LANGUAGE)
            self.font = choose_font(self.words, [*self.words.texts(), *self.network.class_names])
            check_latex()
            self.trace = forward(self.network)
            self.compute()
        optional, stand_ins = self.phases_per_layer()
        self.start_timeline(
            self.phase_names(),
            inputs=(self.network.describe(), self.theme, self.words, self.font),
            # The mathematics is the same LaTeX in every theme and language.
            formula_inputs=self.network.describe(),
            optional=optional,
            stand_ins=stand_ins,
        )
        self.weight_labels: dict[int, VGroup] = {}
        self.camera.background_color = self.theme.background
        self._build_frame()

    def compute(self) -> None:
        """Compute what the story needs beyond the forward pass; a ``NetworkFileError`` here stops in one line."""

    def phase_names(self) -> list[str]:
        """The phases this network's story plays, in order: one per hidden layer between the fixed ones."""
        hidden = [hidden_phase(layer) for layer in range(1, self.network.hidden_layer_count + 1)]
        return ["Intro", "Input layer", *hidden, "Output layer", "Prediction", "Weight matrix", "Outro"]

    def phases_per_layer(self) -> tuple[list[str], dict[str, str]]:
        """The hidden layers' phases that this network lacks, and the entry each layer without its own takes."""
        hidden = self.network.hidden_layer_count
        optional = [hidden_phase(layer) for layer in range(hidden + 1, MAX_HIDDEN_LAYERS + 1)]
        return optional, {hidden_phase(layer): STAND_IN_PHASE for layer in range(3, hidden + 1)}

    @property
    def heading(self) -> str:
        """The title at the top."""
        return self.words.title

    def _build_frame(self) -> None:
        network, trace, theme, words = self.network, self.trace, self.theme, self.words
        sizes = ", ".join(str(size) for size in network.layer_sizes)
        compact = max(network.layer_sizes) >= COMPACT_HEADER_FROM
        self.title = Text(self.heading, font=self.font, font_size=34 if compact else 42, weight=BOLD, color=theme.text)
        self.architecture = Text(
            words.architecture.format(
                sizes=sizes, hidden=words.hidden_summary(network.hidden_activations), output=network.output_activation
            ),
            font=self.font,
            font_size=22 if compact else 24,
            color=theme.dim_text,
        )
        if compact:
            self.architecture.next_to(self.title, RIGHT, buff=0.5, aligned_edge=DOWN)
            header = VGroup(self.title, self.architecture)
            fit_within(header, PANEL_RIGHT_X - PANEL_LEFT_X, COMPACT_HEADER_HEIGHT)
            header.to_edge(UP, buff=0.25).set_x(0)
        else:
            self.title.to_edge(UP, buff=0.28)
            fit_within(self.architecture, PANEL_RIGHT_X - PANEL_LEFT_X)
            self.architecture.next_to(self.title, DOWN, buff=0.14)

        top = self.architecture.get_bottom()[1] - LAYER_TITLE_ROOM
        bottom = PANEL_TOP_Y + 0.15  # room for the bottom neurons' glow above the panel
        self.diagram = NetworkDiagram(
            network.layer_sizes,
            network.weights,
            theme=theme,
            layer_titles=words.layer_titles(len(network.layer_sizes)),
            font=self.font,
            width=DIAGRAM_WIDTH,
            height=top - bottom,
        )
        self.diagram.shift(
            (DIAGRAM_LEFT_X - self.diagram.layers[0][0].get_x()) * RIGHT
            + ((top + bottom) / 2 - self.diagram.layers.get_y()) * UP
        )
        # How brightly each neuron glows once lit: one scale for the inputs and every hidden layer.
        self.glows = network_glow(trace.activations)
        self.input_labels = self._input_labels()

        self.panel = RoundedRectangle(
            width=PANEL_RIGHT_X - PANEL_LEFT_X,
            height=PANEL_TOP_Y - PANEL_BOTTOM_Y,
            corner_radius=0.15,
            stroke_width=0,
        ).set_fill(theme.panel, opacity=1.0)
        self.panel.move_to([(PANEL_LEFT_X + PANEL_RIGHT_X) / 2, (PANEL_TOP_Y + PANEL_BOTTOM_Y) / 2, 0])
        self.panel_divider = Line(
            [PANEL_SPLIT_X, PANEL_TOP_Y - 0.25, 0], [PANEL_SPLIT_X, PANEL_BOTTOM_Y + 0.25, 0], stroke_width=1.5
        ).set_stroke(theme.dim_text, opacity=0.5)
        self.rule = self._activation_rule(network.hidden_activations[0])

        self.probability_panel = ProbabilityPanel(
            network.class_names,
            trace.probabilities,
            [neuron.get_y() for neuron in self.diagram.layers[-1]],
            left=PROBABILITY_LEFT_X,
            width=PROBABILITY_WIDTH,
            font_size=26,
            row_height=min(0.36, self.diagram.spacing * 0.8),
            theme=theme,
            font=self.font,
        )

    def _input_labels(self) -> VGroup:
        """Beside each input neuron, its name from the file, or ``x₀, x₁, ...``.

        Names share one size, the largest at which the longest fits between the
        frame's margin and its neuron, broken over two lines where that reads larger.
        """
        neurons = self.diagram.layers[0]
        if not self.network.input_names:
            return VGroup(
                *(
                    MathTex(f"x_{{{i}}}", font_size=34, color=self.theme.dim_text).next_to(neuron, LEFT, buff=0.16)
                    for i, neuron in enumerate(neurons)
                )
            )
        room = neurons[0].get_left()[0] - (SIGN_CUE_RADIUS - 1) * self.diagram.radius - 0.08 - (PANEL_LEFT_X + 0.05)
        height = min(0.9 * self.diagram.spacing, 0.62)

        def label(name: str, lines: int) -> Text:
            words = name.split()
            if lines == 2 and len(words) > 1:
                cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
                name = " ".join(words[:cut]) + "\n" + " ".join(words[cut:])
            return Text(name, font=self.font, font_size=22, color=self.theme.dim_text, line_spacing=0.8)

        best = None
        for lines in (1, 2):
            labels = [label(name, lines) for name in self.network.input_names]
            scale = min(1.0, room / max(t.width for t in labels), height / max(t.height for t in labels))
            if best is None or scale > best[0] * 1.15:
                best = (scale, labels)
        scale, labels = best
        # Clear of the dashed ring that a negative input wears.
        buff = (SIGN_CUE_RADIUS - 1) * self.diagram.radius + 0.08
        group = VGroup()
        for text, neuron in zip(labels, neurons):
            group.add(text.scale(scale).next_to(neuron, LEFT, buff=buff))
        return group

    def _rule(self, equation: str, activation: str) -> VGroup:
        """The left column of the panel: the layer equation and the activation."""
        return self._rule_rows([(self.words.layer_caption, equation), (self.words.activation_caption, activation)])

    def _rule_rows(self, captioned: list[tuple[str, str]]) -> VGroup:
        """The left column of the panel: each row a caption and a formula, the formulas aligned."""
        rows = VGroup()
        for caption, tex in captioned:
            label = Text(caption, font=self.font, font_size=22, color=self.theme.dim_text)
            math = MathTex(tex, font_size=38, color=self.theme.text)
            rows.add(VGroup(label, math))
        label_width = max(row[0].width for row in rows)
        for row in rows:
            row[1].next_to(row[0], RIGHT, buff=0.3 + label_width - row[0].width)
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        for row in rows:
            row[1].align_to(rows[0][1], LEFT)
        fit_within(rows, PANEL_SPLIT_X - PANEL_LEFT_X - 0.5, PANEL_TOP_Y - PANEL_BOTTOM_Y - 0.4)
        return rows.move_to([(PANEL_LEFT_X + PANEL_SPLIT_X) / 2, (PANEL_TOP_Y + PANEL_BOTTOM_Y) / 2, 0])

    def _in_panel(self, mobject):
        """Place ``mobject`` in the middle of the whole panel, for a phase without the rule beside it."""
        fit_within(mobject, PANEL_RIGHT_X - PANEL_LEFT_X - 0.7, PANEL_TOP_Y - PANEL_BOTTOM_Y - 0.35)
        return mobject.move_to(self.panel)

    def _activation_rule(self, function: str) -> VGroup:
        """The panel's rule for a hidden layer with ``function``: the weighted sum, then ``a = f(z)``."""
        text = FUNCTION_TEXT[function]
        return self._rule(r"z = Wx + b", f"a = {text.apply('z')} {text.definition}".rstrip())

    def _new_rule(self, rule: VGroup) -> ReplacementTransform:
        """The animation that puts ``rule`` in the panel in place of the rule shown; ``self.rule`` is then ``rule``."""
        old, self.rule = self.rule, rule
        return ReplacementTransform(old, rule)

    def _in_work_area(self, mobject):
        """Place ``mobject`` in the right-hand part of the panel, left-aligned and centred vertically."""
        max_width = PANEL_RIGHT_X - PANEL_SPLIT_X - 0.6
        fit_within(mobject, max_width, PANEL_TOP_Y - PANEL_BOTTOM_Y - 0.35)
        mobject.move_to([PANEL_SPLIT_X + 0.35, (PANEL_TOP_Y + PANEL_BOTTOM_Y) / 2, 0], aligned_edge=LEFT)
        return mobject

    @property
    def work_width(self) -> float:
        return PANEL_RIGHT_X - PANEL_SPLIT_X - 0.6

    # ------------------------------------------------------------------ the story

    def construct(self) -> None:
        self.introduce_network()
        self.show_inputs()
        for layer in range(1, self.network.hidden_layer_count + 1):
            self.forward_hidden_layer(layer)
        self.compute_output_layer()
        self.announce_prediction()
        self.show_weight_matrix()
        self.show_full_network()

    # ------------------------------------------------------------------ phases

    def _say(self, wordings: tuple[str, ...], **values) -> None:
        """Start a subtitle cue from one entry of the language table, filled in with ``values``."""
        self.say(*(wording.format(**values) for wording in wordings))

    def introduce_network(self) -> None:
        functions = self.network.hidden_activations
        with self.phase("Intro"):
            self._say(
                self.words.say_intro,
                sizes=", ".join(map(str, self.network.layer_sizes)),
                functions=self.words.intro_summary(functions),
                names=self.words.function_names(functions),
                output=self.network.output_activation,
            )
            self.beat(Write(self.title), FadeIn(self.architecture, shift=0.2 * DOWN), share=0.3)
            self.beat(self.diagram.create(), share=0.45)

    def show_inputs(self) -> None:
        inputs = self.network.inputs
        vector = "(" + ", ".join(format_value(x) for x in inputs) + ")"
        rows = VGroup(
            VGroup(
                Text(self.words.input_caption, font=self.font, font_size=22, color=self.theme.dim_text),
                MathTex(f"x = {vector}", font_size=40, color=self.theme.text),
            ).arrange(RIGHT, buff=0.3)
        )
        network = self.network
        if network.raw_inputs is not None:
            pairs = ",\\ ".join(
                f"{format_value(raw)} \\to {format_value(x)}" for raw, x in zip(network.raw_inputs, inputs)
            )
            rows.add(
                VGroup(
                    Text(self.words.scaled_caption, font=self.font, font_size=22, color=self.theme.dim_text),
                    MathTex(r"\frac{x - \mu}{\sigma}:\ " + pairs, font_size=36, color=self.theme.text),
                ).arrange(RIGHT, buff=0.3)
            )
            rows.arrange(DOWN, buff=0.3)
            rows[0].align_to(rows[1], LEFT)
        self.input_vector = self._in_panel(rows)
        with self.phase("Input layer"):
            if network.input_names or network.raw_inputs is not None:
                names = network.input_names or [f"x{i}" for i in range(len(inputs))]
                raw = network.raw_inputs if network.raw_inputs is not None else inputs
                named = self.words.list_separator.join(
                    f"{name} {format_value(value)}"
                    + (f" → {format_value(x)}" if network.raw_inputs is not None else "")
                    for name, value, x in zip(names, raw, inputs)
                )
                self._say(self.words.say_inputs_named, vector=vector, named=named)
            else:
                self._say(self.words.say_inputs, vector=vector)
            self.beat(fade_in(self.panel), fade_in(self.input_vector), share=0.2)
            self.beat(
                *self.diagram.activate(0, inputs, self.glows[0]),
                FadeIn(self.input_labels, shift=0.1 * RIGHT),
                share=0.35,
            )

    def forward_hidden_layer(self, layer: int) -> None:
        with self.phase(hidden_phase(layer)):
            self._forward_hidden_layer(layer)

    def _focus_neuron(self, layer: int) -> int:
        """Pick the neuron whose sum is written out: one that shows the shape of the layer's function.

        ReLU: the first hidden layer shows its strongest neuron, later ones a neuron
        that ReLU clips, if one has a ``z`` that shows as negative in two decimals,
        so the viewer sees both cases. tanh and leaky ReLU: the most negative ``z``,
        if its activation shows as negative, where they part from ReLU. Sigmoid: the
        largest ``|z|``, where the curve bends toward 0 or 1. Otherwise the strongest.
        """
        trace = self.trace.layers[layer - 1]
        z = trace.z
        strongest = int(np.argmax(z))
        if trace.activation == "relu":
            clipped = [index for index, value in enumerate(z) if shows_negative(value)]
            if layer > 1 and clipped:
                # The closest call: the clipped neuron nearest to 0.
                return max(clipped, key=lambda index: z[index])
            return strongest
        if trace.activation in ("tanh", "leaky_relu"):
            lowest = int(np.argmin(z))
            return lowest if shows_negative(trace.a[lowest]) else strongest
        if trace.activation == "sigmoid":
            return int(np.argmax(np.abs(z)))
        return strongest

    def _labelled_sources(self, trace, focus: int) -> list[int]:
        """Pick the edges into the focus neuron that carry a weight label.

        All of them when there are few, else the strongest, so the labels never crowd.
        """
        weights = np.abs(trace.weights[focus])
        strongest = np.argsort(-weights, kind="stable")[: self.MAX_WEIGHT_LABELS]
        return sorted(int(source) for source in strongest)

    def _forward_hidden_layer(self, layer: int) -> None:
        trace = self.trace.layers[layer - 1]
        focus = self._focus_neuron(layer)
        diagram, words = self.diagram, self.words
        sum_lines = weighted_sum_lines(trace, focus, self.work_width, theme=self.theme)
        activation = activation_line(trace, focus, theme=self.theme)
        work = self._in_work_area(VGroup(sum_lines, activation).arrange(DOWN, aligned_edge=LEFT, buff=0.22))
        labels = VGroup(
            *(diagram.weight_label(layer - 1, focus, source) for source in self._labelled_sources(trace, focus))
        )
        previous = self.input_vector if layer == 1 else self.work

        self._say(words.say_layer, layer=layer)
        if layer == 1:
            self.beat(fade_out(previous), fade_in(self.panel_divider), fade_in(self.rule), share=0.05)
        elif trace.activation != self.trace.layers[layer - 2].activation:
            rule = self._activation_rule(trace.activation)
            self.beat(fade_out(previous), self._new_rule(rule), share=0.05)
        else:
            self.beat(fade_out(previous), Circumscribe(self.rule, color=self.theme.accent, buff=0.08), share=0.05)
        self.beat(*diagram.flow_into(layer), share=0.08)

        z, a = trace.z[focus], trace.a[focus]
        self._say(
            words.say_worked_sum,
            layer=layer,
            neuron=focus,
            sum=weighted_sum_text(trace, focus),
            sum_short=weighted_sum_text(trace, focus, shown=SUBTITLE_TERMS_SHOWN),
            z=format_value(z),
        )
        self.weight_labels[layer] = labels
        self.beat(*diagram.spotlight(layer, focus), fade_in(labels), share=0.07)
        self.beat(LaggedStart(*(fade_in(part) for line in sum_lines for part in line), lag_ratio=0.12), share=0.13)
        self.hold(0.27)
        self.pause_point()

        self._say(
            words.say_activation,
            layer=layer,
            verdict=words.functions[trace.activation].verdict(z),
            a=format_value(a),
            values="(" + ", ".join(format_value(value) for value in trace.a) + ")",
        )
        self.beat(Write(activation), share=0.07)
        self.pause_point()
        self.beat(*diagram.activate(layer, trace.a, self.glows[layer]), share=0.1)
        self.beat(*diagram.restore_edges(layer), share=0.05)
        self.work = work

    def compute_output_layer(self) -> None:
        trace = self.trace.layers[-1]
        diagram = self.diagram
        output = len(diagram.layer_sizes) - 1
        sigmoid = trace.activation == "sigmoid"
        rule = self._rule(r"z = Wx + b", r"o = \sigma(z)" if sigmoid else r"p = \mathrm{softmax}(z)")
        softmax = self._in_work_area(
            (sigmoid_lines if sigmoid else softmax_lines)(
                trace, self.trace.prediction, self.work_width, theme=self.theme
            )
        )
        panel = self.probability_panel
        logits = "(" + ", ".join(format_value(z) for z in trace.z) + ")"
        probabilities = "(" + ", ".join(format_value(p) for p in trace.a) + ")"
        with self.phase("Output layer"):
            self._say(self.words.say_logits, logits=logits)
            self.beat(fade_out(self.work), self._new_rule(rule), share=0.08)
            self.beat(*diagram.flow_into(output), share=0.12)
            self.beat(*diagram.activate(output, trace.z, np.zeros_like(trace.z)), share=0.08)
            self.pause_point()
            self._say(
                self.words.say_sigmoid_output if sigmoid else self.words.say_softmax,
                logits=logits,
                probabilities=probabilities,
            )
            self.beat(fade_in(softmax[0]), share=0.08)
            self.beat(Write(softmax[1]), share=0.12)
            self.pause_point()
            self.beat(
                *diagram.activate(output, trace.a, self.glows[output]),
                fade_in(panel.names),
                fade_in(panel.tracks),
                *(GrowFromEdge(bar, LEFT) for bar in panel.bars),
                fade_in(panel.numbers),
                share=0.15,
            )
        self.work = softmax

    def _top_names(self) -> tuple[list[str], str]:
        """The names of the top classes, and how the screen lists them: a long tie by its count."""
        names = [self.network.class_names[index] for index in self.trace.top_classes]
        if len(names) > self.MAX_NAMED_TIES:
            return names, self.words.many_classes.format(count=len(names))
        return names, self.words.listed(names)

    def announce_prediction(self) -> None:
        """Mark the class with the highest probability; on a tie, mark every tied class alike and name none."""
        trace, theme, words = self.trace, self.theme, self.words
        top = trace.top_classes
        names, shown = self._top_names()
        probability = format_value(trace.probabilities[top[0]])
        self.top_boxes = self._top_boxes(self.probability_panel, top)
        self.top_rings = VGroup(
            *(
                self.diagram.layers[-1][index].copy().set_fill(opacity=0).set_stroke(theme.winner, width=6).scale(1.18)
                for index in top
            )
        )
        if trace.is_tie:
            outputs = words.output_words(self.network.output_activation)
            equation = " = ".join(f"{outputs['symbol']}_{{{index}}}" for index in top) + f" = {probability}"
            verdict_text = words.tie.format(names=shown, probability=probability, **outputs)
            cue = (words.say_tie, {"names": words.listed(names), "probability": probability, **outputs})
        elif self.network.output_activation == "sigmoid":
            equation = r"\hat{y} = \arg\max_i\, o_i = " + str(top[0])
            verdict_text = words.prediction_output.format(name=names[0], probability=probability)
            cue = (words.say_prediction_output, {"name": names[0], "probability": probability})
        else:
            equation = r"\hat{y} = \arg\max_i\, p_i = " + str(top[0])
            verdict_text = words.prediction.format(name=names[0], probability=probability)
            cue = (words.say_prediction, {"name": names[0], "probability": probability})
        verdict = self._in_work_area(
            VGroup(
                MathTex(equation, font_size=40, color=theme.text),
                Text(verdict_text, font=self.font, font_size=28, color=theme.winner),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        )
        with self.phase("Prediction"):
            self._say(cue[0], **cue[1])
            self.beat(fade_out(self.work), fade_in(verdict[0]), share=0.2)
            self.beat(fade_in(self.top_boxes), FadeIn(self.top_rings, scale=1.3), fade_in(verdict[1]), share=0.25)
        self.work = verdict

    def show_weight_matrix(self) -> None:
        layer = self.MATRIX_LAYER
        trace = self.trace.layers[layer - 1]
        diagram = self.diagram
        matrix = self._in_work_area(
            MatrixPanel(
                trace, max_width=self.work_width, max_height=PANEL_TOP_Y - PANEL_BOTTOM_Y - 0.25, theme=self.theme
            )
        )
        previous = "x" if layer == 1 else f"a^{{({layer - 1})}}"
        rule = self._rule(
            f"z^{{({layer})}} = W^{{({layer})}} {previous} + b^{{({layer})}}",
            f"a^{{({layer})}} = " + FUNCTION_TEXT[trace.activation].apply(f"z^{{({layer})}}"),
        )
        self.dimmed_connections = [index for index in range(len(diagram.edges)) if index != layer - 1]
        rows = len(trace.z)
        accent = self.theme.accent
        marker = matrix.row_marker(0, accent)
        neuron_marker = diagram.layers[layer][0].copy().set_fill(opacity=0).set_stroke(accent, width=6).scale(1.15)
        with self.phase("Weight matrix"):
            self._say(self.words.say_matrix, layer=layer)
            self.beat(
                fade_out(self.work),
                self._new_rule(rule),
                *diagram.dim_edges(self.dimmed_connections),
                *(
                    restyle(labels, VMobject.set_opacity, 0.15)
                    for c, labels in self.weight_labels.items()
                    if c != layer
                ),
                fade_in(matrix),
                share=0.15,
            )
            self.beat(fade_in(marker), fade_in(neuron_marker), share=0.06)
            for row in range(1, rows):
                self.beat(
                    marker.animate.become(matrix.row_marker(row, accent)),
                    neuron_marker.animate.move_to(diagram.layers[layer][row]),
                    share=0.36 / max(rows - 1, 1),
                )
        self.work = VGroup(matrix, marker, neuron_marker)

    def _top_boxes(self, panel: ProbabilityPanel, top) -> VGroup:
        """A box in the winner's colour around each of the ``top`` rows of ``panel``."""
        return VGroup(
            *(surround(panel.row(index), color=self.theme.winner, buff=0.1, corner_radius=0.08) for index in top)
        )

    def _result(self) -> tuple[str, tuple]:
        """The forward pass in one line, ``x = (...) → Class 0, p = 0.73``, and the outro's cue for it."""
        trace, words = self.trace, self.words
        inputs = "(" + ", ".join(format_value(x) for x in self.network.inputs) + ")"
        names, shown = self._top_names()
        probability = format_value(trace.probabilities[trace.top_classes[0]])
        if trace.is_tie:
            outputs = words.output_words(self.network.output_activation)
            result = words.summary_tie.format(inputs=inputs, names=shown, probability=probability, **outputs)
            cue = (words.say_outro_tie, {"names": words.listed(names), **outputs})
        elif self.network.output_activation == "sigmoid":
            result = words.summary_output.format(inputs=inputs, name=names[0], probability=probability)
            cue = (words.say_outro_output, {"name": names[0]})
        else:
            result = words.summary.format(inputs=inputs, name=names[0], probability=probability)
            cue = (words.say_outro, {"name": names[0]})
        return result, (cue[0], {"inputs": inputs, "probability": probability, **cue[1]})

    def show_full_network(self) -> None:
        result, cue = self._result()
        summary = self._in_panel(Text(result, font=self.font, font_size=30, color=self.theme.text))
        with self.phase("Outro"):
            self._say(cue[0], **cue[1])
            self.beat(
                fade_out(self.work),
                fade_out(self.rule),
                fade_out(self.panel_divider),
                *(anim for c in self.dimmed_connections for anim in self.diagram.restore_edges(c + 1)),
                *(
                    restyle(labels, VMobject.set_opacity, 1.0)
                    for c, labels in self.weight_labels.items()
                    if c != self.MATRIX_LAYER
                ),
                fade_in(summary),
                share=0.3,
            )
