"""What the structured-entity extractor understands (bot/nlu/entities.py, bot/nlu/times.py)."""

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.nlu.entities import THIRD_PARTY, extract, parse_amount

ROOT = Path(__file__).resolve().parent.parent
# A Sunday afternoon in Shanghai.
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 16, 0, tzinfo=SHANGHAI)


def found(text: str, entity: str, now: datetime = NOW) -> list:
    """(text, value, role) of every ``entity`` found in ``text``."""
    return [(e.text, e.value, e.role) for e in extract(text, now) if e.entity == entity]


def values(text: str, entity: str, now: datetime = NOW) -> list:
    return [value for _, value, _ in found(text, entity, now)]


# --- plates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("沪A12345", "沪A12345"),
        ("我的车是粤B67890", "粤B67890"),
        ("新能源车沪AD12345", "沪AD12345"),
        ("京C·24680", "京C24680"),
        ("京C.24680", "京C24680"),
        ("沪a12345", "沪A12345"),
        ("沪ad12345出事了", "沪AD12345"),
        ("沪A 12345", "沪A12345"),
        ("沪 A12345", "沪A12345"),
        ("車牌滬Ａ１２３４５", "沪A12345"),
        ("苏E55667，尾号0007", "苏E55667"),
    ],
)
def test_plates_are_found_and_written_upper_case_without_separators(text, plate):
    assert values(text, "plate") == [plate]


@pytest.mark.parametrize("text", ["A12345", "沪A1234", "沪A123456789", "上A12345"])
def test_things_that_are_not_plates_are_not_plates(text):
    assert values(text, "plate") == []


# --- amounts ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("两千五", 2500),
        ("2.5k", 2500),
        ("2.5K", 2500),
        ("三千块", 3000),
        ("1,800元", 1800),
        ("3千", 3000),
        ("一千五", 1500),
        ("两万", 20000),
        ("1.2万", 12000),
        ("损失估计1w", 10000),
        ("3000.01", 3000.01),
        ("八百", 800),
        ("五百块钱", 500),
        ("大概两千左右", 2000),
        ("损失2000", 2000),
        ("车损是 1500", 1500),
        ("修理费：3200", 3200),
        ("￥800", 800),
        ("2000左右吧", 2000),
        ("两千多块", 2000),
        ("一万二千", 12000),
        ("三千五百五十元", 3550),
        ("損失大概兩千塊", 2000),
        ("１８００元", 1800),
        ("刚那个金额打错了，2800", 2800),
    ],
)
def test_amounts_are_read_as_numbers_of_yuan(text, amount):
    assert values(text, "amount") == [amount]


def test_whole_amounts_are_ints_and_fractions_are_floats():
    assert isinstance(parse_amount("两千"), int)
    assert isinstance(parse_amount("2.5k"), int)
    assert parse_amount("3000.01") == pytest.approx(3000.01)
    assert parse_amount("沪A") is None


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("3000元", "3000元"),
        ("两千块", "两千块"),
        ("1500块钱", "1500块钱"),
        ("大概两千左右", "两千"),
    ],
)
def test_an_amount_span_keeps_its_currency_word_but_not_approximations(text, span):
    assert [t for t, _, _ in found(text, "amount")] == [span]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我车大概两千 对方一千五", [("两千", 2000, None), ("一千五", 1500, THIRD_PARTY)]),
        (
            "我的车大概3000元，对方车损大概1500元",
            [("3000元", 3000, None), ("1500元", 1500, THIRD_PARTY)],
        ),
        ("对面的车估计1500块钱", [("1500块钱", 1500, THIRD_PARTY)]),
        ("他的车大概两千块", [("两千块", 2000, THIRD_PARTY)]),
        ("前车损失800元", [("800元", 800, THIRD_PARTY)]),
        ("我的估计4000，对方的2000", [("4000", 4000, None), ("2000", 2000, THIRD_PARTY)]),
        ("对方那边改一下，两千块", [("两千块", 2000, THIRD_PARTY)]),
        ("对方两千我一千", [("两千", 2000, THIRD_PARTY), ("一千", 1000, None)]),
        ("人家的车损失三千", [("三千", 3000, THIRD_PARTY)]),
    ],
)
def test_the_other_partys_loss_carries_the_third_party_role(text, expected):
    assert found(text, "amount") == expected


