"""Checks on the FAQ knowledge itself: questions, answers and test stories.

The FAQ is a Rasa retrieval intent: questions in bot/data/nlu/faq.yml as
`faq/<key>`, answers in bot/data/responses/faq.yml as `utter_faq/<key>`.
These tests need no trained model; they read the YAML with PyYAML.
"""

import re
import string
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.nlu.normalize import normalize, to_simplified

ROOT = Path(__file__).resolve().parents[1]
NLU_DIR = ROOT / "bot" / "data" / "nlu"
FAQ_NLU = NLU_DIR / "faq.yml"
# The same keys' questions as customers really put them (scenarios, shorthand, typos).
FAQ_CUSTOMER_WORDING = NLU_DIR / "faq_customer_wording.yml"
FAQ_NLU_FILES = (FAQ_NLU, FAQ_CUSTOMER_WORDING)
FAQ_RESPONSES = ROOT / "bot" / "data" / "responses" / "faq.yml"
FAQ_TEST_STORIES = ROOT / "tests" / "stories" / "test_faq_stories.yml"

MIN_KEYS = 45
MIN_DISTINCT_ANSWERS = 55
MIN_EXAMPLES_PER_KEY = 22  # 20% are held out for evaluation
MIN_TRADITIONAL_PER_KEY = 3  # customers also write in Traditional Chinese
MAX_ANSWER_CHARS = 160  # one phone screen
ALLOWED_PHONE_NUMBERS = {"120", "122"}  # ambulance, traffic police
# A run of digits followed by one of these is an amount, a date or a count, not a phone number.
NUMBER_UNITS = "元万千百天年月日号个条名位倍次分小工%"

# Requests to DO something belong to other intents, never to the FAQ.
TRANSACTIONAL_REQUESTS = {
    "我要报案",
    "我撞车了",
    "出事故了",
    "查一下我的理赔进度",
    "我的保单保什么",
    "我要投诉",
    "转人工",
    "找真人",
}

_PUNCTUATION = set(string.punctuation + string.whitespace + "，。？！、；：“”‘’（）…—")


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _examples(block: str) -> list[str]:
    return [
        line.strip()[2:].strip() for line in block.splitlines() if line.strip().startswith("- ")
    ]


def _faq_examples() -> dict[str, list[str]]:
    """faq key -> its example questions, from both FAQ files."""
    examples: dict[str, list[str]] = {}
    for path in FAQ_NLU_FILES:
        for item in _load(path)["nlu"]:
            key = item["intent"].split("/", 1)[1]
            examples.setdefault(key, []).extend(_examples(item["examples"]))
    return examples


def _faq_answers() -> dict[str, list[str]]:
    """faq key -> its answer texts."""
    responses = _load(FAQ_RESPONSES)["responses"]
    return {
        name.split("/", 1)[1]: [v["text"] for v in variants] for name, variants in responses.items()
    }


def _normalised(text: str) -> str:
    """What the classifiers see (Simplified, half-width), also ignoring case and punctuation."""
    return "".join(ch for ch in normalize(text).lower() if ch not in _PUNCTUATION)


EXAMPLES = _faq_examples()
ANSWERS = _faq_answers()
ALL_ANSWER_TEXTS = [(key, text) for key, texts in ANSWERS.items() for text in texts]


def test_files_use_rasa_3_format():
    for path in (*FAQ_NLU_FILES, FAQ_RESPONSES, FAQ_TEST_STORIES):
        assert _load(path)["version"] == "3.1", path


def test_only_faq_retrieval_intents_and_responses():
    for path in FAQ_NLU_FILES:
        assert all(item["intent"].startswith("faq/") for item in _load(path)["nlu"]), path
    assert all(name.startswith("utter_faq/") for name in _load(FAQ_RESPONSES)["responses"])


def test_keys_are_short_snake_case_english():
    for key in EXAMPLES:
        assert re.fullmatch(r"[a-z][a-z0-9_]{2,40}", key), key


def test_intents_are_not_declared_twice():
    for path in FAQ_NLU_FILES:
        keys = [item["intent"] for item in _load(path)["nlu"]]
        assert [k for k, n in Counter(keys).items() if n > 1] == [], path


def test_every_question_has_an_answer_and_every_answer_a_question():
    assert sorted(EXAMPLES) == sorted(ANSWERS)


def test_enough_topics_are_covered():
    assert len(EXAMPLES) >= MIN_KEYS
    assert len({text for _, text in ALL_ANSWER_TEXTS}) >= MIN_DISTINCT_ANSWERS


@pytest.mark.parametrize("key", sorted(EXAMPLES))
def test_each_topic_has_enough_examples(key):
    assert len(EXAMPLES[key]) >= MIN_EXAMPLES_PER_KEY


@pytest.mark.parametrize("key", sorted(EXAMPLES))
def test_each_topic_has_traditional_chinese_examples(key):
    traditional = [e for e in EXAMPLES[key] if to_simplified(e) != e]
    assert len(traditional) >= MIN_TRADITIONAL_PER_KEY, key


def test_no_example_is_used_twice_even_after_traditional_to_simplified():
    owners: dict[str, list[str]] = {}
    for key, examples in EXAMPLES.items():
        for example in examples:
            owners.setdefault(_normalised(example), []).append(key)
    assert {text: keys for text, keys in owners.items() if len(keys) > 1} == {}


def test_faq_examples_do_not_collide_with_other_intents():
    faq = {_normalised(e) for examples in EXAMPLES.values() for e in examples}
    for path in NLU_DIR.glob("*.yml"):
        if path in FAQ_NLU_FILES:
            continue
        for item in (_load(path) or {}).get("nlu", []):
            if "intent" not in item or item["intent"].startswith("faq/"):
                continue
            clashes = faq & {_normalised(e) for e in _examples(item.get("examples", ""))}
            assert clashes == set(), (path.name, item["intent"], clashes)


