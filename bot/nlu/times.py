"""When did the accident happen? Chinese time expressions → local datetimes (BOT_TIMEZONE).

``entities.py`` finds the spans with spaCy token patterns (``PATTERNS``, over
the tokens its retokenizer builds, using the words in ``LEXICON``); ``resolve``
turns a span's text into a datetime relative to ``now``.

Rules and defaults (a default never puts the accident in the future):

* 刚才/刚刚 → now; "半小时前", "两个小时前", "一刻钟前", "3天前" → now minus that. The bare
  adverb 刚 is not a time (刚好, 我刚说错了); 刚才 before 说/问/填/的 … points back in
  the conversation ("刚才说错了", "撤回刚才的报案"), not to the accident.
* A period without a clock time takes a typical hour: 凌晨 03:00, 清晨 06:00,
  早上/早晨/今早 08:00, 上午 10:00, 中午 12:00, 下午 15:00, 傍晚 18:00,
  晚上/夜里/今晚/昨晚/前晚 21:00, 半夜/深夜 23:00.
* A day or date without a time → 12:00 that day. 上周五 is Friday of last week;
  周五 alone is the most recent Friday (today if today is one).
* 今天 or a period (晚上, 凌晨 …) on its own is a time only when it is the whole
  message: in a sentence it is usually about something else ("今天天气怎么样",
  "晚上能报案吗"). Ranges are not a moment: "10日内", "9月19号以后".
* "7点多" is read as 07:00.
* A time the customer did not state (a default above) is never later than
  now; if it would be, it becomes now.
* Without a day (``下午三点``, ``10点``) the time is today, or yesterday if today's
  would still be ahead. A bare hour of 1–11 with no period is the most recent
  past reading of a 12-hour clock ("三点" at 16:00 → 15:00, at 10:00 → 03:00,
  at 01:00 → yesterday 15:00). On an earlier day it is read as 24-hour time.
* Afternoon and evening periods add 12 hours to 1–11 ("晚上八点" → 20:00);
  "晚上12点" is midnight at the end of that day; 中午1点 → 13:00; 凌晨12点 → 00:00.
* A month and day without a year is this year, or last year if it is still
  ahead; a day of the month alone ("20号") is this month, or last month.
* Future days (明天, 后天 …) and the bare "一点" ("快一点" = "a bit faster") are
  not accident times: ``resolve`` returns None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from bot.concepts.timezone import local_zone
from bot.nlu.patterns import TokenPattern, regex_token, word_token

_DAY_OFFSETS = {
    "今天": 0,
    "今日": 0,
    "今早": 0,
    "今晚": 0,
    "昨天": -1,
    "昨日": -1,
    "昨晚": -1,
    "昨夜": -1,
    "前天": -2,
    "前晚": -2,
    "大前天": -3,
}
_FUTURE_DAYS = ["明天", "明日", "明早", "明晚", "后天", "大后天"]
# Day words that also name the part of the day.
_DAY_PERIODS = {"今早": "早上", "今晚": "晚上", "昨晚": "晚上", "昨夜": "晚上", "前晚": "晚上"}
_PERIOD_HOURS = {
    "凌晨": 3,
    "清晨": 6,
    "早上": 8,
    "早晨": 8,
    "上午": 10,
    "中午": 12,
    "下午": 15,
    "傍晚": 18,
    "晚上": 21,
    "夜里": 21,
    "夜间": 21,
    "半夜": 23,
    "深夜": 23,
}
_PM_PERIODS = {"下午", "傍晚", "晚上", "夜里", "夜间", "深夜"}
_NIGHT_PERIODS = {"晚上", "夜里", "夜间", "深夜"}
_NOW_WORDS = ["刚才", "刚刚"]
_WEEKDAYS = {
    f"{prefix}{day}": index
    for prefix in ("周", "星期", "礼拜")
    for index, days in enumerate(("一", "二", "三", "四", "五", "六", "日天"))
    for day in days
}
_WEEK_PREFIXES = {"上": -1, "这": 0, "本": 0, "下": 1}
# Words right after a time that make it something other than the accident's moment.
_RANGE_WORDS = {"以后", "之后", "以来", "以内", "之内", "内", "起", "开始"}
_CONVERSATION_WORDS = {"说", "讲", "问", "打", "填", "输", "写", "发", "提", "的", "那个"}
_GREETING = "好"  # 早上好 / 下午好
_STANDALONE_ONLY = {"今天", "今日", *_PERIOD_HOURS}
_AGO_WORDS = ["前", "之前", "以前"]
# Unit → (timedelta argument, how many of it): 一刻钟 is a quarter of an hour.
_DURATIONS = {
    "分钟": ("minutes", 1),
    "刻钟": ("minutes", 15),
    "小时": ("hours", 1),
    "钟头": ("hours", 1),
    "天": ("days", 1),
}
_HOUR_MARKS = ["点", "点钟", "时"]
_MINUTE_WORDS = {"半": 30, "一刻": 15, "三刻": 45}

# Words the retokenizer must keep whole for the patterns below.
LEXICON = sorted(
    {
        *_DAY_OFFSETS,
        *_FUTURE_DAYS,
        *_PERIOD_HOURS,
        *_NOW_WORDS,
        *_AGO_WORDS,
        *_DURATIONS,
        *_HOUR_MARKS,
        *_MINUTE_WORDS,
        "一刻钟",
        "两刻钟",
        "三刻钟",  # longer than 一刻 + 钟: a duration, not a clock time
        *_WEEKDAYS,
        *_RANGE_WORDS,
        # whole words, so that 好像 is no greeting and 多少/时间 do not end a clock time
        "好像",
        "好久",
        "多少",
        "多久",
        "时间",
        "时候",
        "时刻",
    }
)

_CN_SMALL = "零〇一二两三四五六七八九十"
_NUM = rf"(?:[0-9]{{1,2}}|[{_CN_SMALL}]{{1,3}})"


_DATE_SEPARATOR = word_token(["-", "/"])
_DATES: list[list[TokenPattern]] = [
    [],
    [word_token([*_DAY_OFFSETS, *_FUTURE_DAYS])],
    [
        regex_token("[0-9]{4}"),
        word_token(["年"]),
        regex_token(_NUM),
        word_token(["月"]),
        regex_token(_NUM),
        word_token(["日", "号"]),
    ],
    [regex_token(_NUM), word_token(["月"]), regex_token(_NUM), word_token(["日", "号"])],
    [regex_token(_NUM), word_token(["日", "号"])],
    [
        regex_token("[0-9]{4}"),
        _DATE_SEPARATOR,
        regex_token(_NUM),
        _DATE_SEPARATOR,
        regex_token(_NUM),
    ],
    [regex_token(r"[0-9]{4}\.[0-9]{1,2}\.[0-9]{1,2}")],
    [word_token(_WEEK_PREFIXES, "?"), word_token(["个"], "?"), word_token(_WEEKDAYS)],
]
_PERIODS: list[list[TokenPattern]] = [[], [word_token(_PERIOD_HOURS)]]
_CLOCKS: list[list[TokenPattern]] = [
    [],
    [
        regex_token(_NUM),
        word_token(_HOUR_MARKS),
        regex_token(f"{_NUM}|半|一刻|三刻", "?"),
        word_token(["分"], "?"),
        word_token(["多"], "?"),
    ],
    [regex_token("[0-9]{1,2}:[0-9]{2}")],
]

PATTERNS: list[list[TokenPattern]] = [
    [*d, *p, *c] for d in _DATES for p in _PERIODS for c in _CLOCKS if d or p or c
] + [
    [word_token(_NOW_WORDS)],
    [
        regex_token(f"[0-9]+|[{_CN_SMALL}]+|半"),
        word_token(["个"], "?"),
        word_token(["半"], "?"),
        word_token(_DURATIONS),
        word_token(_AGO_WORDS),
    ],
    [regex_token("[一两三]刻钟"), word_token(_AGO_WORDS)],  # jieba keeps 一刻钟 whole
]


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_RE_AGO = re.compile(
    rf"^(?P<count>[0-9]+|[{_CN_SMALL}]+|半)个?(?P<half>半)?"
    rf"(?P<unit>{_alternatives(_DURATIONS)})(?:{_alternatives(_AGO_WORDS)})$"
)
_RE_MOMENT = re.compile(
    rf"^(?:(?P<day>{_alternatives([*_DAY_OFFSETS, *_FUTURE_DAYS])})"
    rf"|(?:(?P<year>[0-9]{{4}})年)?(?:(?P<month>{_NUM})月)?(?P<mday>{_NUM})[日号]"
    rf"|(?P<iso_y>[0-9]{{4}})[-/.](?P<iso_m>[0-9]{{1,2}})[-/.](?P<iso_d>[0-9]{{1,2}})"
    rf"|(?:(?P<week>{_alternatives(_WEEK_PREFIXES)})个?)?(?P<weekday>{_alternatives(_WEEKDAYS)}))?"
    rf"\s*(?P<period>{_alternatives(_PERIOD_HOURS)})?"
    rf"\s*(?:(?P<hour>{_NUM})(?:点钟|点|时)(?P<minute>{_NUM}|半|一刻|三刻)?分?多?"
    rf"|(?P<clock_h>[0-9]{{1,2}}):(?P<clock_m>[0-9]{{2}}))?$"
)


def anchor(now: datetime | None) -> datetime:
    """``now`` in the local zone (BOT_TIMEZONE): the current time if None, naive values
    taken as local time."""
    zone = local_zone()
    if now is None:
        return datetime.now(zone)
    if now.tzinfo is None:
        return now.replace(tzinfo=zone)
    return now.astimezone(zone)


def _int(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text in _MINUTE_WORDS:
        return _MINUTE_WORDS[text]
    import cn2an  # lazily: see entities.parse_amount

    return int(cn2an.cn2an(text, "smart"))


def accepted(text: str, following: str, whole_message: bool) -> bool:
    """Whether the time ``text``, followed by the token ``following``, is the accident's time."""
    if following in _RANGE_WORDS or following == _GREETING:
        return False
    if text in _NOW_WORDS and following in _CONVERSATION_WORDS:
        return False
    return whole_message or text not in _STANDALONE_ONLY