@pytest.mark.parametrize(
    "text", ["我车损失两千", "自己车损失大概5000元", "其他损失两千", "大概两千左右"]
)
def test_the_customers_own_loss_has_no_role(text):
    assert [role for _, _, role in found(text, "amount")] == [None]


@pytest.mark.parametrize(
    "text",
    [
        "三点",  # a time
        "10点在延安路",
        "尾号2000",  # a phone tail
        "沪A12345",  # plate digits
        "PDAA2026310000000001",
        "BA20261122000001",
        "2026年买的车",  # a year
        "11月20日",
        "两块玻璃碎了",  # pieces, not yuan
        "千万别挂电话",  # "by all means"
        "万一对方不认账呢",
        "交强险有责财产损失赔2000吗",  # a limit of cover, not a loss
        "三者险100万够吗",
        "损失超过三千还能离开现场吗",  # a threshold
        "对方损失两千块以内能快赔吗",
        "损失几十万的事故有绿色通道吗",  # vague
        "我们3个人都没事",
        "我的手机13800000001",
        "等了10多分钟",
        "3",  # a satisfaction score, not money
        "0001",
    ],
)
def test_numbers_that_are_not_money_are_not_amounts(text):
    assert values(text, "amount") == []


@pytest.mark.parametrize(("text", "amount"), [("2000", 2000), (" 800 ", 800), ("3000.5", 3000.5)])
def test_a_bare_number_as_the_whole_message_is_an_amount(text, amount):
    assert values(text, "amount") == [amount]


# --- phone tails, policy and report numbers --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "尾号0001",
        "手机尾号是0001",
        "手机后四位是 0001",
        "电话后四位：０００１",
        "手机尾数0001",
        "手机最后四位数是0001",
        "尾号应该是0001",
        "我的手机后面四个数是0001",
        "浙A13579 0001",
        "保单PDAA2026510000000006 尾号0001",
        "我的手机13800000001",
        "0001",
    ],
)
def test_the_last_four_phone_digits_are_a_phone_tail(text):
    assert values(text, "phone_tail") == ["0001"]


def test_a_four_digit_message_is_both_a_phone_tail_and_an_amount():
    kinds = {(e.entity, e.value) for e in extract("2000", NOW)}
    assert kinds == {("phone_tail", "2000"), ("amount", 2000)}


def test_a_four_digit_message_with_a_leading_zero_is_only_a_phone_tail():
    assert [(e.entity, e.value) for e in extract("0042", NOW)] == [("phone_tail", "0042")]


@pytest.mark.parametrize("text", ["我今年2000年出生", "尾号12345", "手机丢了", "电话打不通"])
def test_other_digits_are_not_phone_tails(text):
    assert values(text, "phone_tail") == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("PDAA2026310000000001", "PDAA2026310000000001"),
        ("保单号pdaa2026310000000001", "PDAA2026310000000001"),
        ("保單號ＰＤＡＡ２０２６３１０００００００００１", "PDAA2026310000000001"),
        ("abcd2025110000000099", "ABCD2025110000000099"),
    ],
)
def test_policy_numbers_are_upper_case(text, number):
    assert values(text, "policy_number") == [number]


@pytest.mark.parametrize(
    ("text", "number"),
    [("BA20261122000001", "BA20261122000001"), ("报案号是ba20261122000001", "BA20261122000001")],
)
def test_report_numbers_are_upper_case(text, number):
    assert values(text, "report_number") == [number]


@pytest.mark.parametrize("text", ["BA2026112200000", "BA202611220000011", "CA20261122000001"])
def test_report_numbers_need_ba_and_fourteen_digits(text):
    assert values(text, "report_number") == []


def test_a_report_number_is_not_also_a_policy_number():
    assert [e.entity for e in extract("BA20261122000001", NOW)] == ["report_number"]