def test_examples_are_questions_not_requests_to_act():
    requests = {_normalised(r) for r in TRANSACTIONAL_REQUESTS}
    offending = [e for ex in EXAMPLES.values() for e in ex if _normalised(e) in requests]
    assert offending == []


def test_examples_mark_up_only_the_amounts_a_question_quotes():
    # "500块的事该不该出险": the extractor reads the amount, so the data says it is one.
    markup = re.compile(r"\]\((\w+)\)|\]\{\"entity\": \"(\w+)\"")
    kinds = {a or b for ex in EXAMPLES.values() for e in ex for a, b in markup.findall(e)}
    assert kinds <= {"amount"}


@pytest.mark.parametrize("key,text", ALL_ANSWER_TEXTS)
def test_answer_fits_on_a_phone_screen(key, text):
    assert 0 < len(text) <= MAX_ANSWER_CHARS, (key, len(text))


def _phone_like_numbers(text: str) -> list[str]:
    """Runs of 3+ digits that are not amounts, dates or counts (those end in a unit)."""
    found = []
    for match in re.finditer(r"\d[\d\- ]*\d|\d", text):
        number = re.sub(r"\D", "", match.group())
        following = text[match.end() : match.end() + 1]
        if len(number) >= 3 and not (following and following in NUMBER_UNITS):
            found.append(number)
    return found


def test_phone_number_check_tells_hotlines_from_amounts():
    assert _phone_like_numbers("请拨打95500或400-800-1234，也可以打120") == [
        "95500",
        "4008001234",
        "120",
    ]
    assert _phone_like_numbers("2020年9月19日起，有责限额20万元，财产2000元") == []


@pytest.mark.parametrize("key,text", ALL_ANSWER_TEXTS)
def test_answer_gives_no_phone_number_but_120_and_122(key, text):
    assert set(_phone_like_numbers(text)) <= ALLOWED_PHONE_NUMBERS, key


@pytest.mark.parametrize("key,text", ALL_ANSWER_TEXTS)
def test_answer_invents_no_web_address(key, text):
    assert not re.search(r"https?://|www\.|\.(com|cn|net|org)\b", text, re.IGNORECASE), key


@pytest.mark.parametrize("key,text", ALL_ANSWER_TEXTS)
def test_answer_is_simplified_chinese(key, text):
    assert to_simplified(text) == text, key


def _test_story_turns() -> list[tuple[str, str, str]]:
    """(user text, intent, action) for each single-turn FAQ test story."""
    turns = []
    for story in _load(FAQ_TEST_STORIES)["stories"]:
        user, action = story["steps"]
        turns.append((user["user"].strip(), user["intent"], action["action"]))
    return turns


def test_every_faq_key_has_exactly_one_test_story():
    intents = [intent for _, intent, _ in _test_story_turns()]
    assert sorted(intents) == sorted(f"faq/{key}" for key in EXAMPLES)


def test_test_stories_answer_with_utter_faq():
    assert {action for _, _, action in _test_story_turns()} == {"utter_faq"}


def test_test_story_phrasings_are_not_training_examples():
    training = {_normalised(e) for examples in EXAMPLES.values() for e in examples}
    reused = [text for text, _, _ in _test_story_turns() if _normalised(text) in training]
    assert reused == []


# --- every answer names its source -------------------------------------------
# A comment line right above each answer: "# 来源: domain.md §2；seed 001；《保险法》第23条".
SOURCE_COMMENT = re.compile(r"^\s*# 来源: (?P<sources>\S.*)$")
ANSWER_KEY_LINE = re.compile(r"^\s*utter_faq/(?P<key>\w+):\s*$")
# What counts as a source: a section of domain.md, a seed document, or a public
# rule named in 《》 (a law, a regulation, the model clauses, a court's interpretation).
SOURCE_ITEM = re.compile(
    r"^(domain\.md §\d+(, §\d+)*|seed \d{3}|(最高人民法院)?《[^》]+》.*)(（[^）]+）)?$"
)


def _answer_sources() -> dict[str, str | None]:
    """faq key -> the source comment right above its answer (None: no comment there)."""
    lines = FAQ_RESPONSES.read_text(encoding="utf-8").splitlines()
    sources = {}
    for number, line in enumerate(lines):
        key = ANSWER_KEY_LINE.match(line)
        if key:
            above = SOURCE_COMMENT.match(lines[number - 1]) if number else None
            sources[key["key"]] = above["sources"] if above else None
    return sources


SOURCES = _answer_sources()


def test_the_source_check_reads_every_answer_of_the_file():
    assert sorted(SOURCES) == sorted(ANSWERS)


@pytest.mark.parametrize("key", sorted(ANSWERS))
def test_every_answer_names_its_source_in_a_comment_above_it(key):
    assert SOURCES[key], f"utter_faq/{key} has no '# 来源: …' comment on the line above it"


@pytest.mark.parametrize("key", sorted(ANSWERS))
def test_each_named_source_is_domain_md_a_seed_or_a_public_rule(key):
    items = [item.strip() for item in (SOURCES[key] or "").split("；")]
    assert items and all(SOURCE_ITEM.match(item) for item in items), (key, items)


def test_the_source_check_refuses_an_answer_without_one(tmp_path, monkeypatch):
    text = 'responses:\n  # a comment, not a source\n  utter_faq/x:\n    - text: "…"\n'
    (tmp_path / "faq.yml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "FAQ_RESPONSES", tmp_path / "faq.yml")
    assert _answer_sources() == {"x": None}
