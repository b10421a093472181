"""Networks of three to six layers, 1 to 8 neurons each, growing or shrinking, and the examples, in every language.

Layout, timing, what the screen says and what the subtitles say, which must keep
to their reading limits.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import srt

from conftest import require_font
from dry_run import dry_run, forward_pass_labels, layout_problems, neuron_label_problems
from forward_pass import ForwardPassScene
from languages import language_named
from network_model import NETWORK_ENV_VAR, format_value, forward, load_network
from panels import SUBTITLE_TERMS_SHOWN, weighted_sum_text
from subtitles import cue_problems, cue_text

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "assets" / "examples").glob("*.json"))


def zero_hidden_layers():
    return {
        "layer_sizes": [3, 4, 4, 2],
        "inputs": [0.5, 0.8, 0.3],
        "weights": [[[0.1] * 3] * 4, [[0.1] * 4] * 4, [[0.2] * 4, [-0.2] * 4]],
        "biases": [[-5.0] * 4, [-5.0] * 4, [0.0, 0.0]],
    }


def three_way_tie():
    """Three classes at 0.33 as shown, though the second is ahead in the third decimal."""
    return {
        "layer_sizes": [3, 4, 4, 4],
        "inputs": [0.5, 0.8, 0.3],
        "weights": [[[0.1] * 3] * 4, [[0.1] * 4] * 4, [[0.0] * 4] * 4],
        "biases": [[0.1] * 4, [0.1] * 4, [0.0, 0.001, 0.0, -3.0]],
    }


def numbers_at_the_bounds():
    """The widest numbers the bounds allow, wherever a number is shown, in the densest network.

    Layer 1's sums have the widest terms (``10.00·(-10.00)``), cancelling to z = ±9.99;
    layer 2 gives a = 99.99 and clips z = -99.99; the logits reach ±99.99.
    """
    n = 8
    even = [1.0 if i % 2 == 0 else 0.0 for i in range(n)]
    w1 = [[10.0 if i % 2 == 0 else -10.0 for i in range(n)] for _ in range(n)]
    b1 = [9.99 if j % 2 == 0 else -9.99 for j in range(n)]
    w2 = [[2.5 * e * (1 if j % 2 == 0 else -1) for e in even] for j in range(n)]
    b2 = [0.09 if j % 2 == 0 else -0.09 for j in range(n)]
    w3 = [[w * e for e in even] for w in (0.25, -0.25, *[0.24] * (n - 2))]
    return {
        "layer_sizes": [n] * 4,
        "inputs": [-10.0] * n,
        "weights": [w1, w2, w3],
        "biases": [b1, b2, [0.0] * n],
    }


SHAPES = {
    "one-neuron layers": {"layer_sizes": [1, 1, 1, 2], "inputs": [0.7], "seed": 1},
    "eight-neuron layers": {"layer_sizes": [8, 8, 8, 8], "inputs": [0.1 * i - 0.3 for i in range(8)], "seed": 2},
    "many classes": {"layer_sizes": [3, 4, 4, 8], "inputs": [0.5, 0.8, 0.3], "seed": 3},
    "negative inputs": {"layer_sizes": [3, 4, 4, 2], "inputs": [-0.5, -0.8, -0.3], "seed": 4},
    "uneven layers": {"layer_sizes": [2, 7, 3, 5], "inputs": [1.0, -1.0], "seed": 5},
    "shrinking layers": {"layer_sizes": [4, 2, 2, 2], "inputs": [0.5, -0.8, 0.3, 0.9], "seed": 6},
    "all-zero activations": zero_hidden_layers(),
    "three-way tie": three_way_tie(),
    "three-way tie of sigmoid outputs": {**three_way_tie(), "output_activation": "sigmoid"},
    "numbers at the bounds": numbers_at_the_bounds(),
    "one hidden layer": {
        "layer_sizes": [3, 5, 2],
        "inputs": [0.5, -0.8, 0.3],
        "seed": 6,
        "hidden_activation": "sigmoid",
    },
    "six layers of eight": {
        "layer_sizes": [8] * 6,
        "inputs": [0.3 - 0.1 * i for i in range(8)],
        "seed": 7,
        "hidden_activation": "tanh",
    },
    "a function per layer": {
        "layer_sizes": [3, 8, 5, 8, 4, 8],
        "inputs": [-1.0, 0.5, 0.25],
        "seed": 9,
        "hidden_activation": ["relu", "sigmoid", "tanh", "leaky_relu"],
    },
}

MIN_GLYPH = 0.1
"""The tallest glyph of a text, in scene units, for the densest networks: 13.5 px at 1080p."""


LANGUAGES = ("en", "zh")
NETWORKS = [*SHAPES, *(f"example {path.name}" for path in EXAMPLES)]


class EnglishScene(ForwardPassScene):
    LANGUAGE = "en"


class ChineseScene(ForwardPassScene):
    LANGUAGE = "zh"


SCENES = {"en": EnglishScene, "zh": ChineseScene}


@pytest.fixture(
    params=[(network, language) for language in LANGUAGES for network in NETWORKS], ids="-".join, scope="module"
)
def shape_run(request, tmp_path_factory):
    network, language = request.param
    if language != "en":
        require_font(language)
    if network.startswith("example "):
        path = EXAMPLES[[f"example {example.name}" for example in EXAMPLES].index(network)]
    else:
        spec = dict(SHAPES[network])
        spec["class_names"] = [f"Class {i}" for i in range(spec["layer_sizes"][-1])]
        path = tmp_path_factory.mktemp("networks") / "network.json"
        path.write_text(json.dumps(spec))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(NETWORK_ENV_VAR, str(path))
        run = dry_run(SCENES[language])
        trace = forward(load_network(path))
    run.words = language_named(language)
    return f"{network} ({language})", run, trace


def played_phases(hidden_layers: int) -> dict[str, float]:
    """The phases a network with ``hidden_layers`` plays, and their seconds from the default table."""
    table = ForwardPassScene.PHASES
    hidden = {
        f"Layer {k} forward": table.get(f"Layer {k} forward", table["Layer 2 forward"])
        for k in range(1, hidden_layers + 1)
    }
    return {
        "Intro": 3.0,
        "Input layer": 4.0,
        **hidden,
        "Output layer": 6.0,
        "Prediction": 5.0,
        "Weight matrix": 6.0,
        "Outro": 4.0,
    }


def test_a_phase_per_hidden_layer_and_the_sum_of_their_seconds(shape_run):
    name, run, trace = shape_run
    phases = played_phases(len(trace.layers) - 1)
    assert list(run.section_starts) == list(phases), name
    start = 0.0
    for phase, seconds in phases.items():
        assert run.section_starts[phase] == pytest.approx(start, abs=1e-9), (name, phase)
        start += seconds
    assert run.end_time == pytest.approx(sum(phases.values()), abs=1e-9), name


def test_layout_holds(shape_run):
    name, run, _ = shape_run
    assert layout_problems(run, MIN_GLYPH) == [], name


def test_the_outro_shows_every_activation_and_the_classes(shape_run):
    name, run, trace = shape_run
    outro = " ".join(text for text, _ in run.snapshots[-1].texts)
    for activations in trace.activations:
        for value in activations:
            assert f"DecimalNumber('{format_value(value)}')" in outro, name
    for class_name in trace.network.class_names:
        assert f"Text('{class_name.replace(' ', '')}')" in outro, name


def test_each_neuron_shows_its_own_value_centred_inside_it(shape_run):
    name, run, trace = shape_run
    shown = forward_pass_labels(trace, list(run.section_starts))
    assert neuron_label_problems(run, shown) == [], name


def phase_cues(run, phase: str) -> str:
    """The subtitles that start during ``phase``."""
    names = list(run.section_starts)
    start = run.section_starts[phase]
    following = names.index(phase) + 1
    end = run.section_starts[names[following]] if following < len(names) else run.end_time
    cues = [cue.content for cue in run.subcaptions if start - 1e-6 <= cue.start.total_seconds() < end - 1e-6]
    return " ".join(cues).replace("\n", " ")


def contains(outer, inner) -> bool:
    return bool((outer[0] <= inner[0] + 1e-6).all() and (inner[1] <= outer[1] + 1e-6).all())


TIE_WORD = {"en": "tie", "zh": "平局"}
WINNER_WORDS = {"en": ("prediction is", "prediction:"), "zh": ("预测结果是", "预测：")}
"""How each language announces a single winner, in the subtitles and on screen."""


def test_the_top_classes_are_marked_alike_and_a_tie_is_called_one(shape_run):
    name, run, trace = shape_run
    tie, (winner_said, winner_shown) = TIE_WORD[run.words.code], WINNER_WORDS[run.words.code]
    # The classes whose probability, as shown, equals the highest.
    shown = format_value(trace.probabilities.max())
    top = [index for index, p in enumerate(trace.probabilities) if format_value(p) == shown]
    names = trace.network.class_names
    prediction = next(snap for snap in run.snapshots if snap.phase == "Prediction")
    marks = [box for kind, box in prediction.boxes if kind in ("SurroundingRectangle", "RoundedRectangle")]
    name_boxes = [
        next(box for text, box in prediction.texts if text == f"Text('{class_name.replace(' ', '')}')")
        for class_name in names
    ]
    marked = [index for index, box in enumerate(name_boxes) if any(contains(mark, box) for mark in marks)]
    assert marked == list(top), f"{name}: rows {marked} are marked, the top classes are {list(top)}"
    for phase in ("Prediction", "Outro"):
        cues = phase_cues(run, phase)
        snap = next(snap for snap in run.snapshots if snap.phase == phase)
        screen = " ".join(text for text, _ in snap.texts)
        assert shown in cues, f"{name}: {phase}: the subtitles do not give the top probability {shown}"
        for index in top:
            assert names[index] in cues, f"{name}: {phase}: the subtitles do not name {names[index]}"
        if len(top) > 1:
            assert tie in cues, f"{name}: {phase}: a tie, but the subtitles do not say so: {cues!r}"
            assert tie in screen, f"{name}: {phase}: a tie, but the screen does not say so"
            assert winner_said not in cues, f"{name}: {phase}: a winner announced"
            assert winner_shown not in screen, f"{name}: {phase}: a winner announced"
            assert all(names[i] not in cues for i in range(len(names)) if i not in top), name
        else:
            assert tie not in cues, name
            assert tie not in screen, name
        if trace.network.output_activation == "sigmoid":
            # A sigmoid's outputs are not probabilities, and are never called so.
            word = run.words.quantities[0]
            assert word not in cues, f"{name}: {phase}: {cues!r}"
            assert word not in screen, f"{name}: {phase}"


# ------------------------------------------------------------ the functions on screen

FUNCTION_NAMES = {"leaky_relu": "leaky ReLU", "relu": "ReLU", "sigmoid": "sigmoid", "tanh": "tanh"}
"""How the header names each function, in every language; leaky ReLU first, since its name holds ReLU's."""
RULES = {
    "relu": r"a = \mathrm{ReLU}(z)",
    "sigmoid": r"a = \sigma(z) = \frac{1}{1 + e^{-z}}",
    "tanh": r"a = \tanh(z)",
    "leaky_relu": r"a = \max(0.1\,z,\ z)",
}
MATRIX_RULES = {
    "relu": r"a^{(1)} = \mathrm{ReLU}(z^{(1)})",
    "sigmoid": r"a^{(1)} = \sigma(z^{(1)})",
    "tanh": r"a^{(1)} = \tanh(z^{(1)})",
    "leaky_relu": r"a^{(1)} = \max(0.1\,z^{(1)},\ z^{(1)})",
}