# --- accident times --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("刚才", "2026-11-22T16:00:00+08:00"),
        ("刚刚被追尾了", "2026-11-22T16:00:00+08:00"),
        ("半小时前", "2026-11-22T15:30:00+08:00"),
        ("半个小时前", "2026-11-22T15:30:00+08:00"),
        ("两个小时之前", "2026-11-22T14:00:00+08:00"),
        ("10分钟前", "2026-11-22T15:50:00+08:00"),
        ("一个半小时前", "2026-11-22T14:30:00+08:00"),
        ("一刻钟前", "2026-11-22T15:45:00+08:00"),
        ("两刻钟之前撞的", "2026-11-22T15:30:00+08:00"),
        ("3天前", "2026-11-19T16:00:00+08:00"),
        ("今天下午三点", "2026-11-22T15:00:00+08:00"),
        ("今天上午十点", "2026-11-22T10:00:00+08:00"),
        ("今天早上7点多", "2026-11-22T07:00:00+08:00"),
        ("昨晚", "2026-11-21T21:00:00+08:00"),
        ("昨天晚上八点", "2026-11-21T20:00:00+08:00"),
        ("昨晚八点左右", "2026-11-21T20:00:00+08:00"),
        ("前天", "2026-11-20T12:00:00+08:00"),
        ("前天晚上", "2026-11-20T21:00:00+08:00"),
        ("11月20日下午2点半", "2026-11-20T14:30:00+08:00"),
        ("十一月二十号下午两点半", "2026-11-20T14:30:00+08:00"),
        ("2026-11-20 14:30", "2026-11-20T14:30:00+08:00"),
        ("2026/11/20", "2026-11-20T12:00:00+08:00"),
        ("2026年11月20日", "2026-11-20T12:00:00+08:00"),
        ("早上7点", "2026-11-22T07:00:00+08:00"),
        ("中午", "2026-11-22T12:00:00+08:00"),
        ("中午1点", "2026-11-22T13:00:00+08:00"),
        ("三点", "2026-11-22T15:00:00+08:00"),
        ("10点", "2026-11-22T10:00:00+08:00"),
        ("14:30", "2026-11-22T14:30:00+08:00"),
        ("三点一刻", "2026-11-22T15:15:00+08:00"),
        ("八点零五分", "2026-11-22T08:05:00+08:00"),
        ("20号", "2026-11-20T12:00:00+08:00"),
        ("上周五", "2026-11-13T12:00:00+08:00"),
        ("周五晚上", "2026-11-20T21:00:00+08:00"),
        ("昨天晚上12点", "2026-11-22T00:00:00+08:00"),
        ("凌晨两点", "2026-11-22T02:00:00+08:00"),
        ("昨天", "2026-11-21T12:00:00+08:00"),
        ("今天", "2026-11-22T12:00:00+08:00"),
    ],
)
def test_accident_times_resolve_to_shanghai_iso_times(text, moment):
    assert values(text, "accident_time") == [moment]


def test_an_accident_time_spans_the_whole_expression():
    assert [t for t, _, _ in found("我今天上午十点在延安路追尾了", "accident_time")] == [
        "今天上午十点"
    ]


@pytest.mark.parametrize(
    ("text", "hour", "moment"),
    [
        ("下午三点", 10, "2026-11-21T15:00:00+08:00"),  # still ahead today → yesterday
        ("晚上", 19, "2026-11-21T21:00:00+08:00"),
        ("三点", 10, "2026-11-22T03:00:00+08:00"),  # the most recent three o'clock
        ("11点", 1, "2026-11-21T23:00:00+08:00"),
        ("今天", 9, "2026-11-22T09:00:00+08:00"),  # a default never lies ahead
        ("今晚", 19, "2026-11-22T19:00:00+08:00"),
        ("12月1日", 10, "2025-12-01T12:00:00+08:00"),  # not yet this year → last year
    ],
)
def test_times_never_land_in_the_future_by_default(text, hour, moment):
    now = NOW.replace(hour=hour)
    assert values(text, "accident_time", now) == [moment]


def test_a_time_the_customer_states_for_today_is_kept_as_stated():
    now = NOW.replace(hour=10)
    assert values("今天下午三点", "accident_time", now) == ["2026-11-22T15:00:00+08:00"]


@pytest.mark.parametrize(
    "text",
    [
        "明天下午三点",  # future days
        "后天",
        "下周五",  # a Friday still ahead
        "快一点",  # "a bit faster"
        "有一点疼",
        "下午好",  # greetings
        "早上好",
        "刚才说错了，车开不了",  # refers to the conversation
        "撤回刚才的报案",
        "我刚说错了",  # bare 刚 is an adverb, not a time
        "刚好路过",
        "今天天气怎么样",  # 今天 / a period in a sentence: not about the accident
        "晚上能报案吗",
        "半夜出事有人管吗",
        "10日内支付是工作日吗",  # ranges
        "九月十九号以后交强险是不是提高了",
        "交强险新限额是2020年9月19日开始的吗",
        "事故中有人受伤第一时间做什么",
        "13月40日",
        "25点",
    ],
)
def test_expressions_that_are_not_the_accidents_time_are_ignored(text):
    assert values(text, "accident_time") == []


