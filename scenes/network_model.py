"""The network itself: parameters, validation and the forward pass, in plain numpy.

Nothing here imports manim, so every number the animation shows can be checked
in milliseconds. The scene asks this module for numbers and never computes its own.

The parameters file is JSON::

    {"layer_sizes": [3, 4, 4, 2],
     "inputs": [0.5, 0.8, 0.3],
     "weights": [W1, W2, W3],
     "biases": [b1, b2, b3],
     "class_names": ["Class 0", "Class 1"],
     "hidden_activation": "relu",
     "output_activation": "softmax",
     "loss": "cross_entropy",
     "target": "Class 1",
     "learning_rate": 0.1}

``layer_sizes`` has 3 to 6 entries: the inputs, one to four hidden layers and the
classes. ``W_l`` is a list of rows with shape ``(layer_sizes[l + 1], layer_sizes[l])``,
so that ``z = W a + b``. The hidden layers use ``hidden_activation``: one of
``"relu"`` (the default), ``"sigmoid"``, ``"tanh"`` and ``"leaky_relu"`` (slope
:data:`LEAKY_SLOPE` below zero), or a list with one of them per hidden layer. The
output layer uses softmax. When ``weights`` and ``biases`` are both left out and
``seed`` is given, they are drawn from ``numpy.random.default_rng(seed)`` and
rounded to two decimals.

The output layer uses ``output_activation``: ``"softmax"`` (the default), whose
outputs are probabilities, or ``"sigmoid"``, one value from 0 to 1 per output; the
prediction is the largest output either way. The training step (:func:`training_step`)
needs a ``loss`` that fits the output, ``"cross_entropy"`` after softmax (the
default) or ``"squared_error"``, ``E = ½ Σ (t − o)²``, after sigmoid; a ``target``,
a class name or index, or for squared error also a list of one number from 0 to 1
per output; and a ``learning_rate`` above 0 and at most :data:`MAX_LEARNING_RATE`
(:data:`DEFAULT_LEARNING_RATE` when left out). Only the training step needs a target.

Instead of ``weights`` and ``biases``, ``"parameters": "mlp.safetensors"`` names a
weights file, its path taken relative to the network file: a ``.safetensors`` file
(read with the ``safetensors`` package's numpy API, no deep-learning framework
needed) or a numpy ``.npz``. Its tensors are named as PyTorch names them: an
``nn.Sequential``'s ``0.weight``, ``0.bias``, ``2.weight``, ... are taken in
numeric order; named modules (``fc1.weight``, ...) in the order that
``"layers": ["fc1", "fc2"]`` gives. A weight has PyTorch's shape ``(out, in)``,
the shapes must chain, and ``layer_sizes`` follows from them (when the file gives
it too, the two must agree). A pickle (``.pt``, ``.pth``, ``.pkl``, ``.bin``) is
refused unread: loading one can run code.

Optional ``input_names`` give each input a name, shown in place of ``x₀, x₁, ...``;
optional ``input_scaling``, ``{"mean": [...], "std": [...]}``, makes ``inputs``
raw measurements, and the network sees ``(x − mean) / std``.

Every number must fit where it is shown: the inputs, weights and biases lie
within ``MAX_PARAMETER`` of 0, and every ``z`` and ``a`` the forward pass computes
within ``MAX_SHOWN_VALUE``, at the two decimals on screen. A file beyond either
bound is refused, with the field, or the layer and neuron, that is out of range.
The training step is held to the same bounds: every weight after the update within
``MAX_PARAMETER``, and every loss, gradient and new value it shows within
``MAX_SHOWN_VALUE``.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "DEFAULT_ACTIVATION",
    "DEFAULT_LEARNING_RATE",
    "LOSSES",
    "MAX_LEARNING_RATE",
    "OUTPUT_ACTIVATIONS",
    "LayerGradients",
    "TrainingStep",
    "backpropagate",
    "derivative",
    "loss_value",
    "output_delta",
    "training_step",
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
    "format_exact",
    "format_factor",
    "format_probability",
    "format_signed",
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
WEIGHTS_FILE_SUFFIXES = (".safetensors", ".npz")
PICKLE_SUFFIXES = (".pt", ".pth", ".pkl", ".pickle", ".bin", ".ckpt")
"""Files that Python's pickle reads, which can run any code when they are loaded: refused unread."""
SAVE_SAFETENSORS = 'from safetensors.torch import save_file; save_file(model.state_dict(), "mlp.safetensors")'
"""The one line that saves a PyTorch model's weights as a file this project reads."""


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
    output_activation: str = "softmax"
    """``"softmax"`` or ``"sigmoid"``."""
    loss: str = ""
    """``"cross_entropy"`` or ``"squared_error"``; left empty, the one that fits the output."""
    target: np.ndarray | None = None
    """What the outputs should be, one number per output (one-hot for a class), or ``None``: no training step."""
    target_class: int | None = None
    """The index of the target class, when the target was given as a class."""
    learning_rate: float = 0.1
    """``η``, the size of the training step."""
    input_names: tuple[str, ...] = ()
    """A name for each input, shown in place of ``x₀, x₁, ...``; left empty, none."""
    raw_inputs: np.ndarray | None = None
    """The inputs as measured, when the file scales them: :attr:`inputs` is then ``(raw − mean) / std``."""
    scaling: tuple[np.ndarray, np.ndarray] | None = None
    """The ``mean`` and ``std`` that scale the raw inputs, or ``None``."""

    def __post_init__(self) -> None:
        if not self.hidden_activations:
            object.__setattr__(self, "hidden_activations", (DEFAULT_ACTIVATION,) * (len(self.layer_sizes) - 2))
        if not self.loss:
            object.__setattr__(self, "loss", FITTING_LOSS[self.output_activation])

    @property
    def activations(self) -> tuple[str, ...]:
        """The function of every layer after the inputs, the output layer's last."""
        return (*self.hidden_activations, self.output_activation)

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
            self.output_activation,
            self.loss,
            None if self.target is None else self.target.tolist(),
            self.target_class,
            self.learning_rate,
            self.input_names,
            None if self.raw_inputs is None else self.raw_inputs.tolist(),
            None if self.scaling is None else [part.tolist() for part in self.scaling],
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
    """A name from :data:`ACTIVATIONS` for a hidden layer, ``"softmax"`` or ``"sigmoid"`` for the output layer."""

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
        """The outputs: probabilities after softmax, values from 0 to 1 after sigmoid."""
        return self.layers[-1].a

    outputs = probabilities

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
OUTPUT_ACTIVATIONS = ("softmax", "sigmoid")
"""The output layer's functions."""
LOSSES = {"cross_entropy": "softmax", "squared_error": "sigmoid"}
"""Each loss, by the name the parameters file gives it, and the output function it fits."""
FITTING_LOSS = {output: loss for loss, output in LOSSES.items()}
DEFAULT_LEARNING_RATE = 0.1
MAX_LEARNING_RATE = 10.0


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax that stays finite for huge logits: the largest logit is subtracted first."""
    z = np.asarray(z, dtype=float)
    shifted = np.exp(z - np.max(z))
    return shifted / shifted.sum()


def forward(network: Network) -> ForwardTrace:
    """Run the forward pass and keep every intermediate value."""
    a = network.inputs
    layers = []
    for index, (weights, bias, activation) in enumerate(zip(network.weights, network.biases, network.activations), 1):
        z = weights @ a + bias
        out = softmax(z) if activation == "softmax" else ACTIVATIONS[activation](z)
        layers.append(LayerTrace(index, a, weights, bias, z, out, activation))
        a = out
    return ForwardTrace(network, tuple(layers))


# ---------------------------------------------------------------------- learning


def derivative(activation: str, z: np.ndarray) -> np.ndarray:
    """Elementwise ``f′(z)`` of a hidden layer's function; ReLU's is taken as 0 at ``z = 0``."""
    z = np.asarray(z, dtype=float)
    if activation == "relu":
        return np.where(z > 0, 1.0, 0.0)
    if activation == "leaky_relu":
        return np.where(z > 0, 1.0, LEAKY_SLOPE)
    if activation == "sigmoid":
        s = sigmoid(z)
        return s * (1.0 - s)
    if activation == "tanh":
        return 1.0 - np.tanh(z) ** 2
    raise ValueError(f"unknown function {activation!r}")


def loss_value(output_layer: LayerTrace, target: np.ndarray, loss: str) -> float:
    """The loss of one example.

    Cross-entropy, ``L = −Σ y log p``, is computed from the logits
    (``log p = z − log Σ e^z``), so that it stays finite where ``p`` underflows;
    squared error is ``E = ½ Σ (t − o)²``.
    """
    target = np.asarray(target, dtype=float)
    if loss == "cross_entropy":
        z = output_layer.z
        top = np.max(z)
        log_p = z - top - np.log(np.sum(np.exp(z - top)))
        return float(-np.sum(target * log_p))
    if loss == "squared_error":
        return float(0.5 * np.sum((target - output_layer.a) ** 2))
    raise ValueError(f"unknown loss {loss!r}")


def output_delta(output_layer: LayerTrace, target: np.ndarray, loss: str) -> np.ndarray:
    """``δ = ∂L/∂z`` of the output layer.

    ``p − y`` for softmax with cross-entropy, ``(o − t) · o (1 − o)`` for a sigmoid output with squared error.
    """
    target = np.asarray(target, dtype=float)
    if loss == "cross_entropy":
        return output_layer.a - target
    if loss == "squared_error":
        o = output_layer.a
        return (o - target) * o * (1.0 - o)
    raise ValueError(f"unknown loss {loss!r}")


@dataclass(frozen=True)
class LayerGradients:
    """What one layer's backward step computes, with every value kept."""

    index: int
    """As :attr:`LayerTrace.index`: 1 for the first hidden layer."""
    delta: np.ndarray
    """``δ = ∂L/∂z``, one per neuron."""
    back: np.ndarray | None
    """``Wᵀδ`` of the layer above, one per neuron: what flows back into this layer; ``None`` for the output layer."""
    slope: np.ndarray | None
    """``f′(z)``, one per neuron; ``None`` for the output layer."""
    weights: np.ndarray
    """``∂L/∂W = δ aᵀ``, with the shape of the layer's weights."""
    bias: np.ndarray
    """``∂L/∂b = δ``."""


