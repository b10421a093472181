"""Every word the viewer reads, one table per language.

A language is one module in this folder that defines ``LANGUAGE``, a
:class:`Language`: the words on screen, the subtitles, and the fonts that can
show them. Adding a language means adding one such file, named by its code
(``fr.py`` for ``FORWARD_PASS_LANGUAGE=fr``); nothing else changes.

Strings are Python format strings; each field's docstring names the
placeholders it is given. A subtitle is a tuple of wordings, fullest first:
the scene shows the first one that can be read in the time the cue is on
screen (see :mod:`subtitles`), so the last should be short. Mathematics is not
here: it stays in LaTeX, the same in every language (see :mod:`activation_text`).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import string
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

from network_model import LEAKY_SLOPE

__all__ = [
    "LANGUAGE_ENV_VAR",
    "FunctionWords",
    "Language",
    "LanguageError",
    "available_languages",
    "language_named",
    "placeholders",
]

LANGUAGE_ENV_VAR = "FORWARD_PASS_LANGUAGE"
DEFAULT_LANGUAGE = "en"
SLOPE = f"{LEAKY_SLOPE:g}"


class LanguageError(ValueError):
    """An unknown or broken language, with a one-line reason."""


def placeholders(text: str) -> set[str]:
    """The names of the ``{placeholders}`` in a format string."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _words(kind: str, *names: str):
    return field(metadata={"kind": kind, "placeholders": frozenset(names)})


def _screen(*names: str):
    """A string drawn on screen, given the placeholders ``names``."""
    return _words("screen", *names)


def _fragment(*names: str):
    """A piece that goes into another string's placeholder, given the placeholders ``names``."""
    return _words("fragment", *names)


def _subtitle(*names: str):
    """A subtitle cue's wordings, fullest first, given the placeholders ``names``."""
    return _words("subtitle", *names)


@dataclass(frozen=True)
class FunctionWords:
    """How one hidden-layer function is named and what it is said to do; ``{slope}`` is leaky ReLU's slope."""

    name: str
    """In the header and the short subtitles: ``ReLU``, ``leaky ReLU``."""
    described: str
    """As the introduction says it: ``the sigmoid σ``."""
    positive: str
    """What it does to a neuron whose ``z`` is above 0: ``ReLU keeps it``."""
    otherwise: str
    """What it does to a neuron whose ``z`` is 0 or below: ``ReLU clips it to 0``."""

    def verdict(self, z: float) -> str:
        return (self.positive if z > 0 else self.otherwise).format(slope=SLOPE)


