"""Subtitles a viewer can read: line breaks, reading speed, and the choice among a cue's wordings."""

from __future__ import annotations

import pytest

from subtitles import (
    MAX_CHARS_PER_SECOND,
    MAX_LINE_WIDTH,
    choose_wording,
    cue_problems,
    cue_text,
    display_width,
    reading_length,
    wrap,
)


def test_a_chinese_character_takes_two_columns():
    assert display_width("Class 0") == 7
    assert display_width("输出层") == 6
    assert display_width("输出层：z = (0.68, -0.32)") == 6 + 2 + len("z = (0.68, -0.32)")


def test_reading_length_counts_every_character_but_the_line_break():
    assert reading_length("a b\nc") == 4


def test_a_short_cue_stays_on_one_line():
    assert wrap("Hidden layer 1: z = Wx + b") == ["Hidden layer 1: z = Wx + b"]


def test_a_long_cue_breaks_after_punctuation_not_inside_a_vector():
    lines = wrap("ReLU keeps it, a = 0.63. Hidden layer 1: a = (0.35, 0.00, 0.63, 0.18).")
    assert lines == ["ReLU keeps it, a = 0.63. Hidden layer 1:", "a = (0.35, 0.00, 0.63, 0.18)."]


def test_a_name_keeps_its_number():
    lines = wrap("The prediction is Class 0, with probability 0.73.")
    assert lines == ["The prediction is Class 0,", "with probability 0.73."]


def test_an_operator_starts_the_line_beside_its_term():
    lines = wrap("Neuron 2: z = 0.80·0.35 + 0.10·0.00 - 0.70·0.63 + 0.30·0.18 + 0.05 = -0.06")
    assert lines == ["Neuron 2: z = 0.80·0.35 + 0.10·0.00", "- 0.70·0.63 + 0.30·0.18 + 0.05 = -0.06"]


def test_chinese_breaks_after_its_punctuation_and_never_before_it():
    lines = wrap("softmax 把 logit 变成概率：p = (0.73, 0.27)。")
    assert lines == ["softmax 把 logit 变成概率：", "p = (0.73, 0.27)。"]
    for text in ["预测结果是一个很长的句子，需要分成两行，每一行都不能以标点符号开头。", "一二三四五六七八九十，" * 4]:
        lines = wrap(text)
        assert all(display_width(line) <= MAX_LINE_WIDTH for line in lines), lines
        assert not any(line[0] in "，。：；、" for line in lines[1:]), lines


def test_chinese_without_spaces_still_breaks():
    text = "一二三四五六七八九十" * 4
    lines = wrap(text)
    assert len(lines) == 2
    assert "".join(lines) == text
    assert all(display_width(line) <= MAX_LINE_WIDTH for line in lines)


def test_problems_name_every_limit():
    assert cue_problems("short", 1.0) == []
    assert "more than 20" in " ".join(cue_problems("x" * 41, 2.0))
    assert "3 lines" in " ".join(cue_problems("a\nb\nc", 5.0))
    assert "43 columns" in " ".join(cue_problems("x" * 43, 5.0))
    assert "22 columns" not in " ".join(cue_problems("输" * 11, 5.0))
    assert "44 columns" in " ".join(cue_problems("输" * 22, 5.0))
    assert "less than 1 s" in " ".join(cue_problems("ok", 0.5))
    assert cue_problems("ok", 0.5, check_duration=False) == []


def test_the_first_wording_that_can_be_read_in_time_is_chosen():
    full = "The input x = (0.50, 0.80, 0.30) enters the input neurons."
    short = "Input: x = (0.50, 0.80, 0.30)"
    assert choose_wording([full, short], 4.0) == full
    assert cue_text(full) == "The input x = (0.50, 0.80, 0.30)\nenters the input neurons."
    assert choose_wording([full, short], 2.0) == short
    assert reading_length(full) / 2.0 > MAX_CHARS_PER_SECOND


def test_a_wording_that_cannot_fit_two_lines_is_passed_over():
    long = " ".join(["word"] * 20)  # 99 characters: three lines at any speed
    assert choose_wording([long, "short"], 60.0) == "short"


def test_when_nothing_fits_the_shortest_wording_is_shown():
    assert choose_wording(["a much longer wording", "shorter"], 0.1) == "shorter"
    with pytest.raises(ValueError, match="at least one wording"):
        choose_wording([], 1.0)
