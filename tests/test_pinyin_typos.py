"""Typos from pinyin input are put right before the bot reads a message (bot/nlu/pinyin_typos.py)."""

import pytest

from bot.nlu.normalize import normalize, normalize_chars
from bot.nlu.pinyin_typos import fix_pinyin_typos, load_table, sounds


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("叫强险赔什么", "交强险赔什么"),
        ("交强线是不是只赔对方", "交强险是不是只赔对方"),
        ("三者线买多少合适", "三者险买多少合适"),
        ("三责险包不包括车上的人", "三者险包不包括车上的人"),  # z for zh
        ("不记免赔是什么意思", "不计免赔是什么意思"),
        ("撞了能倍多少", "撞了能赔多少"),  # 倍 is also read pei
        ("车顺险保自燃吗", "车损险保自燃吗"),  # s for sh
        ("理陪进度怎么查", "理赔进度怎么查"),
        ("保险公司能全陪吗", "保险公司能全赔吗"),
        ("定顺结果不满意", "定损结果不满意"),
        ("车过护以后保险咋办", "车过户以后保险咋办"),
        ("强制线断了一个月", "强制险断了一个月"),
    ],
)
def test_a_sound_alike_misspelling_of_a_domain_word_is_put_right(typed, meant):
    assert fix_pinyin_typos(typed) == meant


@pytest.mark.parametrize(
    "text",
    [
        "路上出现了问题",  # 出现 sounds like 出险, which is not a listed word
        "停车场保安把车砸了",  # 保安 / 报案
        "车到年限要报废了",  # 报废 / 保费
        "车能被拖走吗",  # 被 is not 赔
        "要赔不少钱吧",  # 不 is rarely read fu: not 赔付
        "我要继续报案",  # 续报 is not 续保
        "快赔服务是怎么回事",  # 服务 is kept
        "授权赔款多久到账",  # 授权 is kept: not 全赔
        "按比例赔付合理吗",
        "车上人员险每个座位赔多少",
        "全车盗抢现在归哪个险",
        "赔不赔",  # a domain word already right is left alone
        "脱保了怎么办",
        "交强险和三者险",
    ],
)
def test_ordinary_and_correct_words_are_left_alone(text):
    assert fix_pinyin_typos(text) == text


def test_a_word_with_more_than_half_its_characters_wrong_is_left_alone():
    # 叫墙险 would need two of three characters changed: another word, or noise.
    assert fix_pinyin_typos("叫墙险") == "叫墙险"


def test_the_length_is_kept_so_entity_offsets_stay_valid():
    text = "昨天叫强险理陪的事,沪A12345,损失两千"
    assert len(fix_pinyin_typos(text)) == len(text)


def test_normalisation_puts_typos_right_after_traditional_to_simplified():
    assert normalize("叫強險能倍多少") == "交强险能赔多少"
    assert normalize_chars("三者線") == "三者险"


def test_fuzzy_pinyin_reads_retroflex_and_back_nasals_as_their_plain_twins():
    assert sounds("者") & sounds("则")  # zhe / ze
    assert sounds("损") & sounds("顺")  # sun / shun
    assert not sounds("A")


def test_the_table_lists_domain_words_longest_first_and_the_words_to_keep(tmp_path):
    table = tmp_path / "t.yml"
    table.write_text("terms: [理赔, 交强险]\nkeep: [授权]\n", encoding="utf-8")
    assert load_table(table) == (("交强险", "理赔"), ("授权",))
    assert fix_pinyin_typos("理陪", (("交强险", "理赔"), ())) == "理赔"
    assert fix_pinyin_typos("理陪", (("交强险",), ())) == "理陪"


def test_no_listed_word_to_keep_is_itself_changed():
    terms, keep = load_table()
    assert [word for word in keep if fix_pinyin_typos(word) != word] == []
    assert [term for term in terms if fix_pinyin_typos(term) != term] == []