def backpropagate(trace: ForwardTrace, target: np.ndarray, loss: str) -> tuple[LayerGradients, ...]:
    """The gradient of the loss with respect to every weight and bias, layer by layer, the first layer first.

    This is the one implementation of the gradients: the animation shows its
    numbers, and anything that trains a network calls it too.
    """
    layers = trace.layers
    delta = output_delta(layers[-1], target, loss)
    found = [LayerGradients(layers[-1].index, delta, None, None, np.outer(delta, layers[-1].inputs), delta)]
    for layer, above in zip(reversed(layers[:-1]), reversed(layers[1:])):
        back = above.weights.T @ delta
        slope = derivative(layer.activation, layer.z)
        delta = back * slope
        found.append(LayerGradients(layer.index, delta, back, slope, np.outer(delta, layer.inputs), delta))
    return tuple(reversed(found))


@dataclass(frozen=True)
class TrainingStep:
    """One step of plain gradient descent on the network's own input and target, every value kept."""

    before: ForwardTrace
    loss: float
    gradients: tuple[LayerGradients, ...]
    """One per layer after the inputs, the first hidden layer first."""
    after: ForwardTrace
    """The forward pass of the updated network."""
    loss_after: float

    @property
    def network(self) -> Network:
        return self.before.network

    @property
    def updated(self) -> Network:
        return self.after.network

    @property
    def learning_rate(self) -> float:
        return self.network.learning_rate