def resolve(text: str, now: datetime) -> datetime | None:
    """The moment ``text`` (one span found by ``PATTERNS``) means, or None."""
    text = text.strip()
    if text in _NOW_WORDS:
        return now
    try:
        ago = _RE_AGO.match(text)
        if ago:
            return _ago(ago, now)
        moment = _RE_MOMENT.match(text)
        return _moment(moment, now) if moment and text else None
    except ValueError:  # 13月, 25点, 61分, 2月30日, an unreadable numeral
        return None


def _ago(match: re.Match[str], now: datetime) -> datetime:
    count = 0.5 if match["count"] == "半" else _int(match["count"]) + 0.5 * bool(match["half"])
    unit, size = _DURATIONS[match["unit"]]
    return now - timedelta(**{unit: count * size})


def _moment(match: re.Match[str], now: datetime) -> datetime | None:
    if match["day"] in _FUTURE_DAYS:
        return None
    if match.group(0) == "一点":
        return None
    day, explicit_day = _day(match, now)
    if day > now.date():  # 这周五 said on a Wednesday: not an accident yet
        return None
    period = match["period"] or _DAY_PERIODS.get(match["day"] or "")
    if match["clock_h"]:
        return _at(day, int(match["clock_h"]), int(match["clock_m"]), now, explicit_day)
    if match["hour"]:
        hour = _hour(_int(match["hour"]), period, day, now, explicit_day)
        minute = _int(match["minute"]) if match["minute"] else 0
        return _at(day, hour, minute, now, explicit_day)
    default_hour = _PERIOD_HOURS[period] if period else 12
    return min(_at(day, default_hour, 0, now, explicit_day), now)


