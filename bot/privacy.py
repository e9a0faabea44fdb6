"""Personal data in free text, and how it is hidden (no Rasa import).

One place for both users: the structured logs (bot/logging_setup.py) mask every
line with `mask`; the unanswered questions kept for staff (bot/actions/unanswered.py)
are stored through `mask_personal_data`, which also hides names.

What `mask` hides, as typed or as a JSON ``\\uXXXX`` escape (structlog's JSON):

- mobile phone numbers: 13800000001 → 138********
- ID card numbers (18 or 15 digits) and bank card numbers (16 to 19 digits, also
  written in groups of four): every digit → *
- plates: all but the province character, 沪A12345 → 沪****** (滬A12345 too)

Report and policy numbers (BA…, PDAA…) stay readable: staff need them.
"""

from __future__ import annotations

import json
import re

from bot.concepts.identifiers import PLATE_SEPARATORS
from bot.concepts.provinces import PROVINCES, TRADITIONAL_PROVINCES

# A province character as typed or as json.dumps writes it (structlog's JSON).
_PROVINCE = "|".join(
    [f"[{PROVINCES}{TRADITIONAL_PROVINCES}]"]
    + [re.escape(json.dumps(char)[1:-1]) for char in PROVINCES + TRADITIONAL_PROVINCES]
)
# Letters and digits as typed, also full-width (沪Ａ１２３４５); any separator the
# identity check accepts (沪A-12345, 京C·24680).
_LETTER = "A-Za-zＡ-Ｚａ-ｚ"
_ALNUM = f"{_LETTER}0-9０-９"
_PLATE = re.compile(
    rf"(?P<province>{_PROVINCE})\s?"
    rf"(?P<rest>[{_LETTER}][{re.escape(PLATE_SEPARATORS)}\s]?[{_ALNUM}]{{4,6}})(?![{_ALNUM}])"
)
# Not inside a longer number, a decimal fraction or an identifier (BA…, PDAA…).
# Also written in groups: 110101 19900101 123X.
_ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z.])(\d{17}[\dXx]|\d{15}|\d{6}[ -]\d{8}[ -]\d{3}[\dXx])(?![0-9A-Za-z])"
)
_BANK_CARD = re.compile(
    r"(?<![0-9A-Za-z.])(\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?)(?![0-9A-Za-z])"
)
# With or without +86 / 86 in front, in one piece or as 138-1234-5678 / 138 1234 5678.
_PHONE = re.compile(r"(?<![\d.])((?:\+?86[ -]?)?1[3-9]\d)([ -]?\d{4}[ -]?\d{4})(?!\d)")

# Names, where a customer says one: after a cue that announces a name, or a
# surname before a form of address. Only common surnames count after the weak
# cue 我是 ("我是车主" stays), and a given name never takes a character that
# rarely ends a name but often follows one ("我叫王强的…" keeps 的).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
_NOT_IN_NAME = (
    "的了是在和与跟也都就还又吗呢吧啊呀哦么嘛我你他她它们想要问说请帮给被把从到去来有没不"
    "车保险速出开买撞刚今昨上下这那第外本"
)
_CJK = r"\u4e00-\u9fff"
_NAME_CHAR = rf"(?:(?![{_NOT_IN_NAME}])[{_CJK}])"
_NAME_AFTER_CUE = re.compile(
    r"(?P<cue>我叫|名叫|叫做|名字[是叫]|姓名[是为:：]|联系人[是:：]|被保险人[是:：]|车主[是:：])"
    rf"\s*(?P<name>{_NAME_CHAR}{{2,3}})"
)
# ... where the name ends the phrase: "我是王强，" and "我是王强的…", not "我是周末出的事".
_NAME_AFTER_WO_SHI = re.compile(
    rf"(?P<cue>我是|本人是?)\s*(?P<name>[{_SURNAMES}]{_NAME_CHAR}{{1,2}})(?=$|[^{_CJK}]|的)"
)
_SURNAME_ONLY = re.compile(rf"(?P<cue>我姓)(?P<name>[{_SURNAMES}])")
_ADDRESSED = re.compile(rf"(?P<name>[{_SURNAMES}])(?P<cue>先生|女士|小姐|师傅)")


def mask(text: str) -> str:
    """`text` with phone numbers, ID and bank card numbers and plates hidden."""
    text = _ID_NUMBER.sub(lambda m: "*" * len(m.group(0)), text)
    text = _BANK_CARD.sub(lambda m: re.sub(r"\d", "*", m.group(0)), text)
    text = _PHONE.sub(lambda m: m.group(1) + re.sub(r"\d", "*", m.group(2)), text)
    return _PLATE.sub(lambda m: m.group("province") + "*" * len(m.group("rest")), text)


def _hide_name(match: re.Match) -> str:
    cue, hidden = match.group("cue"), "*" * len(match.group("name"))
    return hidden + cue if match.start("name") < match.start("cue") else cue + hidden


def mask_names(text: str) -> str:
    """`text` with the names a customer introduces ("我叫张伟", "李女士") hidden."""
    for pattern in (_NAME_AFTER_CUE, _NAME_AFTER_WO_SHI, _SURNAME_ONLY, _ADDRESSED):
        text = pattern.sub(_hide_name, text)
    return text


def mask_personal_data(text: str) -> str:
    """Customer text fit to be kept: numbers, plates and names hidden."""
    return mask_names(mask(text))
