"""The masking the structured logs apply (bot/privacy.py, through bot/logging_setup.py)."""

import json
import logging
import sys

from bot.logging_setup import MaskingJsonFormatter
from bot.privacy import PROVINCES, mask


def test_every_province_keeps_its_character_and_loses_the_rest_of_the_plate():
    for province in PROVINCES:
        assert mask(f"车牌{province}A12345。") == f"车牌{province}******。"


def test_plates_as_typed_lower_case_with_a_dot_and_json_escaped_are_masked():
    assert mask("沪a·12345 and 粤B6789D") == "沪******* and 粤******"
    assert mask(json.dumps("沪A12345")) == '"\\u6caa******"'


def test_phone_numbers_keep_only_the_operator_prefix():
    assert mask("手机13800000001，座机021-12345678") == "手机138********，座机021-12345678"


def test_id_numbers_of_18_and_15_digits_are_hidden_whole():
    assert mask("身份证11010119900307123X") == "身份证" + "*" * 18
    assert mask("id 110101900307123 end") == "id " + "*" * 15 + " end"


def test_report_and_policy_numbers_stay_readable():
    text = "报案号 BA20261122000001 保单 PDAA2026310000000001 手机尾号 0001"
    assert mask(text) == text


def test_a_record_becomes_one_json_line_with_structlog_fields_and_the_exception_masked():
    try:
        raise ValueError("plate 沪A12345 not found")
    except ValueError:
        record = logging.LogRecord(
            "rasa.core.processor",
            logging.ERROR,
            __file__,
            1,
            '{"event": "processor.message.parse", "parse_data_text": "\\u6caaA12345 13800000001"}',
            None,
            sys.exc_info(),
        )
    line = MaskingJsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "rasa.core.processor"
    assert entry["message"]["parse_data_text"] == "沪****** 138********"
    assert "沪******" in entry["exception"] and "A12345" not in line


def test_numbers_in_structured_fields_stay_valid_json():
    record = logging.LogRecord(
        "rasa",
        logging.DEBUG,
        __file__,
        1,
        '{"confidence": 0.999999999999999, "score": 0.13912345678, '
        '"phone": 13912345678, "text": "13912345678"}',
        None,
        None,
    )
    entry = json.loads(MaskingJsonFormatter().format(record))["message"]
    assert entry == {
        "confidence": 0.999999999999999,
        "score": 0.13912345678,
        "phone": "139********",
        "text": "139********",
    }