def test_a_naive_now_is_taken_as_shanghai_time():
    assert values("半小时前", "accident_time", datetime(2026, 11, 22, 16, 0)) == [
        "2026-11-22T15:30:00+08:00"
    ]


def test_an_aware_now_in_another_zone_is_converted_to_shanghai():
    utc_now = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)
    assert values("刚才", "accident_time", utc_now) == ["2026-11-22T16:00:00+08:00"]


def test_now_defaults_to_the_current_time_in_shanghai():
    (moment,) = values("刚才", "accident_time", None)
    parsed = datetime.fromisoformat(moment)
    assert parsed.utcoffset() == timedelta(hours=8)
    assert abs(parsed - datetime.now(timezone.utc)) < timedelta(seconds=5)


# --- locations -------------------------------------------------------------


def locations(text: str) -> list:
    return [(t, value) for t, value, _ in found(text, "location")]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("昨天下午在淮海中路被出租车追尾了", "淮海中路"),
        ("在G60沪昆高速杭州方向追尾", "G60沪昆高速杭州方向"),
        ("刚在外环隧道里蹭了一下", "外环隧道"),
        ("开到南京路步行街附近被撞", "南京路步行街附近"),
        ("于11月20日在长江路撞车", "长江路"),
        ("我在公司门口倒车撞到柱子", "公司门口"),
        ("车停在世纪公园门口被撞了", "世纪公园门口"),
        ("在内环高架和延安高架交叉口", "内环高架和延安高架交叉口"),
        ("在阳澄湖服务区加油的时候被刮了", "阳澄湖服务区"),
        ("在上海市徐汇区漕溪北路", "上海市徐汇区漕溪北路"),
    ],
)
def test_a_named_place_after_zai_yu_or_dao_is_the_accident_location(text, place):
    assert locations(text) == [(place, place)]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("事故地点：徐家汇地铁站附近", "徐家汇地铁站附近"),
        ("位置在虹桥火车站停车场", "虹桥火车站停车场"),
        ("地址改成漕河泾开发区桂平路", "漕河泾开发区桂平路"),
        ("地方搞错了，应该是四平路", "四平路"),
        ("浦东新区张江路", "浦东新区张江路"),
    ],
)
def test_a_place_after_a_place_word_or_alone_in_its_clause_is_the_location(text, place):
    assert locations(text) == [(place, place)]


def test_a_location_span_leaves_out_zai_and_a_trailing_shang():
    (entity,) = [e for e in extract("就在沪嘉高速上被追尾了", NOW) if e.entity == "location"]
    assert (entity.start, entity.end, entity.text) == (2, 6, "沪嘉高速")


def test_a_corrected_location_names_both_places():
    assert locations("不是在延安路，是在延安西路") == [
        ("延安路", "延安路"),
        ("延安西路", "延安西路"),
    ]


def test_a_location_in_traditional_characters_has_a_simplified_value():
    assert locations("地點改成人民廣場") == [("人民廣場", "人民广场")]


def test_a_location_name_stops_before_what_happened_there():
    assert locations("刚刚在世纪大道变道跟一辆白色轿车擦了") == [("世纪大道", "世纪大道")]
    assert locations("在人民广场附近的停车场被刮") == [("人民广场附近", "人民广场附近")]


@pytest.mark.parametrize(
    "text",
    [
        # 在 that is not about a place
        "我在开车",
        "正在处理",
        "在吗",
        "现在",
        "交强险在哪里买",
        "我在等交警",
        "帮我在线报个案",
        "由于延安路堵车，晚点到",
        # a place word without a name is too vague to report
        "我现在在高速上",
        "我在路口跟别人的车碰了一下",
        "停在路边被人撞了",
        "在这个路口",
        "在哪个路口出的事",
        "在上班路上被追尾",
        "在小区里被刮了物业管吗",
        # a repair shop is not where the accident happened
        "车在4S店维修时被撞能报保险吗",
    ],
)
def test_words_that_name_no_place_give_no_location(text):
    assert locations(text) == []


def test_other_entities_win_over_a_location_that_overlaps_them():
    text = "我沪A12345昨天晚上八点在延安路追尾了"
    assert [e.entity for e in extract(text, NOW)] == ["plate", "accident_time", "location"]


