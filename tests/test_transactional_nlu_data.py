"""The NLU training data for reporting an accident and what follows it (issue 3).

The structured entity extractor is scored against the gold spans in these files,
so the spans must follow one convention (see the header of accident.yml).
"""

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from bot.concepts import identifiers, provinces

NLU_DIR = Path(__file__).resolve().parents[1] / "bot" / "data" / "nlu"
TRANSACTIONAL_FILES = [
    NLU_DIR / "identity.yml",
    NLU_DIR / "accident.yml",
    NLU_DIR / "aftersales.yml",
]
BASICS_FILE = NLU_DIR / "basics.yml"
FAQ_FILES = (NLU_DIR / "faq.yml", NLU_DIR / "faq_customer_wording.yml")

MINIMUM_EXAMPLES = {
    "provide_identity": 30,
    "report_accident": 30,
    "inform": 30,
    "affirm": 15,
    "deny": 15,
    "cancel": 15,
    "choose_authorised": 15,
    "choose_credit": 15,
    "report_injury": 15,
    "check_claim_status": 15,
    "ask_my_policy": 15,
    "complain": 15,
    "rate_service": 15,
    "request_expert_team": 15,
    "photo_description": 15,
    "request_aftersales": 60,
    "change_bank_account": 30,
}

ENTITY_NAMES = {
    "plate",
    "policy_number",
    "report_number",
    "phone_tail",
    "amount",
    "accident_time",
    "location",
}

# [text](entity) or [text]{"entity": ..., "role": ...}
ANNOTATION = re.compile(r"\[(?P<text>[^\[\]]+)\](?:\((?P<name>[^()]*)\)|(?P<json>\{[^{}]*\}))")

PROVINCES = provinces.PROVINCES + provinces.TRADITIONAL_PROVINCES
CHINESE_NUMERALS = "零〇一二两兩三四五六七八九十百千万萬点點"
SHAPES = {
    "plate": re.compile(rf"^[{PROVINCES}][A-Za-z][·•\-]?[A-Za-z0-9]{{5,6}}$"),
    "policy_number": re.compile(rf"^{identifiers.POLICY_NUMBER}$", re.IGNORECASE),
    "report_number": re.compile(rf"^{identifiers.REPORT_NUMBER}$", re.IGNORECASE),
    "phone_tail": re.compile(r"^[0-9０-９]{4}$"),
    "amount": re.compile(
        rf"^(?:[0-9]+(?:,[0-9]{{3}})*(?:\.[0-9]+)?|[{CHINESE_NUMERALS}]+)"
        r"(?:元|块钱|塊錢|块|塊|万|萬|k|K|w|W)?$"
    ),
}
THIRD_PARTY_MARKERS = ("对方", "對方", "对面", "對面", "前车", "前車", "他的车", "他的車")
# Characters that exist only in Traditional Chinese (their Simplified forms differ).
TRADITIONAL_ONLY = set(
    "這說對報險車禍號沒們傷還開錯點萬塊錢滬嗎麼個權單張請問後機電驗證剛幫輛損兩"
    "確認無誤選訴滿給團隊專嚴現場頭暈廣賠買粵發"
)
PUNCTUATION = re.compile(r"[\s，。！？、：；,.!?:;…~]+")