def worked_example(function: str, z: float, a: float) -> str:
    """``f(z) = a`` as the panel writes it, from the numbers."""
    shown, result = format_value(z), format_value(a)
    factor = f"({shown})" if shown.startswith("-") else shown
    return {
        "relu": rf"= \mathrm{{ReLU}}({shown})",
        "sigmoid": rf"= \sigma({shown})",
        "tanh": rf"= \tanh({shown})",
        "leaky_relu": rf"= \max(0.1 \cdot {factor},\ {shown})",
    }[function] + f" = {result}"


def expected_focus(layer, number: int) -> int:
    """The neuron whose sum a hidden layer writes out: the one that shows its function's shape."""
    z, a = layer.z.tolist(), layer.a.tolist()
    strongest = z.index(max(z))
    if layer.activation == "relu":
        clipped = [i for i, value in enumerate(z) if format_value(value).startswith("-")]
        return max(clipped, key=lambda i: z[i]) if number > 1 and clipped else strongest
    if layer.activation in ("tanh", "leaky_relu"):
        lowest = z.index(min(z))
        return lowest if format_value(a[lowest]).startswith("-") else strongest
    sizes = [abs(value) for value in z]
    return sizes.index(max(sizes))


def strings(snap) -> list[str]:
    """Every visible text of a snapshot as the string it was built from."""
    return [ast.literal_eval(text.split("(", 1)[1][:-1]) for text, _ in snap.texts]


