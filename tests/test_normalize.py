"""Customer text is made uniform before the bot reads it (bot/nlu/normalize.py)."""

import time

import pytest

from bot.nlu import normalize as normalize_module
from bot.nlu.normalize import (
    normalize,
    normalize_chars,
    normalize_with_offsets,
    remap_span,
    to_half_width,
    to_simplified,
)


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("我的車被撞了，對方全責", "我的车被撞了,对方全责"),
        ("幫我報案", "帮我报案"),
        ("保單號碼是多少", "保单号码是多少"),
        ("理賠進度怎麼查", "理赔进度怎么查"),
        ("後車追尾", "后车追尾"),
        ("臺灣", "台湾"),
        ("車身劃痕險", "车身划痕险"),
        ("頭髮", "头发"),
        ("乾淨", "干净"),
        ("三者險一百萬夠不夠", "三者险一百万够不够"),
    ],
)
def test_traditional_chinese_is_understood_as_simplified(traditional, simplified):
    assert normalize(traditional) == simplified


@pytest.mark.parametrize(
    "text", ["我要报案", "交强险和车损险有什么区别", "沪A12345", "不计免赔", "转人工"]
)
def test_simplified_text_is_left_as_it_is(text):
    assert normalize(text) == text


@pytest.mark.parametrize(
    ("full_width", "half_width"),
    [
        ("ＢＡ２０２６１１２２０００００１", "BA20261122000001"),
        ("１８００元", "1800元"),
        ("沪Ａ１２３４５", "沪A12345"),
        ("ｐｄａａ", "pdaa"),
        ("（你好）！？", "(你好)!?"),
        ("尾号：０００１", "尾号:0001"),
        ("＜ｂ＞", "<b>"),
    ],
)
def test_full_width_letters_digits_and_punctuation_become_ascii(full_width, half_width):
    assert to_half_width(full_width) == half_width


def test_ideographic_space_becomes_a_plain_space():
    assert to_half_width("沪A\u300012345") == "沪A 12345"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  我要   报案  ", "我要 报案"),
        ("我要\t\n报案", "我要 报案"),
        ("\u3000\u3000报案\u3000", "报案"),
        ("沪A  12345", "沪A 12345"),
    ],
)
def test_whitespace_is_collapsed_and_stripped(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\t\u3000"])
def test_empty_or_blank_text_becomes_empty(text):
    assert normalize(text) == ""


def test_emoji_survive_untouched():
    assert normalize("撞了😭😭 怎么办🚗") == "撞了😭😭 怎么办🚗"


def test_mixed_traditional_and_full_width_text_is_fully_normalised():
    assert normalize("我的車牌是滬Ａ１２３４５，對方損失大概兩千塊") == (
        "我的车牌是沪A12345,对方损失大概两千块"
    )


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE reports; --",
        "<script>alert('x')</script>",
        "SELECT * FROM policy WHERE id = 1",
        "https://example.com/a?b=c&d=e",
    ],
)
def test_code_like_text_passes_through_unchanged(text):
    assert normalize(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "滬Ａ１２３４５　對方",
        "ＢＡ２０２６",
        "車損險😀",
        "",
        "沪A 12345",
        pytest.param("乾淨的車" * 50, id="200-chars"),
    ],
)
def test_character_level_steps_keep_the_length_so_offsets_line_up(text):
    assert len(normalize_chars(text)) == len(text)


def test_phrase_conversion_that_changes_length_falls_back_to_characters(monkeypatch):
    class PhraseChangingConverter:
        def convert(self, text: str) -> str:
            return "电脑软件包" if text == "電腦軟體" else text.replace("電", "电")

    monkeypatch.setattr(normalize_module, "_converter", PhraseChangingConverter)
    assert to_simplified("電腦") == "电腦"
    assert to_simplified("電腦軟體") == "电腦軟體"


def test_a_long_message_is_normalised_quickly():
    text = "我的車被撞了，對方全責。ＡＢＣ１２３ " * 300
    assert len(text) >= 5000
    started = time.perf_counter()
    result = normalize(text)
    assert time.perf_counter() - started < 0.1
    assert "对方全责" in result and "ABC123" in result


def test_every_output_character_points_back_to_its_source():
    text = "  滬Ａ  １２３４５ \t對方  "
    normalized, origins = normalize_with_offsets(text)
    assert normalized == normalize(text)
    chars = normalize_chars(text)
    assert all(normalized[i] == chars[origins[i]] for i in range(len(normalized)))


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("沪A  12345 对方", (0, 9), "沪A 12345"),  # inner spaces collapse
        ("  两千 块", (2, 4), "两千"),  # leading spaces removed
        ("我车  两千", (2, 6), "两千"),  # whitespace at the span's edge is trimmed
        ("對方一千五", (2, 5), "一千五"),  # same-length conversion keeps the span
    ],
)
def test_annotated_spans_follow_their_text(text, span, expected):
    normalized, origins = normalize_with_offsets(text)
    start, end = remap_span(normalized, origins, *span)
    assert normalized[start:end] == expected


def test_a_span_of_only_whitespace_has_no_counterpart():
    normalized, origins = normalize_with_offsets("我车   两千")
    assert remap_span(normalized, origins, 3, 4) is None