def training_step(network: Network) -> TrainingStep:
    """Compute the loss, every gradient, the update ``W ← W − η ∂L/∂W`` and the forward pass after it.

    Raises :class:`NetworkFileError` when the network has no target, when a weight
    or bias after the update lies beyond ``MAX_PARAMETER``, or when a number the
    step shows lies beyond ``MAX_SHOWN_VALUE``.
    """
    source = network.source
    if network.target is None:
        raise NetworkFileError(
            source, "target", "missing field; the backward pass needs the class the network should give"
        )
    before = forward(network)
    loss = loss_value(before.layers[-1], network.target, network.loss)
    gradients = backpropagate(before, network.target, network.loss)
    rate = network.learning_rate
    new_weights = tuple(w - rate * g.weights for w, g in zip(network.weights, gradients))
    new_biases = tuple(b - rate * g.bias for b, g in zip(network.biases, gradients))
    count = len(network.layer_sizes)
    for field, values in (("weights", new_weights), ("biases", new_biases)):
        for layer, array in enumerate(values):
            for where, value in np.ndenumerate(array):
                if not math.isfinite(value) or abs(value) > MAX_PARAMETER:
                    index = "".join(f"[{i}]" for i in where)
                    # Just beyond the bound, two decimals would show the bound itself.
                    shown = format_value(value) if abs(float(format_value(value))) > MAX_PARAMETER else f"{value:.6g}"
                    raise NetworkFileError(
                        source,
                        f"{field}[{layer}]{index}",
                        f"is {shown} after the update, beyond ±{MAX_PARAMETER:g}; make learning_rate smaller",
                    )
    for gradient in gradients:
        where = layer_name(gradient.index, count)
        shown = [("δ", gradient.delta), ("∂L/∂W", gradient.weights.ravel())]
        if gradient.back is not None:
            shown.append(("Wᵀδ", gradient.back))
        for symbol, values in shown:
            for neuron, value in enumerate(values):
                _check_shown(source, f"{where}, {symbol}[{neuron}]", value, "make the inputs or weights smaller")
    updated = replace(network, weights=new_weights, biases=new_biases)
    after = forward(updated)
    check_trace(after, after_update=True)
    loss_after = loss_value(after.layers[-1], network.target, network.loss)
    for name, value in (("loss", loss), ("loss after the update", loss_after)):
        _check_shown(source, name, value, "choose another target, or smaller weights")
    return TrainingStep(before, loss, gradients, after, loss_after)