@dataclass(frozen=True)
class Language:
    """One language: its fonts, the words on screen and the subtitles."""

    code: str
    """The value of ``$FORWARD_PASS_LANGUAGE`` that picks it, and the module's name."""
    name: str
    """Its name in English, for messages."""
    fonts: tuple[str, ...]
    """Font families for the words on screen, best first; the first one installed that has
    every glyph is used. A generic family (``sans-serif``) lets the system choose."""
    font_hint: str
    """How to install a font for this language, for the one-line error when none has its glyphs."""
    functions: dict[str, FunctionWords]
    """The words for each hidden-layer function, by the name the parameters file gives it."""

    # ---------------------------------------------------------------- on screen
    title: str = _screen()
    architecture: str = _screen("sizes", "hidden", "output")
    """Under the title: ``sizes`` is ``3, 4, 4, 2``; ``hidden`` is ``hidden_same`` or ``hidden_each``;
    ``output`` is the output layer's function, ``softmax`` or ``sigmoid``."""
    hidden_same: str = _fragment("name", "layers")
    """Hidden layers that share one function: ``ReLU hidden layers``; ``layers`` is a ``hidden_layers`` noun."""
    hidden_each: str = _fragment("names", "layers")
    """Hidden layers with their own functions: ``hidden layers: ReLU, tanh``."""
    hidden_layers: tuple[str, str] = _fragment()
    """The noun for one hidden layer and for several."""
    input_layer: str = _screen()
    hidden_layer: str = _screen("index")
    output_layer: str = _screen()
    layer_caption: str = _screen()
    """Beside ``z = Wx + b`` in the panel."""
    activation_caption: str = _screen()
    """Beside ``a = f(z)`` or ``p = softmax(z)``."""
    input_caption: str = _screen()
    scaled_caption: str = _screen()
    """Beside each measured input and the scaled value the network sees: ``5.10 → -0.90``."""
    """Beside ``x = (...)``."""
    prediction: str = _screen("name", "probability")
    tie: str = _screen("names", "probability", "quantity", "symbol")
    """Instead of ``prediction`` when several classes share the top probability."""
    summary: str = _screen("inputs", "name", "probability")
    """The outro's last line; ``inputs`` is ``(0.50, 0.80, 0.30)``."""
    summary_tie: str = _screen("inputs", "names", "probability", "quantity", "symbol")
    prediction_output: str = _screen("name", "probability")
    """``prediction`` for a sigmoid output, whose values are not probabilities: ``probability`` is the largest output."""
    summary_output: str = _screen("inputs", "name", "probability")
    list_separator: str = _fragment()
    """Between the items of a list: ``A, B``."""
    list_last: str = _fragment("rest", "last")
    """Before the last item of a list: ``A, B and C``."""
    many_classes: str = _fragment("count")
    quantities: tuple[str, str] = _fragment()
    """What the outputs are called: after softmax, and after a sigmoid: ``probability``, ``output``."""
    """On screen, for a tie of more classes than fit: ``5 classes``."""

    # ---------------------------------------------------------------- subtitles
    intro_same: str = _fragment("described", "layers")
    """The introduction's words for hidden layers that share one function: ``ReLU in the hidden layers``."""
    intro_each: str = _fragment("described", "index")
    """For one of several hidden layers with their own functions: ``tanh in hidden layer 2``."""
    say_intro: tuple[str, ...] = _subtitle("sizes", "functions", "names", "output")
    """``functions`` is made of ``intro_same`` or ``intro_each``; ``names`` lists the functions' names;
    ``output`` is the output layer's function."""
    say_inputs: tuple[str, ...] = _subtitle("vector")
    say_inputs_named: tuple[str, ...] = _subtitle("vector", "named")
    """For inputs with names or a scaling: ``named`` is ``sepal length 5.10 → -0.90, ...``."""
    say_layer: tuple[str, ...] = _subtitle("layer")
    """As the pulses flow into a hidden layer."""
    say_worked_sum: tuple[str, ...] = _subtitle("layer", "neuron", "sum", "sum_short", "z")
    """One neuron's sum: ``sum`` has every term, ``sum_short`` the first two and the bias around an ellipsis."""
    say_activation: tuple[str, ...] = _subtitle("layer", "verdict", "a", "values")
    """As the function is written: ``verdict`` is what it does (:class:`FunctionWords`), ``a`` the
    neuron's value, ``values`` the whole layer's, ``(0.35, 0.00, ...)``, which light up next."""
    say_logits: tuple[str, ...] = _subtitle("logits")
    say_softmax: tuple[str, ...] = _subtitle("logits", "probabilities")
    say_prediction: tuple[str, ...] = _subtitle("name", "probability")
    say_tie: tuple[str, ...] = _subtitle("names", "probability", "quantity", "symbol")
    """A tie's words, and those of ``tie`` and ``summary_tie``, are given ``quantity`` and ``symbol``
    (:meth:`Language.output_words`): probabilities after softmax, outputs after a sigmoid."""
    say_matrix: tuple[str, ...] = _subtitle("layer")
    say_outro: tuple[str, ...] = _subtitle("inputs", "name", "probability")
    say_outro_tie: tuple[str, ...] = _subtitle("inputs", "names", "probability", "quantity", "symbol")
    say_sigmoid_output: tuple[str, ...] = _subtitle("logits", "probabilities")
    """``say_softmax`` for a sigmoid output."""
    say_prediction_output: tuple[str, ...] = _subtitle("name", "probability")
    say_outro_output: tuple[str, ...] = _subtitle("inputs", "name", "probability")

    # ---------------------------------------------------------------- the backward pass, on screen
    backward_title: str = _screen()
    loss_caption: str = _screen()
    """Beside the loss's rule."""
    error_caption: str = _screen()
    """Beside ``δ = ∂L/∂z`` of the output layer."""
    backward_caption: str = _screen()
    """Beside ``δ = (Wᵀδ) ⊙ f′(z)``."""
    slope_caption: str = _screen()
    """Beside the definition of ``f′``."""
    gradient_caption: str = _screen()
    """Beside ``∂L/∂W = δ aᵀ``."""
    update_caption: str = _screen()
    """Beside ``W ← W − η ∂L/∂W``."""
    rate_caption: str = _screen()
    """Beside ``η = 0.10``."""
    summary_step_class: str = _screen("rate", "name", "before", "after", "loss", "loss_after")
    """The backward pass's last line, for a target class: ``before`` and ``after`` are its output."""
    summary_step_outputs: str = _screen("rate", "before", "after", "loss", "loss_after")
    """The same for a target of one number per output: ``before`` and ``after`` are all the outputs."""

    # ---------------------------------------------------------------- the backward pass, subtitles
    say_recap: tuple[str, ...] = _subtitle("inputs", "name", "probability")
    say_recap_output: tuple[str, ...] = _subtitle("inputs", "name", "probability")
    """``say_recap`` for a sigmoid output: ``probability`` is the largest output."""
    say_loss_class: tuple[str, ...] = _subtitle("name", "index", "probability", "loss")
    """Cross-entropy: ``index`` is the target class's, ``probability`` its output."""
    say_loss_outputs: tuple[str, ...] = _subtitle("targets", "loss")
    """Squared error: ``targets`` is the target of every output, ``(0.01, 0.99)``."""
    say_output_error: tuple[str, ...] = _subtitle("deltas")
    """Softmax with cross-entropy: ``deltas`` is the output layer's ``δ = p − y``."""
    say_output_error_sigmoid: tuple[str, ...] = _subtitle("deltas")
    """Sigmoid with squared error: ``δ = (o − t) · o (1 − o)``."""
    say_backward: tuple[str, ...] = _subtitle("layer")
    """As the pulses run back into hidden layer ``layer``."""
    say_backward_neuron: tuple[str, ...] = _subtitle("layer", "neuron", "back", "slope", "delta")
    """One neuron's ``δ = (Wᵀδ)_j · f′(z_j)``: ``back`` is ``(Wᵀδ)_j``, ``slope`` is ``f′(z_j)``."""
    say_backward_clipped: tuple[str, ...] = _subtitle("layer", "neuron", "back", "z")
    """The same for a neuron that ReLU clipped: ``f′(z) = 0``."""
    say_backward_layer: tuple[str, ...] = _subtitle("layer", "deltas")
    say_weight_gradients: tuple[str, ...] = _subtitle("layer", "symbol")
    """``symbol`` is the loss's letter: ``L`` for cross-entropy, ``E`` for squared error."""
    say_gradient_entry: tuple[str, ...] = _subtitle("delta", "a", "gradient")
    """One entry of ``∂L/∂W``: its row's ``δ`` times its column's ``a``."""
    say_update: tuple[str, ...] = _subtitle("rate", "symbol")
    say_forward_again: tuple[str, ...] = _subtitle("before", "after", "loss", "loss_after")
    """``before`` and ``after`` are the outputs, ``(0.73, 0.27)``."""
    say_outro_class: tuple[str, ...] = _subtitle("rate", "name", "before", "after", "loss", "loss_after")
    say_outro_outputs: tuple[str, ...] = _subtitle("rate", "loss", "loss_after")

    def __post_init__(self) -> None:
        for item in fields(self):
            kind = item.metadata.get("kind")
            if kind is None:
                continue
            value = getattr(self, item.name)
            if kind == "subtitle" and (not isinstance(value, tuple) or not value):
                raise LanguageError(f"language {self.code!r}: {item.name}: expected a tuple of wordings")
            for wording in value if isinstance(value, tuple) else (value,):
                self._check(item.name, wording, item.metadata["placeholders"])
        for function, words in self.functions.items():
            for item in fields(FunctionWords):
                self._check(f"functions[{function!r}].{item.name}", getattr(words, item.name), {"slope"})

    def _check(self, where: str, wording: str, allowed) -> None:
        unknown = placeholders(wording) - allowed
        if unknown:
            raise LanguageError(
                f"language {self.code!r}: {where}: unknown placeholder {{{sorted(unknown)[0]}}}; "
                f"it may use {', '.join(sorted(allowed)) or 'none'}"
            )

    # ---------------------------------------------------------------- assembled

    def texts(self) -> list[str]:
        """Every string of the table as written, placeholders and all: what the font must be able to draw."""
        found = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.metadata.get("kind") is not None:
                found += list(value) if isinstance(value, tuple) else [value]
        for words in self.functions.values():
            found += [getattr(words, item.name) for item in fields(FunctionWords)]
        return found

    def layer_titles(self, count: int) -> list[str]:
        """The titles above the layers of a network of ``count`` layers."""
        hidden = [self.hidden_layer.format(index=index) for index in range(1, count - 1)]
        return [self.input_layer, *hidden, self.output_layer]

    def output_words(self, output_activation: str) -> dict[str, str]:
        """The ``quantity`` and ``symbol`` of the outputs: ``probability`` and ``p``, or ``output`` and ``o``."""
        softmax = output_activation == "softmax"
        return {"quantity": self.quantities[0 if softmax else 1], "symbol": "p" if softmax else "o"}

    def listed(self, items: Sequence[str]) -> str:
        """``A``, ``A and B``, ``A, B and C``."""
        if len(items) == 1:
            return items[0]
        return self.list_last.format(rest=self.list_separator.join(items[:-1]), last=items[-1])

    def function_names(self, functions: Sequence[str]) -> str:
        """The hidden layers' functions by name, each once, in order: ``ReLU, tanh``."""
        return self.list_separator.join(dict.fromkeys(self.functions[function].name for function in functions))

    def hidden_summary(self, functions: Sequence[str]) -> str:
        """The header's words for the hidden layers: ``ReLU hidden layers`` or ``hidden layers: ReLU, tanh``."""
        names = [self.functions[function].name for function in functions]
        layers = self.hidden_layers[0 if len(names) == 1 else 1]
        if len(set(names)) == 1:
            return self.hidden_same.format(name=names[0], layers=layers)
        return self.hidden_each.format(names=self.list_separator.join(names), layers=layers)

    def intro_summary(self, functions: Sequence[str]) -> str:
        """The introduction's words for the hidden layers: ``ReLU in the hidden layers``."""
        described = [self.functions[function].described.format(slope=SLOPE) for function in functions]
        if len(set(described)) == 1:
            layers = self.hidden_layers[0 if len(described) == 1 else 1]
            return self.intro_same.format(described=described[0], layers=layers)
        return self.list_separator.join(
            self.intro_each.format(described=text, index=index) for index, text in enumerate(described, 1)
        )


def available_languages() -> list[str]:
    """The codes of every language in this folder."""
    return sorted(module.name for module in pkgutil.iter_modules(__path__) if not module.name.startswith("_"))


def language_named(code: str | None = None) -> Language:
    """The language ``code``; ``None`` reads ``$FORWARD_PASS_LANGUAGE``, and else English."""
    if code is None:
        code = os.environ.get(LANGUAGE_ENV_VAR) or DEFAULT_LANGUAGE
    key = code.strip().lower()
    known = available_languages()
    if key not in known:
        raise LanguageError(f"{LANGUAGE_ENV_VAR}: unknown language {code!r}; the languages are: {', '.join(known)}")
    module = importlib.import_module(f"{__name__}.{key}")
    language = getattr(module, "LANGUAGE", None)
    if not isinstance(language, Language) or language.code != key:
        raise LanguageError(f"languages/{key}.py: expected LANGUAGE = Language(code={key!r}, ...)")
    return language
