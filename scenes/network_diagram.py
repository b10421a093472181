"""The network drawn as neurons and weighted edges, with methods that return animations."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    TAU,
    UP,
    Animation,
    AnimationGroup,
    Arc,
    Circle,
    Create,
    DecimalNumber,
    FadeIn,
    FadeOut,
    LaggedStart,
    Line,
    MathTex,
    RoundedRectangle,
    ShowPassingFlash,
    Text,
    VGroup,
    VMobject,
)

from network_model import format_signed, format_value
from panels import one_path_per_part
from restyle import fade_in, restyle
from style import (
    DARK,
    SIGN_CUE_DASHES,
    SIGN_CUE_RADIUS,
    SIGN_CUE_WIDTH,
    Theme,
    shows_negative,
)

__all__ = ["NetworkDiagram"]

HALO_RING_SCALES = (1.3, 1.6, 1.95)
HALO_RING_OPACITIES = (0.38, 0.2, 0.09)
MAX_SPACING = 1.05
"""The largest distance between neighbouring neurons, for short layers."""
RADIUS_PER_SPACING = 0.4
"""A neuron's radius as a share of the spacing, so dense layers keep a gap."""
VALUE_FIT = 1.8
"""A value label inside a neuron is at most this many radii wide: at 0.6 radii tall, its corners stay inside the circle."""
TITLE_FONT_SIZE = 24
TITLE_FIT = 0.85
"""A layer title is at most this share of the distance between two layers wide."""
WEIGHT_LABEL_FONT_SIZE = 26
"""The weight labels' size at full spacing; denser layers get smaller labels."""
WEIGHT_LABEL_POSITION = 0.36
"""How far along its edge, from the source neuron, a weight label sits."""
GRADIENT_TAG_HEIGHT = 0.62
"""A δ tag's height, in neuron spacings at most: neighbouring tags keep a gap."""
GRADIENT_TAG_ROOM = 0.75
"""A δ tag's width, as a share of the room between two layers at most: the room holds one layer's tags."""
GRADIENT_TAG_MIN_HEIGHT = 0.14
"""A δ's height at least, in scene units, so that small neurons keep readable tags."""


def dashed_ring(radius: float, dashes: int, dashed_share: float = 0.55) -> VMobject:
    """A circle drawn as ``dashes`` arcs, centred on the origin: one mobject, each dash a subpath of it.

    One mobject rather than a group of dashes keeps the diagram light to copy,
    which every animation of it does.
    """
    ring = VMobject()
    step = TAU / dashes
    for index in range(dashes):
        ring.append_points(Arc(radius=radius, start_angle=index * step, angle=dashed_share * step).points)
    return ring


def _light_halo(halo: VGroup, color, level: float) -> VGroup:
    """Light the rings of a neuron's halo to ``level``, from 0 (dark) to 1."""
    for ring, opacity in zip(halo, HALO_RING_OPACITIES):
        ring.set_fill(color, opacity=opacity * level)
    return halo