def _check_shown(source: str, where: str, value: float, hint: str) -> None:
    if not math.isfinite(value):
        raise NetworkFileError(source, where, f"is not a finite number ({value})")
    if abs(float(format_value(value))) > MAX_SHOWN_VALUE:
        raise NetworkFileError(
            source, where, f"{format_value(value)} is beyond ±{MAX_SHOWN_VALUE}, the most the screen can show; {hint}"
        )


def format_value(value: float, decimals: int = 2) -> str:
    """``value`` to ``decimals`` places, never ``-0.00``."""
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text


def format_exact(value: float) -> str:
    """``value`` at two decimals when that is exact (``0.10``), else to four significant digits (``0.001``, ``0.125``)."""
    return format_value(value) if round(value, 2) == value else f"{value:.4g}"


def format_probability(value: float) -> str:
    """A probability at two decimals, or to two significant digits when it is too small for them: ``0.0031``."""
    return format_value(value) if format_value(value) != "0.00" or value == 0 else f"{value:.2g}"


def format_signed(value: float) -> str:
    """``value`` with its sign always written: ``+0.73``, ``-0.73``, and ``0.00`` for what shows as zero."""
    text = format_value(value)
    return text if text.startswith("-") or float(text) == 0 else f"+{text}"


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
    return parse_network(data, source, base=path.parent)