def _load_nlu(path: Path) -> dict[str, list[str]]:
    """Intent name -> raw example lines of one Rasa NLU file."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples: dict[str, list[str]] = defaultdict(list)
    for block in document.get("nlu", []):
        if "intent" not in block:
            continue
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                examples[block["intent"]].append(line[2:].strip())
    return examples


def _annotations(example: str) -> list[tuple[str, str, str | None]]:
    """(span text, entity name, role) for every annotation in one example."""
    found = []
    for match in ANNOTATION.finditer(example):
        if match["json"]:
            spec = json.loads(match["json"])
            found.append((match["text"], spec.get("entity"), spec.get("role")))
        else:
            found.append((match["text"], match["name"], None))
    return found


def _plain(example: str) -> str:
    return ANNOTATION.sub(lambda m: m["text"], example)


def _key(example: str) -> str:
    """What the featurizers see: no annotations, punctuation, spaces or case."""
    return PUNCTUATION.sub("", _plain(example)).lower()


def _transactional() -> dict[str, list[str]]:
    merged: dict[str, list[str]] = defaultdict(list)
    for path in TRANSACTIONAL_FILES:
        for intent, examples in _load_nlu(path).items():
            merged[intent].extend(examples)
    return merged


ALL = _transactional()
EXAMPLES = [(intent, ex) for intent, examples in ALL.items() for ex in examples]
ANNOTATED = [(ex, ann) for _, ex in EXAMPLES for ann in _annotations(ex)]


@pytest.mark.parametrize("path", TRANSACTIONAL_FILES, ids=lambda p: p.name)
def test_file_is_rasa_3_yaml(path):
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert document["version"] == "3.1"
    assert all("intent" in block and block["examples"].strip() for block in document["nlu"])


@pytest.mark.parametrize("intent,minimum", MINIMUM_EXAMPLES.items())
def test_each_intent_has_enough_examples(intent, minimum):
    assert len(ALL[intent]) >= minimum


def test_only_the_agreed_intents_are_defined_here():
    assert set(ALL) == set(MINIMUM_EXAMPLES)


@pytest.mark.parametrize("intent", MINIMUM_EXAMPLES)
def test_each_intent_understands_traditional_chinese(intent):
    traditional = [ex for ex in ALL[intent] if TRADITIONAL_ONLY & set(ex)]
    assert len(traditional) >= 2, f"{intent} needs at least two Traditional examples"


def test_annotations_use_only_the_agreed_entity_names():
    unknown = [(ex, name) for ex, (_, name, _) in ANNOTATED if name not in ENTITY_NAMES]
    assert not unknown


def test_only_amounts_carry_a_role_and_it_is_third_party():
    wrong = [
        (ex, name, role)
        for ex, (_, name, role) in ANNOTATED
        if role is not None and (name != "amount" or role != "third_party")
    ]
    assert not wrong


def test_third_party_amounts_follow_a_word_naming_the_other_car():
    unmarked = [
        ex
        for ex, (_, _, role) in ANNOTATED
        if role == "third_party" and not any(m in ex for m in THIRD_PARTY_MARKERS)
    ]
    assert not unmarked


@pytest.mark.parametrize("entity", sorted(SHAPES))
def test_annotated_spans_have_the_documented_shape(entity):
    misshapen = [
        text
        for _, (text, name, _) in ANNOTATED
        if name == entity and not SHAPES[entity].match(text)
    ]
    assert not misshapen


def test_spans_leave_out_hedges_and_the_leading_zai():
    sloppy = [
        text
        for _, (text, _, _) in ANNOTATED
        if text != text.strip()
        or text.startswith(("在", "大概", "约", "大约"))
        or text.endswith("左右")
    ]
    assert not sloppy


def test_no_stray_brackets_outside_annotations():
    broken = [ex for _, ex in EXAMPLES if re.search(r"[\[\]{}]", _plain(ex))]
    assert not broken


def test_many_examples_are_plain_text():
    plain = [ex for _, ex in EXAMPLES if not _annotations(ex)]
    assert len(plain) >= len(EXAMPLES) // 2


def test_no_example_is_repeated_or_shared_between_intents():
    seen: dict[str, str] = {}
    clashes = []
    for intent, ex in EXAMPLES:
        key = _key(ex)
        if key in seen:
            clashes.append((ex, seen[key], intent))
        seen[key] = intent
    assert not clashes


def _clashes_with(path: Path) -> list[tuple[str, str, str]]:
    other = {_key(ex): intent for intent, examples in _load_nlu(path).items() for ex in examples}
    return [(ex, intent, other[_key(ex)]) for intent, ex in EXAMPLES if _key(ex) in other]


def test_no_overlap_with_the_basics():
    assert not _clashes_with(BASICS_FILE)


def test_no_overlap_with_the_faq():
    for path in FAQ_FILES:
        assert not _clashes_with(path), path