def _day(match: re.Match[str], now: datetime) -> tuple[date, bool]:
    today = now.date()
    if match["day"]:
        return today + timedelta(days=_DAY_OFFSETS[match["day"]]), True
    if match["iso_y"]:
        return date(int(match["iso_y"]), int(match["iso_m"]), int(match["iso_d"])), True
    if match["weekday"]:
        return _weekday(match["week"], _WEEKDAYS[match["weekday"]], today), True
    if not match["mday"]:
        return today, False
    mday = _int(match["mday"])
    if match["year"]:
        return date(int(match["year"]), _int(match["month"]), mday), True
    if match["month"]:
        candidate = date(today.year, _int(match["month"]), mday)
        return (candidate if candidate <= today else candidate.replace(year=today.year - 1)), True
    candidate = today.replace(day=mday)
    if candidate > today:
        last_month = today.replace(day=1) - timedelta(days=1)
        candidate = last_month.replace(day=mday)
    return candidate, True


def _hour(hour: int, period: str | None, day: date, now: datetime, explicit_day: bool) -> int:
    if (period in _PM_PERIODS or period == "中午") and 1 <= hour <= 11:
        return hour + 12
    if period in _NIGHT_PERIODS and hour == 12:
        return 24
    if period in ("凌晨", "半夜") and hour == 12:
        return 0
    if period is None and 1 <= hour <= 11 and (day == now.date() or not explicit_day):
        # The most recent past reading of a 12-hour clock time.
        start_of_day = datetime(day.year, day.month, day.day, tzinfo=now.tzinfo)
        if start_of_day + timedelta(hours=hour + 12) <= now:
            return hour + 12
        if start_of_day + timedelta(hours=hour) <= now or explicit_day:
            return hour
        return hour + 12  # still ahead today: _at moves it to yesterday evening
    return hour


def _at(day: date, hour: int, minute: int, now: datetime, explicit_day: bool) -> datetime:
    if not (0 <= hour <= 24 and 0 <= minute <= 59):
        raise ValueError(f"no such time {hour}:{minute}")
    moment = datetime(day.year, day.month, day.day, tzinfo=now.tzinfo) + timedelta(
        hours=hour, minutes=minute
    )
    if not explicit_day and moment > now:
        moment -= timedelta(days=1)
    return moment


def _weekday(week: str | None, weekday: int, today: date) -> date:
    if week is None:  # the most recent such day
        return today - timedelta(days=(today.weekday() - weekday) % 7)
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(weeks=_WEEK_PREFIXES[week], days=weekday)