# --- scored against the training data --------------------------------------

NLU_FILES = sorted((ROOT / "bot" / "data" / "nlu").glob("*.yml"))
# [text](entity) or [text]{"entity": ..., "role": ...}
ANNOTATION = re.compile(r"\[(?P<text>[^\[\]]+)\](?:\((?P<name>[^()]*)\)|(?P<json>\{[^{}]*\}))")


def gold_examples() -> list[tuple[str, set]]:
    """(plain text, {(entity, start, end)}) of every NLU training example."""
    examples = []
    for path in NLU_FILES:
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in block.get("examples", "").splitlines() if "intent" in block else []:
                if line.strip().startswith("- "):
                    examples.append(_plain_and_gold(line.strip()[2:]))
    return examples


def _plain_and_gold(example: str) -> tuple[str, set]:
    plain, gold, copied = "", set(), 0
    for match in ANNOTATION.finditer(example):
        plain += example[copied : match.start()]
        name = json.loads(match["json"])["entity"] if match["json"] else match["name"]
        gold.add((name, len(plain), len(plain) + len(match["text"])))
        plain += match["text"]
        copied = match.end()
    return plain + example[copied:], gold


def spans(text: str) -> set:
    return {(e.entity, e.start, e.end) for e in extract(text, NOW)}


def test_locations_match_the_gold_spans_of_the_training_data():
    true_pos = false_pos = false_neg = 0
    for text, gold in gold_examples():
        expected = {g for g in gold if g[0] == "location"}
        predicted = {s for s in spans(text) if s[0] == "location"}
        true_pos += len(expected & predicted)
        false_pos += len(predicted - expected)
        false_neg += len(expected - predicted)
    assert true_pos + false_neg >= 25  # the data still annotates locations
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    assert 2 * precision * recall / (precision + recall) >= 0.95


def test_every_other_gold_entity_is_still_found_exactly():
    missed = [
        (text, text[start:end])
        for text, gold in gold_examples()
        for entity, start, end in gold - spans(text)
        if entity != "location"
    ]
    assert missed == []


# --- whole messages --------------------------------------------------------


def test_a_full_accident_report_yields_every_entity_in_order():
    text = "我沪A12345今天上午十点在延安路追尾了前车 没人受伤 我车大概两千 对方一千五"
    assert [(e.entity, e.text, e.value, e.role) for e in extract(text, NOW)] == [
        ("plate", "沪A12345", "沪A12345", None),
        ("accident_time", "今天上午十点", "2026-11-22T10:00:00+08:00", None),
        ("location", "延安路", "延安路", None),
        ("amount", "两千", 2000, None),
        ("amount", "一千五", 1500, THIRD_PARTY),
    ]


def test_offsets_index_the_raw_traditional_and_full_width_input():
    text = "滬Ａ１２３４５，對方損失兩千塊"
    for entity in extract(text, NOW):
        assert text[entity.start : entity.end] == entity.text
    assert [e.text for e in extract(text, NOW)] == ["滬Ａ１２３４５", "兩千塊"]


def test_spans_never_overlap():
    text = "尾号2000 沪A12345 BA20261122000001 昨天晚上八点 损失2000 对方1.2万 10点"
    entities = extract(text, NOW)
    positions = [i for e in entities for i in range(e.start, e.end)]
    assert len(positions) == len(set(positions))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀😀😀",
        "🚗💥 撞了",
        "'; DROP TABLE reports; --",
        "<script>alert('两千')</script>",
        "<b>沪A12345</b>",
        "ＨＴＭＬ　＆　ＳＱＬ",
        pytest.param("我" * 5000, id="5000-chars"),
        "\n\t",
    ],
)
def test_odd_input_never_breaks_the_extractor(text):
    for entity in extract(text, NOW):
        assert text[entity.start : entity.end] == entity.text


def test_entities_inside_markup_are_still_found():
    assert values("<b>沪A12345</b>", "plate") == ["沪A12345"]


def test_a_five_thousand_character_message_is_read_whole():
    # Speed is measured by `make bench`, not by a timed test that flakes on a busy machine.
    text = ("我的车沪A12345昨天晚上八点被追尾，对方全责，损失大概两千。" * 200)[:5000]
    entities = extract(text, NOW)
    assert sum(e.entity == "plate" for e in entities) >= 150


def test_importing_the_extractor_does_not_load_spacy():
    code = "import sys, bot.nlu.entities; print('spacy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
