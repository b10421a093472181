"""Every word the viewer reads comes from one table per language: English, and Chinese on screen and in the subtitles."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
import srt

import languages
from conftest import require_font
from dry_run import dry_run, layout_problems
from forward_pass import ForwardPassScene
from languages import LANGUAGE_ENV_VAR, Language, LanguageError, available_languages, language_named
from network_model import ACTIVATIONS, DEFAULT_NETWORK_PATH, NETWORK_ENV_VAR, format_value, forward, load_network
from style import THEMES
from subtitles import cue_problems

CJK = re.compile(r"[\u3400-\u9fff]")
KEPT_NAMES = {"ReLU", "softmax", "sigmoid", "tanh", "leaky"}
"""Words that stay as they are in every language: the names of functions, as in the LaTeX."""
MIN_GLYPH = 0.13


def test_english_and_chinese_are_there():
    assert {"en", "zh"} <= set(available_languages())


@pytest.mark.parametrize("code", available_languages())
def test_every_string_of_every_language_fills_in(code):
    language = language_named(code)
    assert language.code == code
    for item in dataclasses.fields(Language):
        kind = item.metadata.get("kind")
        if kind is None:
            continue
        values = {name: f"<{name}>" for name in item.metadata["placeholders"]}
        value = getattr(language, item.name)
        for wording in value if isinstance(value, tuple) else (value,):
            assert wording.format(**values).strip(), f"{code}: {item.name} is empty"
    assert set(language.functions) == set(ACTIVATIONS), f"{code}: words for {sorted(language.functions)}"
    for function, words in language.functions.items():
        for z in (1.0, -1.0):
            assert words.verdict(z).strip(), (code, function)


def test_a_placeholder_that_is_not_offered_is_refused():
    english = language_named("en")
    with pytest.raises(LanguageError, match=r"say_outro: unknown placeholder \{winner\}"):
        dataclasses.replace(english, say_outro=("{winner} wins",))
    with pytest.raises(LanguageError, match="say_intro: expected a tuple of wordings"):
        dataclasses.replace(english, say_intro="A network")


def test_an_unknown_language_is_named_with_the_ones_there_are(monkeypatch):
    with pytest.raises(LanguageError, match=r"FORWARD_PASS_LANGUAGE: unknown language 'xx'; the languages are: en, zh"):
        language_named("xx")
    monkeypatch.setenv(LANGUAGE_ENV_VAR, "ZH")
    assert language_named().code == "zh"
    monkeypatch.delenv(LANGUAGE_ENV_VAR)
    assert language_named().code == "en"


FRENCH = """
from dataclasses import replace

from languages.en import LANGUAGE as ENGLISH

LANGUAGE = replace(
    ENGLISH,
    code="fr",
    name="French",
    title="Propagation avant dans un réseau",
    input_layer="Entrée",
    hidden_layer="Cachée {index}",
    output_layer="Sortie",
    say_prediction=("La prédiction est {name}, avec la probabilité {probability}.",),
)
"""


def test_a_new_language_is_one_new_file(tmp_path, monkeypatch):
    (tmp_path / "fr.py").write_text(FRENCH, encoding="utf-8")
    monkeypatch.setattr(languages, "__path__", [*languages.__path__, str(tmp_path)])
    assert "fr" in available_languages()

    class FrenchScene(ForwardPassScene):
        LANGUAGE = "fr"

    run = dry_run(FrenchScene)
    shown = " ".join(text for snap in run.snapshots for text, _ in snap.texts)
    for word in ("Propagationavantdansunréseau", "Entrée", "Cachée1", "Cachée2", "Sortie"):
        assert f"Text('{word}')" in shown
    assert "La prédiction est Class 0, avec la probabilité 0.73." in run.srt.replace("\n", " ")


# ---------------------------------------------------------------- Chinese


def words_on_screen(run) -> dict[str, list[str]]:
    """Each phase's texts drawn in the sans-serif font (not LaTeX), as written."""
    return {
        snap.phase: [re.match(r"\w+\('(.*)'\)$", text).group(1) for text, _ in snap.texts if text.startswith("Text(")]
        for snap in run.snapshots
    }


