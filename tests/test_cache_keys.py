"""The cache key of every play: a timing edit keeps the other phases, any other change keeps none."""

from __future__ import annotations

import json

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
