"""The cache key of every play: a timing edit keeps the other phases, any other change keeps none."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import require_font
from dry_run import dry_run
from forward_pass import ForwardPassScene
from network_model import DEFAULT_NETWORK_PATH, NETWORK_ENV_VAR
from phased_scene import without_phase_tables


def keys_by_phase(scene_class) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}

    class Recorder(scene_class):
        def play(self, *args, **kwargs):
            keys.setdefault(self._phase_name, []).append(self.play_cache_key)
            super().play(*args, **kwargs)

    dry_run(Recorder)
    return keys


class LongerLayer2(ForwardPassScene):
    PHASES = {**ForwardPassScene.PHASES, "Layer 2 forward": 9.0}


@pytest.fixture(scope="module")
def default_keys():
    return keys_by_phase(ForwardPassScene)


def test_every_play_has_its_own_key(default_keys):
    keys = [key for phase in default_keys.values() for key in phase]
    assert None not in keys
    assert len(set(keys)) == len(keys)
    assert list(default_keys) == list(ForwardPassScene.PHASES)


def test_a_timing_edit_changes_only_its_phase(default_keys):
    edited = keys_by_phase(LongerLayer2)
    for phase in ForwardPassScene.PHASES:
        if phase == "Layer 2 forward":
            assert set(edited[phase]).isdisjoint(default_keys[phase])
        else:
            assert edited[phase] == default_keys[phase], phase


def test_other_inputs_change_every_key(default_keys, tmp_path, monkeypatch):
    spec = json.loads(DEFAULT_NETWORK_PATH.read_text())
    spec["inputs"][0] = 0.55
    path = tmp_path / "network.json"
    path.write_text(json.dumps(spec))
    monkeypatch.setenv(NETWORK_ENV_VAR, str(path))
    changed = keys_by_phase(ForwardPassScene)
    before = {key for phase in default_keys.values() for key in phase}
    after = {key for phase in changed.values() for key in phase}
    assert before.isdisjoint(after)


def test_only_phase_tables_are_left_out_of_the_code():
    source = (
        "WIDTH = 3\n"
        "class A:\n"
        "    PHASES = {\n"
        '        "Intro": 3.0,\n'
        "    }\n"
        "    OTHER = 1\n"
        "    def f(self):\n"
        "        PHASES = 2\n"
        "        return PHASES\n"
    )
    kept = without_phase_tables(source)
    assert '"Intro"' not in kept
    assert "OTHER = 1" in kept
    assert "WIDTH = 3" in kept
    assert "PHASES = 2" in kept


class Light(ForwardPassScene):
    THEME = "light"


class Chinese(ForwardPassScene):
    LANGUAGE = "zh"


@pytest.mark.parametrize("scene_class", [Light, Chinese], ids=["theme", "language"])
def test_another_theme_or_language_changes_every_key(default_keys, scene_class):
    if scene_class is Chinese:
        require_font("zh")
    changed = keys_by_phase(scene_class)
    before = {key for phase in default_keys.values() for key in phase}
    after = {key for phase in changed.values() for key in phase}
    assert before.isdisjoint(after)


LANGUAGES_EDIT = (
    "        return [self.input_layer, *hidden, self.output_layer]\n",
    "        return [title.upper() for title in (self.input_layer, *hidden, self.output_layer)]\n",
)
"""A method under ``scenes/languages/`` that makes text on screen, edited: the layer titles in capitals."""


@pytest.mark.render
@pytest.mark.releases
def test_an_edit_under_scenes_languages_gives_new_frames_from_the_cache(tmp_path):
    import shutil
    import subprocess
    import sys

    import av
    import numpy as np

    root = Path(__file__).resolve().parent.parent
    scenes = tmp_path / "scenes"
    shutil.copytree(root / "scenes", scenes, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(root / "assets", tmp_path / "assets", ignore=shutil.ignore_patterns("posters", "*.gif", "*.png"))
    (scenes / "short_intro.py").write_text(
        "from forward_pass import ForwardPassScene\n\n\n"
        "class ShortIntro(ForwardPassScene):\n"
        "    PHASES = dict.fromkeys(ForwardPassScene.PHASES, 1.0)\n",
        encoding="utf-8",
    )
    media = tmp_path / "media"

    def render() -> list:
        # With manim's cache on, as the README's command renders.
        command = [sys.executable, "-m", "manim", "-ql", "--media_dir", str(media), str(scenes / "short_intro.py")]
        env = {**os.environ, "PYTHONPATH": str(scenes)}
        result = subprocess.run([*command, "ShortIntro"], cwd=root, env=env, capture_output=True, text=True)
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
        (video,) = media.rglob("ShortIntro.mp4")
        with av.open(str(video)) as container:
            return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]

    before = render()
    module = scenes / "languages" / "__init__.py"
    source = module.read_text(encoding="utf-8")
    assert source.count(LANGUAGES_EDIT[0]) == 1
    module.write_text(source.replace(*LANGUAGES_EDIT), encoding="utf-8")
    after = render()
    assert len(after) == len(before)
    # The titles stand above the layers from the intro on, so the last frame shows them.
    assert not np.array_equal(before[-1], after[-1]), "the cache gave back the frames of the code before the edit"
