"""The network itself: parameters, validation and the forward pass, in plain numpy.

Nothing here imports manim, so every number the animation shows can be checked
in milliseconds. The scene asks this module for numbers and never computes its own.

The parameters file is JSON::

    {"layer_sizes": [3, 4, 4, 2],
     "inputs": [0.5, 0.8, 0.3],
     "weights": [W1, W2, W3],
     "biases": [b1, b2, b3],
     "class_names": ["Class 0", "Class 1"],
     "hidden_activation": "relu"}

``layer_sizes`` has 3 to 6 entries: the inputs, one to four hidden layers and the
classes. ``W_l`` is a list of rows with shape ``(layer_sizes[l + 1], layer_sizes[l])``,
so that ``z = W a + b``. The hidden layers use ``hidden_activation``: one of
``"relu"`` (the default), ``"sigmoid"``, ``"tanh"`` and ``"leaky_relu"`` (slope
:data:`LEAKY_SLOPE` below zero), or a list with one of them per hidden layer. The
output layer uses softmax. When ``weights`` and ``biases`` are both left out and
``seed`` is given, they are drawn from ``numpy.random.default_rng(seed)`` and
rounded to two decimals.

Every number must fit where it is shown: the inputs, weights and biases lie
within ``MAX_PARAMETER`` of 0, and every ``z`` and ``a`` the forward pass computes
within ``MAX_SHOWN_VALUE``, at the two decimals on screen. A file beyond either
bound is refused, with the field, or the layer and neuron, that is out of range.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "DEFAULT_ACTIVATION",
    "DEFAULT_NETWORK_PATH",
    "LEAKY_SLOPE",
    "MAX_HIDDEN_LAYERS",
    "MAX_LAYERS",
    "MAX_LAYER_SIZE",
    "MIN_LAYERS",
    "NETWORK_ENV_VAR",
    "ForwardTrace",
    "LayerTrace",
    "MAX_PARAMETER",
    "MAX_SHOWN_VALUE",
    "Network",
    "NetworkFileError",
    "check_trace",
    "format_factor",
    "format_value",
    "forward",
    "load_network",
    "network_path",
    "leaky_relu",
    "parse_network",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]

NETWORK_ENV_VAR = "FORWARD_PASS_NETWORK"
DEFAULT_NETWORK_PATH = Path(__file__).resolve().parent.parent / "assets" / "network.json"

MIN_LAYERS = 3
"""The fewest layers: inputs, one hidden layer, classes."""
MAX_LAYERS = 6
"""The most layers: inputs, four hidden layers, classes."""
MAX_HIDDEN_LAYERS = MAX_LAYERS - 2
MIN_LAYER_SIZE = 1
MAX_LAYER_SIZE = 8
MIN_CLASSES = 2
MAX_PARAMETER = 10.0
"""The largest magnitude of an input, a weight or a bias: ``-10.00`` is as wide as any number a neuron shows."""
MAX_SHOWN_VALUE = 99.99
"""The largest magnitude of a computed ``z`` or ``a``, as shown to two decimals: ``-99.99`` fits inside a neuron."""
REQUIRED_FIELDS = ("layer_sizes", "inputs", "weights", "biases", "class_names")


class NetworkFileError(ValueError):
    """A parameters file that cannot describe a network, with a one-line reason.

    The message names the file, the field and what is wrong, for example
    ``assets/network.json: weights[1]: expected shape (4, 4), got (4, 3)``.
    """

    def __init__(self, source: str, field: str | None, problem: str) -> None:
        self.source = source
        self.field = field
        self.problem = problem
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Network:
    """A validated fully connected network and the input it is shown with."""

    layer_sizes: tuple[int, ...]
    inputs: np.ndarray
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    class_names: tuple[str, ...]
    source: str = "<memory>"
    hidden_activations: tuple[str, ...] = ()
    """One function name per hidden layer; left empty, every hidden layer uses ReLU."""

    def __post_init__(self) -> None:
        if not self.hidden_activations:
            object.__setattr__(self, "hidden_activations", (DEFAULT_ACTIVATION,) * (len(self.layer_sizes) - 2))

    @property
    def hidden_layer_count(self) -> int:
        return len(self.layer_sizes) - 2

    def describe(self) -> tuple:
        """Everything that decides the network's numbers and names, as plain Python values."""
        return (
            self.layer_sizes,
            self.inputs.tolist(),
            [matrix.tolist() for matrix in self.weights],
            [vector.tolist() for vector in self.biases],
            self.class_names,
            self.hidden_activations,
        )