def parse_network(data: object, source: str = "<memory>", base: Path | None = None) -> Network:
    """Validate the decoded JSON ``data`` and build a :class:`Network` from it.

    ``base`` is the folder that a weights file's path is taken relative to: the
    network file's own; the working directory when not given.
    """

    def fail(field: str | None, problem: str) -> NetworkFileError:
        return NetworkFileError(source, field, problem)

    if not isinstance(data, dict):
        raise fail(None, f"expected a JSON object at the top level, got {_kind(data)}")

    loaded = None
    if "parameters" in data:
        both = [field for field in ("weights", "biases", "seed") if field in data]
        if both:
            raise fail("parameters", f"a weights file and {both[0]!r} are both given; give one or the other")
        loaded = _parameters_file(data, Path.cwd() if base is None else base, fail)
        if "layer_sizes" in data and data["layer_sizes"] != list(loaded[0]):
            raise fail(
                "layer_sizes",
                f"{data['layer_sizes']} does not agree with the weights file, whose shapes give {list(loaded[0])}",
            )
        data = {**data, "layer_sizes": list(loaded[0])}
    generated = "weights" not in data and "biases" not in data and "seed" in data
    for field in REQUIRED_FIELDS:
        given_otherwise = (generated or loaded is not None) and field in ("weights", "biases")
        if field not in data and not given_otherwise:
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
    input_names = _input_names(data.get("input_names"), sizes[0], fail)
    raw_inputs, scaling = None, None
    if data.get("input_scaling") is not None:
        scaling = _input_scaling(data["input_scaling"], sizes[0], fail)
        raw_inputs, inputs = inputs, (inputs - scaling[0]) / scaling[1]
        for index, value in enumerate(inputs):
            if not math.isfinite(value) or abs(value) > MAX_PARAMETER:
                raise fail(
                    f"inputs[{index}]",
                    f"scaled, it is {value:g}, beyond ±{MAX_PARAMETER:g}; check input_scaling",
                )

    if loaded is not None:
        weights, biases = loaded[1], loaded[2]
    elif generated:
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
    output = data.get("output_activation", "softmax")
    if output not in OUTPUT_ACTIVATIONS:
        choices = ", ".join(f'"{name}"' for name in OUTPUT_ACTIVATIONS)
        raise fail("output_activation", f"unknown function {output!r}; expected one of {choices}")
    loss = data.get("loss", FITTING_LOSS[output])
    if loss not in LOSSES:
        choices = ", ".join(f'"{name}"' for name in LOSSES)
        raise fail("loss", f"unknown loss {loss!r}; expected one of {choices}")
    if LOSSES[loss] != output:
        raise fail(
            "loss",
            f'"{loss}" does not fit a {output} output; a {output} output takes "{FITTING_LOSS[output]}", '
            f'and "{loss}" needs "output_activation": "{LOSSES[loss]}"',
        )
    class_names = tuple(name.strip() for name in names)
    target, target_class = _target(data.get("target"), class_names, loss, fail)
    rate = data.get("learning_rate", DEFAULT_LEARNING_RATE)
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate):
        raise fail("learning_rate", f"expected a number above 0 and at most {MAX_LEARNING_RATE:g}, got {_kind(rate)}")
    if not 0 < rate <= MAX_LEARNING_RATE:
        raise fail("learning_rate", f"{rate:g} is out of range; it lies above 0 and at most {MAX_LEARNING_RATE:g}")
    network = Network(
        sizes,
        inputs,
        weights,
        biases,
        class_names,
        source,
        activations,
        output,
        loss,
        target,
        target_class,
        float(rate),
        input_names,
        raw_inputs,
        scaling,
    )
    check_trace(forward(network))
    return network


def _target(value, class_names, loss, fail) -> tuple[np.ndarray | None, int | None]:
    """The target as one number per output, and the target class's index when it names one."""
    count = len(class_names)
    if value is None:
        return None, None
    listed = ", ".join(repr(name) for name in class_names)
    expected = f"a class name ({listed}) or an index from 0 to {count - 1}"
    if isinstance(value, str):
        if value.strip() not in class_names:
            raise fail("target", f"unknown class {value!r}; expected {expected}")
        index = class_names.index(value.strip())
    elif _is_int(value):
        if not 0 <= value < count:
            raise fail("target", f"class index {value} is out of range; expected {expected}")
        index = value
    elif isinstance(value, list) and loss == "squared_error":
        if len(value) != count:
            raise fail("target", f"expected {count} numbers, one per output, got {len(value)}")
        for position, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, (int, float)) or not math.isfinite(item):
                raise fail(f"target[{position}]", f"expected a number from 0 to 1, got {_kind(item)}")
            if not 0 <= item <= 1:
                raise fail(f"target[{position}]", f"{item:g} is out of range; a target output lies from 0 to 1")
        return np.array(value, dtype=float), None
    elif isinstance(value, list):
        raise fail("target", 'a list of target outputs needs "loss": "squared_error"; cross-entropy takes ' + expected)
    else:
        raise fail("target", f"expected {expected}, got {_kind(value)}")
    return np.eye(count)[index], index