def test_every_word_on_screen_is_chinese(chinese_run):
    class_words = {word for name in load_network().class_names for word in re.findall(r"[A-Za-z]+", name)}
    for phase, texts in words_on_screen(chinese_run).items():
        assert any(CJK.search(text) for text in texts), f"{phase}: no Chinese on screen"
        for text in texts:
            english = set(re.findall(r"[A-Za-z]{2,}", text)) - KEPT_NAMES - class_words
            assert not english, f"{phase}: {text!r} has English words {sorted(english)}"


def test_the_mathematics_is_the_same_latex_in_both_languages(default_run, chinese_run):
    def latex(run):
        return [[text for text, _ in snap.texts if not text.startswith("Text(")] for snap in run.snapshots]

    assert latex(chinese_run) == latex(default_run)


def cues(run) -> list[srt.Subtitle]:
    parsed = list(srt.parse(run.srt))
    assert parsed, "no subtitles were written"
    return parsed


def test_every_chinese_subtitle_is_chinese(chinese_run):
    for cue in cues(chinese_run):
        assert CJK.search(cue.content), f"cue {cue.index} is not in Chinese: {cue.content!r}"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_cue_can_be_read_in_time(language, default_run, chinese_run):
    run = default_run if language == "en" else chinese_run
    problems = [
        f"cue {cue.index} ({cue.content!r}): {problem}"
        for cue in cues(run)
        for problem in cue_problems(cue.content, (cue.end - cue.start).total_seconds())
    ]
    assert not problems, problems


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_subtitles_keep_the_real_numbers(language, default_run, chinese_run):
    run = default_run if language == "en" else chinese_run
    trace = forward(load_network())
    # Cues break lines at spaces and between Chinese characters: compare without any spacing.
    text = " ".join(cue.content.replace("\n", " ") for cue in cues(run))
    flat = re.sub(r"\s", "", text)
    name, probability = trace.predicted_class.replace(" ", ""), format_value(trace.probabilities[trace.prediction])
    assert any(name in re.sub(r"\s", "", cue.content) and probability in cue.content for cue in cues(run))
    for layer in trace.layers[:-1]:
        assert "(" + ",".join(format_value(a) for a in layer.a) + ")" in flat
    sums = re.findall(r"z = ([-\d.·() +]+?) = (-?\d+\.\d\d)", text)
    assert len(sums) == 2, text
    for expression, result in sums:
        value = eval(expression.replace("·", "*"))  # noqa: S307 - digits and operators only
        assert format_value(value) == result


def test_the_chinese_layout_holds(chinese_run):
    assert layout_problems(chinese_run, MIN_GLYPH) == []


class LightChineseScene(ForwardPassScene):
    THEME = "light"
    LANGUAGE = "zh"


def test_the_light_chinese_layout_holds():
    require_font("zh")
    run = dry_run(LightChineseScene)
    light = THEMES["light"].background.to_hex().lower()
    assert all(snap.colors[0] == ("background", light) for snap in run.snapshots)
    assert any(CJK.search(text) for snap in run.snapshots for text, _ in snap.texts)
    assert layout_problems(run, MIN_GLYPH) == []


def test_chinese_class_names_show_as_written_in_english(tmp_path, monkeypatch):
    require_font("zh")
    spec = json.loads(DEFAULT_NETWORK_PATH.read_text(encoding="utf-8"))
    spec["class_names"] = ["猫", "狗"]
    spec["target"] = "狗"
    path = tmp_path / "network.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv(NETWORK_ENV_VAR, str(path))
    run = dry_run(ForwardPassScene)
    outro = " ".join(text for text, _ in run.snapshots[-1].texts)
    assert "Text('猫')" in outro
    assert "Text('狗')" in outro
    assert "The prediction is 猫, with probability 0.73." in run.srt.replace("\n", " ")
    assert layout_problems(run, MIN_GLYPH) == []
