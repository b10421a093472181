"""The real ``manim`` command stops cleanly on a bad setup: a one-line reason, no traceback, nothing lost.

Every test runs manim in a subprocess from the repository root, as a user
would, so each takes about as long as importing manim.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SCENES_DIR = REPO_ROOT / "scenes"
SCENE_FILE = Path("scenes", "forward_pass.py")
DEFAULT_FILE = REPO_ROOT / "assets" / "network.json"
NETWORK_ENV_VAR = "FORWARD_PASS_NETWORK"
# Where ``manim -ql`` writes the finished video of scenes/forward_pass.py.
VIDEO = Path("videos", "forward_pass", "480p15", "ForwardPassScene.mp4")


def run_manim(
    media_dir: Path,
    scene_file: Path = SCENE_FILE,
    scene: str = "ForwardPassScene",
    *flags: str,
    **env_changes: str,
) -> subprocess.CompletedProcess:
    """Render ``scene`` at low quality, with ``flags``; stdout and stderr come back together, in order."""
    env = {key: value for key, value in os.environ.items() if key != NETWORK_ENV_VAR}
    env.update(env_changes)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "manim",
            "-ql",
            "--silent",
            *flags,
            "--media_dir",
            str(media_dir),
            str(scene_file),
            scene,
        ],
        check=False,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )


def assert_clean_stop(result: subprocess.CompletedProcess, *parts: str) -> None:
    """A non-zero exit, ``parts`` on one of the last three lines, and no traceback anywhere."""
    output = result.stdout
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    last_lines = [line for line in output.splitlines() if line.strip()][-3:]
    assert any(all(part in line for part in parts) for line in last_lines), (parts, last_lines)
    assert any(line.startswith(("forward_pass: error: ", "backward_pass: error: ")) for line in last_lines), last_lines


def good_data() -> dict:
    return json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))


def broken_json() -> str:
    return '{\n  "layer_sizes": [3, 4, 4, 2],\n  "inputs": [0.5, 0.8, 0.3]\n  "weights": []\n}\n'


def missing_field() -> str:
    data = good_data()
    del data["class_names"]
    return json.dumps(data)


def wrong_shape() -> str:
    data = good_data()
    data["weights"][1] = [row[:3] for row in data["weights"][1]]
    return json.dumps(data)


def nan_weight() -> str:
    data = good_data()
    data["weights"][2][1][0] = float("nan")
    text = json.dumps(data)
    assert "NaN" in text
    return text


def huge_weight() -> str:
    data = good_data()
    data["weights"][0][0][0] = 1e200
    return json.dumps(data)


def sum_beyond_the_bound() -> str:
    data = good_data()
    data["inputs"] = [10, 10, 10]
    data["weights"][0][1] = [5, 5, 5]
    return json.dumps(data)


def unknown_function() -> str:
    data = good_data()
    data["hidden_activation"] = ["relu", "swish"]
    return json.dumps(data)


def seven_layers() -> str:
    data = good_data()
    data["layer_sizes"] = [3, 4, 4, 4, 4, 4, 2]
    return json.dumps(data)


MISTAKES = {
    "broken JSON": (broken_json, ("invalid JSON", "line 4,")),
    "unknown function": (unknown_function, ("hidden_activation[1]:", "unknown function 'swish'")),
    "seven layers": (seven_layers, ("layer_sizes:", "expected 3 to 6 layers", "got 7")),
    "missing field": (missing_field, ("class_names: missing field",)),
    "wrong shape": (wrong_shape, ("weights[1]:", "(4, 4)", "got (4, 3)")),
    "NaN": (nan_weight, ("weights[2][1][0]:", "finite")),
    "huge weight": (huge_weight, ("weights[0][0][0]:", "1e+200", "-10 to 10")),
    "sum beyond the bound": (sum_beyond_the_bound, ("hidden layer 1, neuron 1:", "150.20", "99.99")),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_broken_network_file_stops_with_one_line(tmp_path, mistake):
    make_text, parts = MISTAKES[mistake]
    path = tmp_path / "my-network.json"
    path.write_text(make_text(), encoding="utf-8")
    result = run_manim(tmp_path / "media", FORWARD_PASS_NETWORK=str(path))
    assert_clean_stop(result, str(path), *parts)


def plant_earlier_video(video: Path) -> tuple[Path, bytes]:
    """An earlier video where the render would write its own: its path and bytes."""
    video.parent.mkdir(parents=True)
    earlier = os.urandom(4096)
    video.write_bytes(earlier)
    return video, earlier


def test_broken_file_loses_no_earlier_video(tmp_path):
    media = tmp_path / "media"
    video, earlier = plant_earlier_video(media / VIDEO)
    path = tmp_path / "network.json"
    path.write_text(wrong_shape(), encoding="utf-8")

    result = run_manim(media, FORWARD_PASS_NETWORK=str(path))

    assert_clean_stop(result, str(path), "weights[1]:")
    assert video.read_bytes() == earlier
    assert sorted(media.rglob("*.mp4")) == [video]


def test_missing_latex_stops_with_install_hint(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # Only the interpreter and the manim launcher, so that latex and dvisvgm cannot be found.
    (bin_dir / "python").symlink_to(sys.executable)
    launcher = Path(sys.executable).parent / "manim"
    if launcher.exists():
        (bin_dir / "manim").symlink_to(launcher)
    path = str(bin_dir)
    assert shutil.which("latex", path=path) is None
    assert shutil.which("dvisvgm", path=path) is None

    result = run_manim(tmp_path / "media", PATH=path)

    assert_clean_stop(result, "LaTeX", "apt-get install", "latex", "dvisvgm")
    assert not list((tmp_path / "media").rglob("*.mp4"))


@pytest.mark.parametrize(
    ("override", "parts"),
    [
        ('{**ForwardPassScene.PHASES, "Weight matrix": 0}', ("PHASES['Weight matrix']", "more than 0 s")),
        (
            '{name: s for name, s in ForwardPassScene.PHASES.items() if name != "Prediction"}',
            ("'Prediction'", "missing"),
        ),
    ],
)
def test_subclass_with_bad_phases_stops_cleanly(tmp_path, override, parts):
    scene_file = tmp_path / "my_pacing.py"
    lines = [
        "from forward_pass import ForwardPassScene",
        "",
        "",
        "class MyPacing(ForwardPassScene):",
        f"    PHASES = {override}",
    ]
    scene_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    python_path = os.pathsep.join(filter(None, [str(SCENES_DIR), os.environ.get("PYTHONPATH")]))

    result = run_manim(tmp_path / "media", scene_file, "MyPacing", PYTHONPATH=python_path)

    assert_clean_stop(result, *parts)
    assert not list((tmp_path / "media").rglob("*.mp4"))


NO_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""


def test_chinese_without_a_cjk_font_stops_with_install_hint_and_loses_no_earlier_video(tmp_path):
    # A fontconfig that knows no font at all: Pango, and the scene's check, see the same.
    config_file = tmp_path / "fonts.conf"
    config_file.write_text(NO_FONTS.format(cache=tmp_path / "font-cache"), encoding="utf-8")
    media = tmp_path / "media"
    video, earlier = plant_earlier_video(media / VIDEO)

    result = run_manim(media, FORWARD_PASS_LANGUAGE="zh", FONTCONFIG_FILE=str(config_file))

    assert_clean_stop(result, "Chinese", "needs a font with glyphs for 神经网络", "apt-get install -y fonts-noto-cjk")
    assert sum("font" in line for line in result.stdout.splitlines()) == 1, result.stdout
    assert video.read_bytes() == earlier
    assert sorted(media.rglob("*.mp4")) == [video]
    assert not list(media.rglob("*.png")), "a frame was drawn before the stop"


@pytest.mark.parametrize(
    ("variable", "value", "parts"),
    [
        ("FORWARD_PASS_THEME", "sepia", ("FORWARD_PASS_THEME: unknown theme 'sepia'", "dark, light")),
        ("FORWARD_PASS_LANGUAGE", "fr", ("FORWARD_PASS_LANGUAGE: unknown language 'fr'", "en, zh")),
    ],
)
def test_unknown_theme_or_language_stops_with_the_known_ones(tmp_path, variable, value, parts):
    result = run_manim(tmp_path / "media", **{variable: value})
    assert_clean_stop(result, *parts)
    assert not list((tmp_path / "media").rglob("*.mp4"))


# ---------------------------------------------------------------- the backward pass

BACKWARD_FILE = Path("scenes", "backward_pass.py")
BACKWARD_VIDEO = Path("videos", "backward_pass", "480p15", "BackwardPassScene.mp4")


def with_changes(**changes) -> str:
    data = good_data()
    for field, value in changes.items():
        if value is None:
            data.pop(field, None)
        else:
            data[field] = value
    return json.dumps(data)


BACKWARD_MISTAKES = {
    "no target": ({"target": None}, ("target: missing field", "backward pass")),
    "unknown target": ({"target": "Class 7"}, ("target: unknown class 'Class 7'",)),
    "target list with cross-entropy": ({"target": [0, 1]}, ("target:", "squared_error")),
    "learning rate out of range": ({"learning_rate": 11}, ("learning_rate:", "out of range")),
    "loss that does not fit": ({"loss": "squared_error"}, ("loss:", "does not fit a softmax output")),
    "update beyond the bound": ({"learning_rate": 10}, ("after the update", "make learning_rate smaller")),
}


@pytest.mark.parametrize("mistake", list(BACKWARD_MISTAKES))
def test_the_backward_pass_stops_with_one_line_and_loses_no_earlier_video(tmp_path, mistake):
    changes, parts = BACKWARD_MISTAKES[mistake]
    media = tmp_path / "media"
    video, earlier = plant_earlier_video(media / BACKWARD_VIDEO)
    path = tmp_path / "my-network.json"
    path.write_text(with_changes(**changes), encoding="utf-8")
    result = run_manim(media, BACKWARD_FILE, "BackwardPassScene", FORWARD_PASS_NETWORK=str(path))
    assert_clean_stop(result, str(path), *parts)
    assert video.read_bytes() == earlier
    assert sorted(media.rglob("*.mp4")) == [video]


def test_the_forward_pass_needs_no_target(tmp_path):
    """Only the backward pass needs a target: the forward pass plays a file without one to the end (a dry run)."""
    path = tmp_path / "my-network.json"
    path.write_text(with_changes(target=None, learning_rate=None), encoding="utf-8")
    result = run_manim(tmp_path / "media", SCENE_FILE, "ForwardPassScene", "--dry_run", FORWARD_PASS_NETWORK=str(path))
    assert result.returncode == 0, result.stdout[-2000:]
    assert "error" not in result.stdout, result.stdout[-2000:]
    # The same file stops the backward pass, naming the field.
    result = run_manim(
        tmp_path / "media", BACKWARD_FILE, "BackwardPassScene", "--dry_run", FORWARD_PASS_NETWORK=str(path)
    )
    assert_clean_stop(result, "target: missing field")


def test_a_pickled_model_stops_the_render_in_one_line_and_loses_no_earlier_video(tmp_path):
    """A state dict saved with torch.save is refused unread, with the line that saves safetensors instead."""
    media = tmp_path / "media"
    video, earlier = plant_earlier_video(media / VIDEO)
    (tmp_path / "mlp.pt").write_bytes(b"\x80\x02not read")
    path = tmp_path / "my-network.json"
    data = good_data()
    del data["weights"], data["biases"]
    data["parameters"] = "mlp.pt"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run_manim(media, FORWARD_PASS_NETWORK=str(path))
    assert_clean_stop(result, "mlp.pt", "can run any code", "save_file(model.state_dict()")
    assert video.read_bytes() == earlier