def _parameters_file(data: dict, base: Path, fail) -> tuple[tuple[int, ...], tuple, tuple]:
    """The layer sizes, weights and biases of the weights file that ``data["parameters"]`` names."""
    name = data["parameters"]
    if not isinstance(name, str) or not name.strip():
        raise fail("parameters", f"expected the path of a .safetensors or .npz file, got {_kind(name)}")
    path = base / name
    where = f"parameters: {_display_name(path)}"
    suffix = path.suffix.lower()
    if suffix in PICKLE_SUFFIXES:
        raise fail(
            where,
            f"refused: a {suffix} file is a pickle, and loading one can run any code it holds; "
            f"save the weights as safetensors instead: {SAVE_SAFETENSORS}",
        )
    if suffix not in WEIGHTS_FILE_SUFFIXES:
        raise fail(where, f"expected a .safetensors or .npz file, got {suffix or 'no suffix'}")
    if not path.is_file():
        raise fail(where, "file not found")
    tensors = _read_tensors(path, suffix, lambda problem: fail(where, problem))
    order = data.get("layers")
    if order is not None:
        if not isinstance(order, list) or not order or not all(isinstance(item, str) for item in order):
            raise fail("layers", f'expected a list of the layers\' names, like ["fc1", "fc2"], got {_kind(order)}')
        prefixes = list(order)
    else:
        prefixes = _sequential_order(tensors, lambda problem: fail(where, problem))
    expected = {f"{prefix}.{kind}" for prefix in prefixes for kind in ("weight", "bias")}
    for key in sorted(expected - set(tensors)):
        raise fail(where, f"missing tensor {key!r}; the file has {', '.join(sorted(tensors))}")
    for key in sorted(set(tensors) - expected):
        layers = ", ".join(prefixes)
        raise fail(where, f"unexpected tensor {key!r}: no layer of {layers} is named by it")
    weights, biases = [], []
    for prefix in prefixes:
        weight, bias = tensors[f"{prefix}.weight"], tensors[f"{prefix}.bias"]
        if weight.ndim != 2:
            raise fail(where, f"{prefix}.weight: expected a matrix (out, in), got shape {tuple(weight.shape)}")
        if bias.shape != (weight.shape[0],):
            raise fail(
                where, f"{prefix}.bias: expected shape ({weight.shape[0]},), one per output, got {tuple(bias.shape)}"
            )
        if weights and weight.shape[1] != weights[-1].shape[0]:
            raise fail(
                where,
                f"{prefix}.weight: shape {tuple(weight.shape)} does not chain: "
                f"the layer before gives {weights[-1].shape[0]} outputs, so it needs {weights[-1].shape[0]} inputs",
            )
        weights.append(weight)
        biases.append(bias)
    sizes = (weights[0].shape[1], *(weight.shape[0] for weight in weights))
    if not MIN_LAYERS <= len(sizes) <= MAX_LAYERS or not all(MIN_LAYER_SIZE <= n <= MAX_LAYER_SIZE for n in sizes):
        raise fail(
            where,
            f"its shapes give layers of {list(sizes)} neurons; the animation shows {MIN_LAYERS} to {MAX_LAYERS} "
            f"layers of {MIN_LAYER_SIZE} to {MAX_LAYER_SIZE} neurons",
        )
    checked_weights = tuple(
        _matrix(weight.tolist(), f"{where}: {prefix}.weight", weight.shape, fail)
        for prefix, weight in zip(prefixes, weights)
    )
    checked_biases = tuple(
        _vector(bias.tolist(), f"{where}: {prefix}.bias", len(bias), fail) for prefix, bias in zip(prefixes, biases)
    )
    return tuple(int(n) for n in sizes), checked_weights, checked_biases


