"""The backward pass for networks of three to six layers, each function, both losses and both languages.

Each network is played once without rendering; the tests read what was on screen
at the end of every phase and the subtitles, and hold them to the training step
as ``scripts/worked_numbers.py`` prints it, computed apart from the scene.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import srt

from backward_pass import BackwardPassScene
from conftest import require_font
from dry_run import dry_run, layout_problems, neuron_label_problems
from network_model import NETWORK_ENV_VAR, format_value
from subtitles import cue_problems

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "assets" / "examples"
MIN_GLYPH = 0.1
"""As for the forward pass: the tallest glyph of a text, in scene units, for the densest networks."""

NETWORKS = {
    "default": None,
    "deep tanh": EXAMPLES / "deep-tanh.json",
    "sigmoid with squared error": EXAMPLES / "sigmoid-squared-error.json",
    "iris": EXAMPLES / "iris.json",
    "a function per layer": {
        "layer_sizes": [3, 8, 5, 8, 4, 8],
        "inputs": [-1.0, 0.5, 0.25],
        "seed": 9,
        "hidden_activation": ["relu", "sigmoid", "tanh", "leaky_relu"],
        "target": 5,
    },
    "six layers of eight": {
        "layer_sizes": [8] * 6,
        "inputs": [0.3 - 0.1 * i for i in range(8)],
        "seed": 7,
        "hidden_activation": "tanh",
        "target": 0,
        "learning_rate": 0.5,
    },
    "one-neuron layers, sigmoid outputs": {
        "layer_sizes": [1, 1, 1, 2],
        "inputs": [0.7],
        "seed": 1,
        "output_activation": "sigmoid",
        "loss": "squared_error",
        "target": [0.0, 1.0],
        "learning_rate": 2.0,
    },
    "sigmoid outputs with a class target": {
        "layer_sizes": [3, 4, 3],
        "inputs": [0.5, -0.8, 0.3],
        "seed": 3,
        "output_activation": "sigmoid",
        "loss": "squared_error",
        "target": "Class 2",
        "learning_rate": 1.0,
    },
}
RUNS = [("default", "en"), ("default", "zh"), *((name, "en") for name in list(NETWORKS)[1:])]


class EnglishScene(BackwardPassScene):
    LANGUAGE = "en"


class ChineseScene(BackwardPassScene):
    LANGUAGE = "zh"


def network_file(name: str, folder: Path) -> Path:
    spec = NETWORKS[name]
    if spec is None:
        return ROOT / "assets" / "network.json"
    if isinstance(spec, Path):
        return spec
    spec = dict(spec)
    spec.setdefault("class_names", [f"Class {i}" for i in range(spec["layer_sizes"][-1])])
    path = folder / "network.json"
    path.write_text(json.dumps(spec))
    return path


def worked_numbers(path: Path) -> dict:
    """The training step as ``scripts/worked_numbers.py --json`` prints it."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "worked_numbers.py"), str(path), "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout)