@dataclass(frozen=True)
class LayerTrace:
    """One step ``a_out = f(W a_in + b)`` of the forward pass, with every value kept."""

    index: int
    """1 for the first hidden layer, up to ``len(layer_sizes) - 1`` for the output layer."""
    inputs: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    z: np.ndarray
    a: np.ndarray
    activation: str
    """A name from :data:`ACTIVATIONS` for a hidden layer, ``"softmax"`` for the output layer."""

    @property
    def products(self) -> np.ndarray:
        """``weights * inputs``: the terms of every weighted sum, one row per neuron."""
        return self.weights * self.inputs[np.newaxis, :]


@dataclass(frozen=True)
class ForwardTrace:
    """Everything the animation shows, computed once before the first frame."""

    network: Network
    layers: tuple[LayerTrace, ...]

    @property
    def activations(self) -> tuple[np.ndarray, ...]:
        """The activations of every layer, the inputs first."""
        return (self.network.inputs, *(layer.a for layer in self.layers))

    @property
    def logits(self) -> np.ndarray:
        return self.layers[-1].z

    @property
    def probabilities(self) -> np.ndarray:
        return self.layers[-1].a

    @property
    def top_classes(self) -> tuple[int, ...]:
        """Every class whose probability, as shown to two decimals, equals the highest.

        One class is the prediction; more than one is a tie, and no class is predicted.
        """
        shown = format_value(float(np.max(self.probabilities)))
        return tuple(index for index, p in enumerate(self.probabilities) if format_value(p) == shown)

    @property
    def is_tie(self) -> bool:
        return len(self.top_classes) > 1

    @property
    def prediction(self) -> int:
        """The index of the class with the highest probability; on a tie, the first of :attr:`top_classes`."""
        return self.top_classes[0]

    @property
    def predicted_class(self) -> str:
        return self.network.class_names[self.prediction]


def relu(z: np.ndarray) -> np.ndarray:
    """Elementwise ``max(z, 0)``."""
    return np.maximum(np.asarray(z, dtype=float), 0.0)


LEAKY_SLOPE = 0.1
"""Leaky ReLU's slope below zero: large enough that the leak shows in two decimals."""


def leaky_relu(z: np.ndarray) -> np.ndarray:
    """Elementwise ``z`` above zero and ``LEAKY_SLOPE * z`` below."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Elementwise ``1 / (1 + e^-z)``, computed from ``e^-|z|`` so that it never overflows."""
    z = np.asarray(z, dtype=float)
    small = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def tanh(z: np.ndarray) -> np.ndarray:
    """Elementwise hyperbolic tangent."""
    return np.tanh(np.asarray(z, dtype=float))