def said_as(cue: str, wordings: tuple[str, ...], **values) -> bool:
    """Whether ``cue``, as the subtitle file has it, is one of ``wordings`` filled in with ``values``."""
    return any(cue == cue_text(wording.format(**values)) for wording in wordings)


def test_everything_on_screen_follows_the_function(shape_run):
    name, run, trace = shape_run
    words = run.words
    functions = [layer.activation for layer in trace.layers[:-1]]
    snaps = {snap.phase: strings(snap) for snap in run.snapshots}
    cues = [cue.content for cue in run.subcaptions]

    opening = words.architecture.split("{")[0].replace(" ", "")
    header = next(text for text in snaps["Intro"] if text.startswith(opening))
    # The hidden layers' part of the header, between the sizes and the output's function.
    header = header.split("·")[1]
    named = set()
    for function, shown in FUNCTION_NAMES.items():
        if shown.replace(" ", "") in header:
            named.add(function)
            header = header.replace(shown.replace(" ", ""), "")
    assert named == set(functions), name
    assert all(FUNCTION_NAMES[function].split()[-1] in cues[0] for function in functions), cues[0]

    for number, layer in enumerate(trace.layers[:-1], 1):
        on_screen = snaps[f"Layer {number} forward"]
        assert RULES[layer.activation] in " ".join(on_screen), (name, number)
        focus = expected_focus(layer, number)
        # The worked sum names its neuron and gives z; the next cue says what the function does.
        worked = [
            index
            for index, cue in enumerate(cues)
            if said_as(
                cue,
                words.say_worked_sum,
                layer=number,
                neuron=focus,
                sum=weighted_sum_text(layer, focus),
                sum_short=weighted_sum_text(layer, focus, shown=SUBTITLE_TERMS_SHOWN),
                z=format_value(layer.z[focus]),
            )
        ]
        assert len(worked) == 1, (name, number, cues)
        values = "(" + ", ".join(format_value(value) for value in layer.a) + ")"
        assert said_as(
            cues[worked[0] + 1],
            words.say_activation,
            layer=number,
            verdict=words.functions[layer.activation].verdict(layer.z[focus]),
            a=format_value(layer.a[focus]),
            values=values,
        ), (name, number, cues[worked[0] + 1])
        example = worked_example(layer.activation, layer.z[focus], layer.a[focus])
        assert any(text.endswith(example) for text in on_screen), (name, number, example)

    assert MATRIX_RULES[functions[0]] in snaps["Weight matrix"], name