class NetworkDiagram(VGroup):
    """A fully connected network: neurons as circles and edges styled by weight.

    Parameters
    ----------
    layer_sizes
        Neurons per layer, the input layer first.
    weights
        One matrix per connection, with shape ``(layer_sizes[l + 1], layer_sizes[l])``.
    theme
        The colours; ``None`` gives the dark theme.
    layer_titles
        A short title above each layer, or ``None`` for none.
    font
        The font family of the titles.
    width
        Distance between the centres of the first and the last layer.
    height
        Room for the tallest layer, from the top of its first neuron to the bottom of its last.
    max_radius
        The largest neuron radius; dense layers get smaller neurons.

    Attributes
    ----------
    layers
        ``layers[l][j]`` is neuron ``j`` of layer ``l`` (a :class:`~manim.Circle`).
    halos
        ``halos[l][j]`` is the glow around that neuron, dark until it is activated.
    signs
        ``signs[l][j]`` is the dashed ring that marks a negative value in that
        neuron, hidden while its value is not negative.
    edges
        ``edges[c]`` holds the edges from layer ``c`` to layer ``c + 1``;
        :meth:`edge` picks one out by its neurons.
    titles
        ``titles[l]`` names layer ``l``.
    values
        ``values[l]`` holds the numbers shown inside layer ``l``, once shown.
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        weights: Sequence[np.ndarray],
        *,
        theme: Theme | None = None,
        layer_titles: Sequence[str] | None = None,
        font: str = "sans-serif",
        width: float = 7.8,
        height: float = 3.7,
        max_radius: float = 0.34,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.theme = theme or DARK
        self.font = font
        self.layer_sizes = tuple(int(size) for size in layer_sizes)
        self.weights = tuple(np.asarray(matrix, dtype=float) for matrix in weights)
        self.max_abs_weight = max(float(np.max(np.abs(matrix))) for matrix in self.weights)
        tallest = max(self.layer_sizes)
        # The tallest column, (tallest - 1) * spacing + 2 * radius, fills the height.
        self.spacing = min(MAX_SPACING, height / (tallest - 1 + 2 * RADIUS_PER_SPACING))
        self.radius = min(max_radius, RADIUS_PER_SPACING * self.spacing)
        self._layer_xs = np.linspace(-width / 2, width / 2, len(self.layer_sizes))

        self.edges = VGroup()
        self.halos = VGroup()
        self.layers = VGroup()
        self.signs = VGroup()
        self.values = VGroup(*(VGroup() for _ in self.layer_sizes))
        self.titles = VGroup()
        self._add_neurons()
        self._add_halos()
        self._add_signs()
        self._add_edges()
        self._add_titles(layer_titles)
        self.add(self.edges, self.halos, self.layers, self.signs, self.values, self.titles)

    # ------------------------------------------------------------------ building

    def _neuron_position(self, layer: int, index: int) -> np.ndarray:
        count = self.layer_sizes[layer]
        y = ((count - 1) / 2 - index) * self.spacing
        return np.array([self._layer_xs[layer], y, 0.0])

    def _add_neurons(self) -> None:
        for layer, count in enumerate(self.layer_sizes):
            column = VGroup()
            for index in range(count):
                neuron = Circle(radius=self.radius)
                neuron.set_stroke(self.theme.neuron_outline, width=2.5)
                neuron.set_fill(self.theme.neuron_fill_color(0.0), opacity=1.0)
                neuron.move_to(self._neuron_position(layer, index))
                column.add(neuron)
            self.layers.add(column)

    def _add_halos(self) -> None:
        for column in self.layers:
            halo_column = VGroup()
            for neuron in column:
                rings = VGroup(
                    *(
                        Circle(radius=self.radius * scale, stroke_width=0)
                        .set_fill(self.theme.active_neuron, opacity=0.0)
                        .move_to(neuron)
                        for scale in HALO_RING_SCALES
                    )
                )
                halo_column.add(rings)
            self.halos.add(halo_column)

    def _add_signs(self) -> None:
        for column in self.layers:
            sign_column = VGroup()
            for neuron in column:
                radius = self.radius * SIGN_CUE_RADIUS
                dashes = dashed_ring(radius, SIGN_CUE_DASHES).move_to(neuron)
                dashes.set_stroke(self.theme.sign_cue, width=SIGN_CUE_WIDTH)
                # A dark band under the dashes sets them off from the edges and the glow.
                band = Circle(radius=radius).move_to(neuron).set_stroke(self.theme.background, width=SIGN_CUE_WIDTH + 4)
                sign_column.add(VGroup(band, dashes).set_stroke(opacity=0.0))
            self.signs.add(sign_column)

    def _add_edges(self) -> None:
        for connection, matrix in enumerate(self.weights):
            group = VGroup()
            for target in range(matrix.shape[0]):
                for source in range(matrix.shape[1]):
                    start = self._neuron_position(connection, source)
                    end = self._neuron_position(connection + 1, target)
                    direction = (end - start) / np.linalg.norm(end - start)
                    line = Line(start + direction * self.radius, end - direction * self.radius)
                    style = self.theme.edge_style(matrix[target, source], self.max_abs_weight)
                    line.set_stroke(style.color, width=style.width, opacity=style.opacity)
                    group.add(line)
            self.edges.add(group)

    def _add_titles(self, layer_titles: Sequence[str] | None) -> None:
        count = len(self.layer_sizes)
        if layer_titles is None:
            return
        top = self.spacing * (max(self.layer_sizes) - 1) / 2 + self.radius
        labels = [
            Text(title, font=self.font, font_size=TITLE_FONT_SIZE, color=self.theme.dim_text) for title in layer_titles
        ]
        if count > 1:
            # One size for every title, so that the widest keeps a gap to its neighbours.
            room = TITLE_FIT * (self._layer_xs[1] - self._layer_xs[0])
            widest = max(label.width for label in labels)
            if widest > room:
                for label in labels:
                    label.scale(room / widest)
        for layer, label in enumerate(labels):
            label.move_to([self._layer_xs[layer], 0, 0])
            label.align_to([0, top + 0.14 + 0.32, 0], UP)
            self.titles.add(label)

    # ------------------------------------------------------------------ handles

    def edge(self, connection: int, target: int, source: int) -> Line:
        """The edge from neuron ``source`` of layer ``connection`` to ``target`` of the next."""
        return self.edges[connection][target * self.layer_sizes[connection] + source]

    def edges_into(self, layer: int, target: int) -> VGroup:
        """The edges that feed neuron ``target`` of ``layer`` (``layer`` >= 1)."""
        count = self.layer_sizes[layer - 1]
        return VGroup(*self.edges[layer - 1][target * count : (target + 1) * count])

    def value_label(self, layer: int, index: int, value: float, level: float) -> DecimalNumber:
        """A number sized to sit inside a neuron, coloured to read on its fill."""
        number = DecimalNumber(
            float(format_value(value)),
            num_decimal_places=2,
            font_size=26,
            color=self.theme.neuron_text_color(level),
        )
        number.scale_to_fit_height(self.radius * 0.6)
        if number.width > VALUE_FIT * self.radius:
            number.scale_to_fit_width(VALUE_FIT * self.radius)
        return number.move_to(self.layers[layer][index])

    def weight_label(self, connection: int, target: int, source: int) -> VGroup:
        """The weight of one edge, on a tag on the edge near its source neuron."""
        weight = self.weights[connection][target, source]
        font_size = WEIGHT_LABEL_FONT_SIZE * min(1.0, self.spacing / 0.85)
        line = self.edge(connection, target, source)
        color = self.theme.weight_color(weight)
        label = MathTex(format_value(weight), font_size=font_size, color=color)
        label.move_to(line.point_from_proportion(WEIGHT_LABEL_POSITION))
        tag = RoundedRectangle(
            width=label.width + 0.16, height=label.height + 0.12, corner_radius=0.06, stroke_width=1.5
        )
        tag.set_fill(self.theme.background, opacity=1.0).set_stroke(color, opacity=1.0).move_to(label)
        return VGroup(tag, label)

    # ------------------------------------------------------------------ animations
    #
    # These return lists of animations, each on a part of the diagram, to unpack into
    # ``Scene.play``. An ``AnimationGroup`` would wrap its parts in a new ``Group`` that
    # manim adds to the scene on top of everything, lifting the edges above the weight
    # labels; the diagram as a whole is the group only in :meth:`create`, which brings it in.

    def create(self) -> AnimationGroup:
        """Bring in the network: titles and neurons, then the edges layer by layer."""
        neurons = LaggedStart(*(FadeIn(column, shift=0.2 * DOWN) for column in self.layers), lag_ratio=0.15)
        edges = LaggedStart(*(Create(group) for group in self.edges), lag_ratio=0.3)
        # The halos are dark until a layer is activated; fading them in keeps their place.
        # The sign rings come in with the diagram, hidden until a value is negative.
        halos = fade_in(self.halos)
        return AnimationGroup(fade_in(self.titles), neurons, edges, halos, lag_ratio=0.2, group=self)

    def flow_into(self, layer: int) -> list[Animation]:
        """Pulses of light travel along every edge into ``layer``."""
        pulses = []
        for line in self.edges[layer - 1]:
            pulse = line.copy().set_stroke(self.theme.accent, width=line.get_stroke_width() + 3, opacity=1.0)
            pulses.append(ShowPassingFlash(pulse, time_width=0.6))
        return pulses

    def activate(self, layer: int, values: Sequence[float], levels: Sequence[float]) -> list[Animation]:
        """Every neuron of ``layer`` takes its value: fill and glow by level, number inside.

        ``levels`` give the brightness, from 0 to 1 (:func:`style.network_glow`); a
        value shown with a minus sign also wears a dashed ring.
        Numbers already shown in the layer (the logits, say) fade out as the new ones fade in.
        """
        animations = []
        new_values = VGroup()
        for index, (value, level) in enumerate(zip(values, levels)):
            negative = shows_negative(value)
            neuron = self.layers[layer][index]
            animations.append(restyle(neuron, VMobject.set_fill, self.theme.neuron_fill_color(level), opacity=1.0))
            animations.append(restyle(self.halos[layer][index], _light_halo, self.theme.active_neuron, float(level)))
            sign = self.signs[layer][index]
            if negative or sign.get_stroke_opacity() > 0:
                animations.append(restyle(sign, VMobject.set_stroke, opacity=1.0 if negative else 0.0))
            new_values.add(self.value_label(layer, index, value, level))
        old_values = self.values[layer]
        # The handle moves to the new numbers at once; the old ones fade out on their own.
        self.values[layer] = new_values
        if len(old_values):
            animations.append(FadeOut(old_values, scale=0.6))
        animations.append(FadeIn(new_values, scale=0.6))
        return animations

    def spotlight(self, layer: int, target: int, dim_to: float = 0.12) -> list[Animation]:
        """Bring out the edges that feed neuron ``target`` of ``layer`` and dim the rest into it."""
        focus = set(self.edges_into(layer, target))
        return [
            restyle(line, VMobject.set_stroke, opacity=1.0 if line in focus else dim_to)
            for line in self.edges[layer - 1]
        ]

    def dim_edges(self, connections: Sequence[int], opacity: float = 0.08) -> list[Animation]:
        """Fade the edges of the given connections into the background."""
        return [restyle(line, VMobject.set_stroke, opacity=opacity) for c in connections for line in self.edges[c]]

    # ------------------------------------------------------------------ the backward pass

    def gradient_tag(self, layer: int, index: int, value: float) -> VGroup:
        """``δ`` of one neuron, signed (``+0.73``, ``−0.73``), on a tag just left of the neuron, in the gradient's colour.

        The left, where the edges come in: the right of the output layer holds the
        class names, and the tags of a hidden layer leave the weights' side free.
        """
        neuron = self.layers[layer][index]
        color = self.theme.gradient
        label = MathTex(format_signed(value), font_size=26, color=color)
        label.scale_to_fit_height(max(self.radius * 0.55, GRADIENT_TAG_MIN_HEIGHT))
        room = GRADIENT_TAG_ROOM * (self._layer_xs[1] - self._layer_xs[0] - 2 * self.radius)
        if label.width + 0.14 > room:
            label.scale_to_fit_width(room - 0.14)
        tag = RoundedRectangle(
            width=label.width + 0.14,
            height=min(label.height + 0.12, GRADIENT_TAG_HEIGHT * self.spacing),
            corner_radius=0.05,
            stroke_width=2,
        )
        tag.set_fill(self.theme.background, opacity=1.0).set_stroke(color, opacity=1.0)
        # Clear of the dashed ring that a negative value wears around the neuron.
        tag.next_to(neuron, LEFT, buff=(SIGN_CUE_RADIUS - 1) * self.radius + 0.05)
        label.move_to(tag)
        return VGroup(tag, one_path_per_part(label))

    def flow_back(self, layer: int) -> list[Animation]:
        """Pulses in the gradient's colour run backward along every edge from ``layer`` to the layer before it."""
        pulses = []
        for line in self.edges[layer - 1]:
            pulse = Line(line.get_end(), line.get_start())
            pulse.set_stroke(self.theme.gradient, width=line.get_stroke_width() + 3, opacity=1.0)
            pulses.append(ShowPassingFlash(pulse, time_width=0.6))
        return pulses

    def spotlight_from(self, layer: int, source: int, dim_to: float = 0.12) -> list[Animation]:
        """Bring out the edges that leave neuron ``source`` of ``layer`` and dim the rest out of that layer."""
        focus = {id(self.edge(layer, target, source)) for target in range(self.layer_sizes[layer + 1])}
        return [
            restyle(line, VMobject.set_stroke, opacity=1.0 if id(line) in focus else dim_to)
            for line in self.edges[layer]
        ]

    def glow_gradients(self, connection: int, gradients: np.ndarray) -> list[Animation]:
        """Every edge of ``connection`` glows in the gradient's colour by its ``|∂L/∂w|``."""
        largest = float(np.max(np.abs(gradients)))
        animations = []
        for (target, source), gradient in np.ndenumerate(gradients):
            style = self.theme.gradient_edge_style(gradient, largest)
            line = self.edge(connection, target, source)
            animations.append(restyle(line, VMobject.set_stroke, style.color, width=style.width, opacity=style.opacity))
        return animations

    def reweight(self, weights: Sequence[np.ndarray]) -> list[Animation]:
        """Every edge takes the width and colour of its new weight, on the scale the old weights set."""
        self.weights = tuple(np.asarray(matrix, dtype=float) for matrix in weights)
        animations = []
        for connection, matrix in enumerate(self.weights):
            for (target, source), weight in np.ndenumerate(matrix):
                style = self.theme.edge_style(weight, self.max_abs_weight)
                line = self.edge(connection, target, source)
                animations.append(
                    restyle(line, VMobject.set_stroke, style.color, width=style.width, opacity=style.opacity)
                )
        return animations

    def restore_edges(self, layer: int) -> list[Animation]:
        """Undo :meth:`spotlight` and :meth:`dim_edges`: every edge into ``layer`` returns to its weight's style."""
        matrix = self.weights[layer - 1]
        animations = []
        for target in range(matrix.shape[0]):
            for source in range(matrix.shape[1]):
                style = self.theme.edge_style(matrix[target, source], self.max_abs_weight)
                line = self.edge(layer - 1, target, source)
                animations.append(restyle(line, VMobject.set_stroke, opacity=style.opacity))
        return animations