ACTIVATIONS = {"relu": relu, "sigmoid": sigmoid, "tanh": tanh, "leaky_relu": leaky_relu}
"""The hidden layers' functions, by the name the parameters file gives them."""
DEFAULT_ACTIVATION = "relu"


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax that stays finite for huge logits: the largest logit is subtracted first."""
    z = np.asarray(z, dtype=float)
    shifted = np.exp(z - np.max(z))
    return shifted / shifted.sum()


def forward(network: Network) -> ForwardTrace:
    """Run the forward pass and keep every intermediate value."""
    a = network.inputs
    layers = []
    activations = (*network.hidden_activations, "softmax")
    for index, (weights, bias, activation) in enumerate(zip(network.weights, network.biases, activations), 1):
        z = weights @ a + bias
        out = softmax(z) if activation == "softmax" else ACTIVATIONS[activation](z)
        layers.append(LayerTrace(index, a, weights, bias, z, out, activation))
        a = out
    return ForwardTrace(network, tuple(layers))


def format_value(value: float, decimals: int = 2) -> str:
    """``value`` to ``decimals`` places, never ``-0.00``."""
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text


def format_factor(value: float) -> str:
    """``value`` as a factor inside a product: ``0.50``, or ``(-0.50)`` in parentheses."""
    text = format_value(value)
    return f"({text})" if text.startswith("-") else text


def network_path() -> Path:
    """The parameters file: ``$FORWARD_PASS_NETWORK`` if set, else ``assets/network.json``."""
    override = os.environ.get(NETWORK_ENV_VAR)
    return Path(override) if override else DEFAULT_NETWORK_PATH


def _display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_network(path: str | os.PathLike | None = None) -> Network:
    """Read and validate a parameters file; raise :class:`NetworkFileError` if it is wrong."""
    path = Path(path) if path is not None else network_path()
    source = _display_name(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NetworkFileError(source, None, "file not found") from None
    except IsADirectoryError:
        raise NetworkFileError(source, None, "is a directory, not a JSON file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise NetworkFileError(source, None, f"cannot be read ({error})") from None
    try:
        # NaN and Infinity decode to floats, so that validation can name the field they are in.
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NetworkFileError(
            source, None, f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    return parse_network(data, source)


def parse_network(data: object, source: str = "<memory>") -> Network:
    """Validate the decoded JSON ``data`` and build a :class:`Network` from it."""

    def fail(field: str | None, problem: str) -> NetworkFileError:
        return NetworkFileError(source, field, problem)

    if not isinstance(data, dict):
        raise fail(None, f"expected a JSON object at the top level, got {_kind(data)}")

    generated = "weights" not in data and "biases" not in data and "seed" in data
    for field in REQUIRED_FIELDS:
        if field not in data and not (generated and field in ("weights", "biases")):
            raise fail(field, "missing field")

    sizes = data["layer_sizes"]
    if not isinstance(sizes, list) or not all(_is_int(size) for size in sizes):
        raise fail("layer_sizes", "expected a list of whole numbers, like [3, 4, 4, 2]")
    if not MIN_LAYERS <= len(sizes) <= MAX_LAYERS:
        raise fail(
            "layer_sizes",
            f"expected {MIN_LAYERS} to {MAX_LAYERS} layers (input, one to {MAX_HIDDEN_LAYERS} hidden, output), "
            f"got {len(sizes)}",
        )
    for index, size in enumerate(sizes):
        if not MIN_LAYER_SIZE <= size <= MAX_LAYER_SIZE:
            raise fail(
                f"layer_sizes[{index}]",
                f"{size} neurons is out of range; each layer has {MIN_LAYER_SIZE} to {MAX_LAYER_SIZE}",
            )
    if sizes[-1] < MIN_CLASSES:
        raise fail(
            f"layer_sizes[{len(sizes) - 1}]", f"the output layer needs at least {MIN_CLASSES} classes, got {sizes[-1]}"
        )
    sizes = tuple(int(size) for size in sizes)

    inputs = _vector(data["inputs"], "inputs", sizes[0], fail)

    if generated:
        weights, biases = _random_parameters(data["seed"], sizes, fail)
    else:
        weights = _layer_list(data["weights"], "weights", len(sizes) - 1, fail)
        biases = _layer_list(data["biases"], "biases", len(sizes) - 1, fail)
        weights = tuple(
            _matrix(matrix, f"weights[{index}]", (sizes[index + 1], sizes[index]), fail)
            for index, matrix in enumerate(weights)
        )
        biases = tuple(
            _vector(vector, f"biases[{index}]", sizes[index + 1], fail) for index, vector in enumerate(biases)
        )

    names = data["class_names"]
    if not isinstance(names, list):
        raise fail("class_names", f"expected a list of {sizes[-1]} names, got {_kind(names)}")
    if len(names) != sizes[-1]:
        raise fail(
            "class_names",
            f"expected {sizes[-1]} names, one per output neuron, got {len(names)}",
        )
    for index, name in enumerate(names):
        if not isinstance(name, str) or not name.strip():
            raise fail(f"class_names[{index}]", "expected a non-empty string")
    activations = _hidden_activations(data.get("hidden_activation", DEFAULT_ACTIVATION), len(sizes) - 2, fail)
    network = Network(sizes, inputs, weights, biases, tuple(name.strip() for name in names), source, activations)
    check_trace(forward(network))
    return network


def _hidden_activations(value, hidden, fail) -> tuple[str, ...]:
    """One function name per hidden layer, from one name for all or a list of ``hidden`` names."""
    field = "hidden_activation"
    choices = ", ".join(f'"{name}"' for name in ACTIVATIONS)
    if isinstance(value, str):
        names, fields = [value] * hidden, [field] * hidden
    elif isinstance(value, list):
        if len(value) != hidden:
            layers = "layer" if hidden == 1 else "layers"
            raise fail(
                field, f"expected one name per hidden layer, {hidden} for {hidden} hidden {layers}, got {len(value)}"
            )
        names, fields = value, [f"{field}[{index}]" for index in range(hidden)]
    else:
        raise fail(field, f"expected a function name ({choices}) or a list of one per hidden layer, got {_kind(value)}")
    for name, where in zip(names, fields):
        if not isinstance(name, str):
            raise fail(where, f"expected a function name ({choices}), got {_kind(name)}")
        if name not in ACTIVATIONS:
            raise fail(where, f"unknown function {name!r}; expected one of {choices}")
    return tuple(names)


def layer_name(index: int, layer_count: int) -> str:
    """``hidden layer 1`` or ``output layer``, for the layer that ``LayerTrace.index`` numbers."""
    return "output layer" if index == layer_count - 1 else f"hidden layer {index}"


def check_trace(trace: ForwardTrace) -> None:
    """Refuse a forward pass with a value that is not finite or too large to show.

    Raises :class:`NetworkFileError` naming the network's file, then the layer and
    the neuron of the first such value.
    """
    count = len(trace.network.layer_sizes)
    for layer in trace.layers:
        for symbol, values in (("z", layer.z), ("a", layer.a)):
            for neuron, value in enumerate(values):
                where = f"{layer_name(layer.index, count)}, neuron {neuron}"
                if not math.isfinite(value):
                    raise NetworkFileError(trace.network.source, where, f"{symbol} is not a finite number ({value})")
                if abs(float(format_value(value))) > MAX_SHOWN_VALUE:
                    raise NetworkFileError(
                        trace.network.source,
                        where,
                        f"{symbol} = {format_value(value)} is beyond ±{MAX_SHOWN_VALUE}, the most a neuron can show; "
                        "make the inputs, weights or biases smaller",
                    )


def _random_parameters(seed, sizes, fail):
    if not _is_int(seed) or seed < 0:
        raise fail("seed", "expected a whole number of at least 0")
    rng = np.random.default_rng(int(seed))
    weights = tuple(np.round(rng.uniform(-1.0, 1.0, size=(n_out, n_in)), 2) for n_in, n_out in zip(sizes, sizes[1:]))
    biases = tuple(np.round(rng.uniform(-0.5, 0.5, size=n_out), 2) for n_out in sizes[1:])
    return weights, biases


def _layer_list(value, field, expected, fail):
    if not isinstance(value, list):
        raise fail(field, f"expected a list of {expected} layers, got {_kind(value)}")
    if len(value) != expected:
        raise fail(field, f"expected {expected} layers, one per connection between layers, got {len(value)}")
    return value


def _vector(value, field, length, fail) -> np.ndarray:
    if not isinstance(value, list):
        raise fail(field, f"expected a list of {length} numbers, got {_kind(value)}")
    if len(value) != length:
        raise fail(field, f"expected {length} numbers, got {len(value)}")
    for index, item in enumerate(value):
        _check_number(item, f"{field}[{index}]", fail)
    return np.array(value, dtype=float)


def _matrix(value, field, shape, fail) -> np.ndarray:
    rows, cols = shape
    expected = f"expected shape ({rows}, {cols}): {rows} rows of {cols} numbers"
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise fail(field, f"{expected}, got {_kind(value)}")
    got_cols = {len(row) for row in value}
    if len(value) != rows or got_cols != {cols}:
        got = f"({len(value)}, {got_cols.pop()})" if len(got_cols) == 1 else "rows of unequal length"
        raise fail(field, f"{expected}, got {got}")
    for i, row in enumerate(value):
        for j, item in enumerate(row):
            _check_number(item, f"{field}[{i}][{j}]", fail)
    return np.array(value, dtype=float)


def _check_number(item, field, fail) -> None:
    if isinstance(item, bool) or not isinstance(item, (int, float)):
        raise fail(field, f"expected a number, got {_kind(item)}")
    try:
        finite = math.isfinite(item)
    except OverflowError:
        finite = False
    if not finite:
        raise fail(field, f"expected a finite number, got {item}")
    if abs(item) > MAX_PARAMETER:
        raise fail(
            field,
            f"{item:g} is out of range; inputs, weights and biases lie from -{MAX_PARAMETER:g} to {MAX_PARAMETER:g}",
        )


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return repr(value)