def test_every_cue_can_be_read_in_time(shape_run):
    name, run, _ = shape_run
    cues = list(srt.parse(run.srt))
    assert len(cues) >= len(run.section_starts), name
    problems = [
        f"cue {cue.index} ({cue.content!r}): {problem}"
        for cue in cues
        for problem in cue_problems(cue.content, (cue.end - cue.start).total_seconds())
    ]
    assert not problems, (name, problems)


def test_the_subtitles_keep_the_activations_and_the_top_probability(shape_run):
    name, run, trace = shape_run
    # Lines break at spaces and between Chinese characters: compare without any spacing.
    flat = re.sub(r"\s", "", run.srt)
    for layer in trace.layers[:-1]:
        assert "(" + ",".join(format_value(a) for a in layer.a) + ")" in flat, name
    for index in trace.top_classes:
        assert trace.network.class_names[index].replace(" ", "") in flat, name
    assert format_value(trace.probabilities.max()) in flat, name


MARGIN = 0.2
"""Room between any text and the frame's left and right edges, in scene units."""


def test_every_text_keeps_a_margin_from_the_frame(shape_run):
    name, run, _ = shape_run
    x_radius, _ = run.frame
    for snap in run.snapshots:
        for text, box in snap.texts:
            assert -x_radius + MARGIN <= box[0][0], (name, snap.phase, text)
            assert box[1][0] <= x_radius - MARGIN, (name, snap.phase, text)
