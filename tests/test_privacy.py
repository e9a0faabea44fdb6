"""Personal data hidden in customer text before it is kept (bot/privacy.py).

The numbers and plates are the logs' masking (tests/cluster/test_log_masking.py);
these are what stored text needs beyond it: names, bank cards, Traditional plates.
"""

import json

import pytest

from bot.privacy import mask, mask_personal_data


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("我叫张伟，想问下理赔", "我叫**，想问下理赔"),
        ("我是王强", "我是**"),
        ("我是王强的家属", "我是**的家属"),
        ("姓名：李娜", "姓名：**"),
        ("联系人是陈静，电话13900000006", "联系人是**，电话139********"),
        ("我姓赵，车被撞了", "我姓*，车被撞了"),
        ("刚才那位刘先生说要等查勘员", "刚才那位*先生说要等查勘员"),
        ("我叫小明", "我叫**"),
    ],
)
def test_names_a_customer_introduces_are_hidden(text, masked):
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "我是车主本人",
        "我是周末出的事",
        "我是高速上出的事故",
        "我的名字写错了怎么改",
        "被保险人是我爸",
        "车主是上海顺达物流有限公司",
        "我是新手，刚买车",
    ],
)
def test_words_that_only_look_like_a_name_stay(text):
    assert mask_personal_data(text) == text


def test_bank_card_numbers_are_hidden_whole_or_in_groups_of_four():
    assert mask("卡号6222021001123456789") == "卡号" + "*" * 19
    assert mask("卡号 6222 0210 0112 3456") == "卡号 **** **** **** ****"


def test_a_plate_typed_in_traditional_chinese_is_hidden_too():
    assert mask("滬A12345被撞了") == "滬******被撞了"
    assert mask(json.dumps("滬A12345")) == json.dumps("滬")[:-1] + '******"'


def test_everything_at_once():
    text = "我叫张伟，沪A12345，手机13812345678，身份证11010119900307123X，报案号BA20261122000001"
    assert mask_personal_data(text) == (
        "我叫**，沪******，手机138********，身份证" + "*" * 18 + "，报案号BA20261122000001"
    )


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话138-1234-5678", "电话138-****-****"),
        ("手机 138 1234 5678", "手机 138 **** ****"),
        ("+8613812345678", "+86138********"),
        ("8613812345678", "86138********"),
        ("车牌沪 A12345", "车牌沪******"),
        ("身份证 110101 19900101 123X", "身份证 ********************"),
    ],
)
def test_numbers_and_plates_written_in_groups_or_with_the_country_code_are_hidden(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize("text", ["报案号BA20261208000001", "损失2000元，对方1500"])
def test_report_numbers_and_amounts_stay_readable(text):
    assert mask(text) == text