@pytest.fixture(params=RUNS, ids="-".join, scope="module")
def backward_run(request, tmp_path_factory):
    name, language = request.param
    if language != "en":
        require_font(language)
    path = network_file(name, tmp_path_factory.mktemp("networks"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(NETWORK_ENV_VAR, str(path))
        run = dry_run({"en": EnglishScene, "zh": ChineseScene}[language])
    return f"{name} ({language})", run, run.scene.step, worked_numbers(path)


def strings(snap) -> list[str]:
    """Every visible text of a snapshot as the string it was built from."""
    return [str(ast.literal_eval(text.split("(", 1)[1][:-1])) for text, _ in snap.texts]


def screen(run, phase: str) -> str:
    return " ".join(strings(next(snap for snap in run.snapshots if snap.phase == phase)))


def test_a_phase_per_hidden_layer_from_the_last_and_the_sum_of_their_seconds(backward_run):
    name, run, step, _ = backward_run
    table = BackwardPassScene.PHASES
    hidden = step.network.hidden_layer_count
    phases = {
        "Recap": table["Recap"],
        "Loss": table["Loss"],
        "Output error": table["Output error"],
        **{
            f"Layer {k} backward": table.get(f"Layer {k} backward", table["Layer 1 backward"])
            for k in range(hidden, 0, -1)
        },
        "Weight gradients": table["Weight gradients"],
        "Update": table["Update"],
        "Forward again": table["Forward again"],
        "Outro": table["Outro"],
    }
    assert list(run.section_starts) == list(phases), name
    start = 0.0
    for phase, seconds in phases.items():
        assert run.section_starts[phase] == pytest.approx(start, abs=1e-9), (name, phase)
        start += seconds
    assert run.end_time == pytest.approx(sum(phases.values()), abs=1e-9), name


def test_layout_holds_at_the_end_of_every_phase(backward_run):
    name, run, _, _ = backward_run
    assert layout_problems(run, MIN_GLYPH) == [], name


def test_the_neurons_show_the_forward_pass_then_the_pass_after_the_update(backward_run):
    name, run, step, _ = backward_run
    before = dict(enumerate(step.before.activations))
    after = dict(enumerate(step.after.activations))
    # The inputs do not change; every later layer shows its new values from "Forward again" on.
    after[0] = before[0]
    phases = list(run.section_starts)
    again = phases.index("Forward again")
    shown = {phase: before if index < again else after for index, phase in enumerate(phases)}
    assert neuron_label_problems(run, shown) == [], name


def signed(value: float) -> str:
    text = format_value(value)
    return text if text.startswith("-") or float(text) == 0 else f"+{text}"


def test_the_screen_shows_the_numbers_of_the_worked_table(backward_run):
    """Every number the handout gives for the step is on screen in its phase, as the handout rounds it."""
    name, run, step, table = backward_run
    loss = format_value(table["loss"])
    assert loss in screen(run, "Loss"), (name, loss)
    backward = {entry["layer"]: entry for entry in table["backward"]}
    output = max(backward)
    tags = " ".join(signed(d) for d in backward[output]["delta"])
    error = screen(run, "Output error")
    assert all(signed(d) in error for d in backward[output]["delta"]), (name, tags, error)
    for layer in range(output - 1, 0, -1):
        shown = screen(run, f"Layer {layer} backward")
        for d in backward[layer]["delta"]:
            assert signed(d) in shown, (name, layer, d)
    layer = run.scene.gradient_layer
    gradients = screen(run, "Weight gradients")
    for row in backward[layer]["grad_weights"]:
        for g in row:
            assert signed(g) in gradients, (name, layer, g)
    updated = {entry["layer"]: entry for entry in table["updated"]}[layer]
    update = screen(run, "Update")
    # A layer too wide to show whole shows the weights into one neuron, named w'_j.
    one = re.search(r"w'_\{(\d+)\}", update)
    rows = [updated["weights"][int(one[1])]] if one else updated["weights"]
    for row in rows:
        for w in row:
            assert format_value(w) in update, (name, layer, w)
    again = screen(run, "Forward again")
    assert format_value(table["loss_after"]) in again, name
    assert format_value(table["loss_after"]) in screen(run, "Outro"), name


def test_the_subtitles_give_the_loss_and_the_errors(backward_run):
    name, run, step, table = backward_run
    flat = re.sub(r"\s", "", run.srt)
    assert format_value(table["loss"]) in flat, name
    assert format_value(table["loss_after"]) in flat, name
    output = max(entry["layer"] for entry in table["backward"])
    deltas = next(entry["delta"] for entry in table["backward"] if entry["layer"] == output)
    assert "(" + ",".join(signed(d) for d in deltas) + ")" in flat, name


def test_every_cue_can_be_read_in_time(backward_run):
    name, run, _, _ = backward_run
    cues = list(srt.parse(run.srt))
    assert len(cues) >= len(run.section_starts), name
    problems = [
        f"cue {cue.index} ({cue.content!r}): {problem}"
        for cue in cues
        for problem in cue_problems(cue.content, (cue.end - cue.start).total_seconds())
    ]
    assert not problems, (name, problems)


def test_a_clipped_relu_neuron_is_shown_passing_no_gradient():
    """In the default network ReLU clips a neuron of hidden layer 2; its worked δ multiplies by ReLU′ = 0."""
    run = dry_run(EnglishScene)
    step = run.scene.step
    layer = step.before.layers[1]
    clipped = [j for j, z in enumerate(layer.z) if z <= 0]
    assert clipped, "the default network should clip a neuron in hidden layer 2"
    j = clipped[0]
    worked = strings(next(snap for snap in run.snapshots if snap.phase == "Layer 2 backward"))
    line = next(text for text in worked if f"\\mathrm{{ReLU}}'({format_value(layer.z[j])})" in text)
    # δ = (Wᵀδ)_j · ReLU′(z_j) = (Wᵀδ)_j · 0.00 = 0.00
    assert "\\cdot 0.00" in line, line
    assert line.replace(" ", "").endswith("=0.00"), line
    cues = " ".join(cue.content for cue in run.subcaptions).replace("\n", " ")
    assert "f′(z) = 0" in cues, cues


def test_squared_error_speaks_of_e_and_outputs_never_of_log_or_probability(backward_run):
    name, run, step, _ = backward_run
    cues = " ".join(cue.content for cue in run.subcaptions).replace("\n", " ")
    if step.network.loss != "squared_error":
        assert "−log" in cues, name
        return
    shown = " ".join(screen(run, phase) for phase in run.section_starts)
    assert "log" not in cues, name
    assert "\\log" not in shown, name
    assert "E = " in cues, name
    assert "\\partial E" in shown, name
    assert "\\partial L" not in shown, name
    assert "∂L" not in cues, name
    assert " p(" not in screen(run, "Outro"), name