def _read_tensors(path: Path, suffix: str, fail) -> dict[str, np.ndarray]:
    """Every tensor of a safetensors or npz file, by name, as float arrays."""
    if suffix == ".safetensors":
        try:
            from safetensors import SafetensorError, safe_open
        except ImportError:
            raise fail("the safetensors package is not installed (bash scripts/setup.sh installs it)") from None
        tensors = {}
        try:
            with safe_open(str(path), framework="np") as handle:
                for key in handle.keys():  # noqa: SIM118 (a handle, not a dict)
                    dtype = handle.get_slice(key).get_dtype()
                    if dtype not in NUMPY_FLOATS:
                        raise fail(
                            f"{key}: dtype {dtype} cannot be read with numpy; save the weights as float32 "
                            "(model.float() before saving)"
                        )
                    tensors[key] = handle.get_tensor(key)
        except NetworkFileError:
            raise
        except (SafetensorError, OSError, ValueError) as error:
            raise fail(f"not a safetensors file that can be read ({error})") from None
    else:
        try:
            with np.load(path, allow_pickle=False) as archive:
                tensors = {key: archive[key] for key in archive.files}
        except ValueError as error:
            if "pickle" in str(error).lower():
                raise fail("refused: it holds pickled objects, and loading them can run any code") from None
            raise fail(f"not an .npz file that can be read ({error})") from None
        except (OSError, EOFError) as error:
            raise fail(f"not an .npz file that can be read ({error})") from None
        for key, tensor in tensors.items():
            if tensor.dtype.kind not in "fiu":
                raise fail(f"{key}: dtype {tensor.dtype} is not a number type")
    if not tensors:
        raise fail("holds no tensors")
    return {key: np.asarray(tensor, dtype=float) for key, tensor in tensors.items()}


NUMPY_FLOATS = ("F64", "F32", "F16", "I64", "I32", "I16", "I8", "U8")
"""The safetensors dtypes that numpy reads; bfloat16 (``BF16``) is not among them."""


def _sequential_order(tensors: dict[str, np.ndarray], fail) -> list[str]:
    """The layers' names in an ``nn.Sequential``'s order: ``0``, ``2``, ``4`` (or ``net.0``, ...), by number."""
    prefixes = sorted({key.rsplit(".", 1)[0] for key in tensors})
    numbered = []
    for prefix in prefixes:
        last = prefix.rsplit(".", 1)[-1]
        if not last.isdigit():
            raise fail(
                f"its layers are not numbered as nn.Sequential numbers them ({prefix!r}); "
                'give their order in the network file, like "layers": ["fc1", "fc2"]'
            )
        numbered.append((int(last), prefix))
    return [prefix for _, prefix in sorted(numbered)]


def _input_names(value, count: int, fail) -> tuple[str, ...]:
    """One non-empty name per input, or none."""
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) != count:
        raise fail("input_names", f"expected a list of {count} names, one per input, got {_kind(value)}")
    for index, name in enumerate(value):
        if not isinstance(name, str) or not name.strip():
            raise fail(f"input_names[{index}]", "expected a non-empty string")
    return tuple(name.strip() for name in value)


def _input_scaling(value, count: int, fail) -> tuple[np.ndarray, np.ndarray]:
    """The ``mean`` and ``std`` of ``input_scaling``: one number per input each, every ``std`` above 0."""
    if not isinstance(value, dict) or set(value) != {"mean", "std"}:
        raise fail("input_scaling", f'expected {{"mean": [...], "std": [...]}}, got {_kind(value)}')
    mean = _vector(value["mean"], "input_scaling.mean", count, fail)
    std = _vector(value["std"], "input_scaling.std", count, fail)
    for index, spread in enumerate(std):
        if spread <= 0:
            raise fail(f"input_scaling.std[{index}]", f"{spread:g}: a scale must be above 0")
    return mean, std


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


def check_trace(trace: ForwardTrace, after_update: bool = False) -> None:
    """Refuse a forward pass with a value that is not finite or too large to show.

    Raises :class:`NetworkFileError` naming the network's file, then the layer and
    the neuron of the first such value (``after the update`` for the training step's second pass).
    """
    count = len(trace.network.layer_sizes)
    for layer in trace.layers:
        for symbol, values in (("z", layer.z), ("a", layer.a)):
            for neuron, value in enumerate(values):
                where = f"{layer_name(layer.index, count)}, neuron {neuron}"
                if after_update:
                    where += " after the update"
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
