"""The Rasa components around the Chinese NLU helpers (bot/nlu/components.py)."""

import importlib.util
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.data import TrainingType
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ENTITIES, TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.components import ChineseTextNormalizer, StructuredEntityExtractor

ROOT = Path(__file__).resolve().parent.parent
JIEBA_DICTIONARY = ROOT / "bot" / "data" / "jieba"
NORMALIZER = "bot.nlu.components.ChineseTextNormalizer"
EXTRACTOR = "bot.nlu.components.StructuredEntityExtractor"


@pytest.fixture
def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test-model")


@pytest.fixture
def storage(tmp_path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


@pytest.fixture
def normalizer(storage, context) -> ChineseTextNormalizer:
    return ChineseTextNormalizer.create({}, storage, Resource("normalizer"), context)


def make_extractor(storage, context, **config) -> StructuredEntityExtractor:
    return StructuredEntityExtractor.create(config, storage, Resource("extractor"), context)


@pytest.fixture
def extractor(storage, context) -> StructuredEntityExtractor:
    return make_extractor(storage, context)


def message(text: str, **data) -> Message:
    return Message(data={TEXT: text, **data})


def entity_tuples(msg: Message) -> list:
    return [
        (e["entity"], msg.get(TEXT)[e["start"] : e["end"]], e["value"], e.get("role"))
        for e in msg.get(ENTITIES, [])
    ]


# --- ChineseTextNormalizer -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的車被撞了，幫我報案", "我的车被撞了,帮我报案"),
        ("保單號ＰＤＡＡ２０２６３１０００００００００１", "保单号PDAA2026310000000001"),
        ("  转人工  ", "转人工"),
        ("😀", "😀"),
    ],
)
def test_normalizer_rewrites_the_text_of_incoming_messages(normalizer, text, expected):
    (processed,) = normalizer.process([message(text)])
    assert processed.get(TEXT) == expected


def test_normalizer_leaves_messages_without_text_alone(normalizer):
    intent_only = Message(data={"intent": {"name": "greet"}})
    (processed,) = normalizer.process([intent_only])
    assert processed.get(TEXT) is None


def test_normalizer_rewrites_training_examples_too(normalizer):
    data = TrainingData([message("幫我報案", intent="report_accident")])
    normalizer.process_training_data(data)
    assert data.training_examples[0].get(TEXT) == "帮我报案"


def test_training_annotations_move_with_collapsed_whitespace(normalizer):
    text = "我車   損失  兩千塊"
    start = text.index("兩千塊")
    annotation = {"entity": "amount", "start": start, "end": start + 3, "value": "兩千塊"}
    data = TrainingData([message(text, intent="report_accident", entities=[annotation])])
    normalizer.process_training_data(data)
    (example,) = data.training_examples
    assert example.get(TEXT) == "我车 损失 两千块"
    assert entity_tuples(example) == [("amount", "两千块", "两千块", None)]


def test_training_annotations_keep_their_role_and_synonym_value(normalizer):
    text = "對方  一千五"
    annotation = {"entity": "amount", "start": 4, "end": 7, "value": "1500", "role": "third_party"}
    data = TrainingData([message(text, intent="report_accident", entities=[annotation])])
    normalizer.process_training_data(data)
    (example,) = data.training_examples
    assert entity_tuples(example) == [("amount", "一千五", "1500", "third_party")]


def test_an_annotation_of_only_whitespace_is_dropped_with_a_warning(normalizer):
    annotation = {"entity": "amount", "start": 2, "end": 4, "value": "  "}
    data = TrainingData([message("我车  两千", intent="report_accident", entities=[annotation])])
    with pytest.warns(UserWarning, match="only whitespace"):
        normalizer.process_training_data(data)
    assert data.training_examples[0].get(ENTITIES) == []


# --- StructuredEntityExtractor ---------------------------------------------


def test_extractor_adds_normalised_entities_with_its_name_and_full_confidence(extractor):
    (processed,) = extractor.process([message("沪a12345 我车大概两千 对方一千五")])
    assert entity_tuples(processed) == [
        ("plate", "沪a12345", "沪A12345", None),
        ("amount", "两千", 2000, None),
        ("amount", "一千五", 1500, "third_party"),
    ]
    for entity in processed.get(ENTITIES):
        assert entity["extractor"] == "StructuredEntityExtractor"
        assert entity["confidence_entity"] == 1.0
    assert processed.get(ENTITIES)[-1]["confidence_role"] == 1.0


def test_extracted_entities_are_part_of_the_parse_output(extractor):
    (processed,) = extractor.process([message("尾号0001")])
    assert processed.as_dict(only_output_properties=True)[ENTITIES][0]["value"] == "0001"


def test_an_entity_another_extractor_found_is_not_duplicated_but_gets_our_value(extractor):
    theirs = {
        "entity": "amount",
        "start": 4,
        "end": 7,
        "value": "两千块",
        "extractor": "RegexEntityExtractor",
    }
    (processed,) = extractor.process([message("我车损失两千块", entities=[theirs])])
    (amount,) = processed.get(ENTITIES)
    assert amount["extractor"] == "RegexEntityExtractor"
    assert amount["value"] == 2000
    assert amount["processors"] == ["StructuredEntityExtractor"]


def test_other_extractors_entities_of_other_types_are_kept(extractor):
    colour = {
        "entity": "colour",
        "start": 0,
        "end": 2,
        "value": "白色",
        "extractor": "DIETClassifier",
    }
    (processed,) = extractor.process([message("白色的车追尾了", entities=[colour])])
    assert processed.get(ENTITIES) == [colour]


def test_processing_a_message_twice_adds_nothing_new(extractor):
    msg = message("沪A12345 尾号0001")
    extractor.process([msg])
    extractor.process([msg])
    assert [e["entity"] for e in msg.get(ENTITIES)] == ["plate", "phone_tail"]


def test_extractor_can_be_limited_to_some_entity_types(storage, context):
    extractor = make_extractor(storage, context, dimensions=["plate"])
    (processed,) = extractor.process([message("沪A12345 尾号0001 损失两千")])
    assert [e["entity"] for e in processed.get(ENTITIES)] == ["plate"]


def test_extractor_refuses_entity_types_it_does_not_know(storage, context):
    with pytest.raises(InvalidConfigException, match="weather"):
        make_extractor(storage, context, dimensions=["plate", "weather"])


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀", "<script>alert(1)</script>", pytest.param("我" * 5000, id="5000-chars")],
)
def test_extractor_copes_with_odd_messages(extractor, text):
    (processed,) = extractor.process([message(text)])
    assert all(e["entity"] != "plate" for e in processed.get(ENTITIES, []))


def test_extractor_skips_messages_without_text(extractor):
    intent_only = Message(data={"intent": {"name": "greet"}})
    (processed,) = extractor.process([intent_only])
    assert processed.get(ENTITIES) is None


def test_extractor_declares_the_packages_it_needs():
    for package in StructuredEntityExtractor.required_packages():
        assert importlib.util.find_spec(package) is not None
    for package in ChineseTextNormalizer.required_packages():
        assert importlib.util.find_spec(package) is not None


# --- in the pipeline -------------------------------------------------------


def test_jieba_user_dictionary_keeps_domain_terms_whole(storage, context):
    config = {**JiebaTokenizer.get_default_config(), "dictionary_path": str(JIEBA_DICTIONARY)}
    tokenizer = JiebaTokenizer.create(config, storage, Resource("jieba"), context)
    msg = message("车身划痕损失险和不计免赔能转人工问吗，报案号多少")
    tokenizer.process([msg])
    words = [token.text for token in msg.get(TEXT_TOKENS)]
    for term in ["车身划痕损失险", "不计免赔", "转人工", "报案号"]:
        assert term in words


def test_jieba_user_dictionary_lists_at_least_forty_terms_in_jiebas_format():
    (dictionary,) = JIEBA_DICTIONARY.iterdir()  # JiebaTokenizer loads every file there
    lines = dictionary.read_text(encoding="utf-8").splitlines()
    rows = [line.split(" ") for line in lines]
    assert len(rows) >= 40
    assert all(len(row) == 3 and row[1].isdigit() and row[2].isalpha() for row in rows)
    assert len({row[0] for row in rows}) == len(rows)


def test_the_normalizer_runs_on_training_data_before_the_tokenizer():
    config = {
        "language": "zh",
        "pipeline": [
            {"name": NORMALIZER},
            {"name": "JiebaTokenizer", "dictionary_path": str(JIEBA_DICTIONARY)},
            {"name": EXTRACTOR},
        ],
    }
    graph = DefaultV1Recipe().graph_config_for_recipe(config, {}, TrainingType.NLU)
    train = graph.train_schema.nodes
    predict = graph.predict_schema.nodes
    assert train["run_JiebaTokenizer1"].needs["training_data"] == f"run_{NORMALIZER}0"
    assert predict["run_JiebaTokenizer1"].needs["messages"] == f"run_{NORMALIZER}0"
    assert predict[f"run_{EXTRACTOR}2"].needs["messages"] == "run_JiebaTokenizer1"


def test_traditional_full_width_input_yields_entities_on_the_normalised_text(
    normalizer, extractor, storage, context
):
    config = {**JiebaTokenizer.get_default_config(), "dictionary_path": str(JIEBA_DICTIONARY)}
    tokenizer = JiebaTokenizer.create(config, storage, Resource("jieba"), context)
    msg = message("我的車牌是滬Ａ１２３４５，對方損失大概兩千塊")
    for component in (normalizer, tokenizer, extractor):
        component.process([msg])
    assert msg.get(TEXT) == "我的车牌是沪A12345,对方损失大概两千块"
    assert entity_tuples(msg) == [
        ("plate", "沪A12345", "沪A12345", None),
        ("amount", "两千块", 2000, "third_party"),
    ]


def test_intent_guard_marks_messages_without_chinese_as_not_understood():
    from rasa.shared.nlu.constants import INTENT

    from bot.nlu.components import IntentGuard

    guard = IntentGuard()
    english = Message(data={TEXT: "hello there", INTENT: {"name": "greet", "confidence": 0.9}})
    tail = Message(
        data={
            TEXT: "0001",
            INTENT: {"name": "rate_service", "confidence": 0.7},
            ENTITIES: [{"entity": "phone_tail", "value": "0001", "start": 0, "end": 4}],
        }
    )
    chinese = Message(data={TEXT: "你好", INTENT: {"name": "greet", "confidence": 0.9}})
    guard.process([english, tail, chinese])
    assert english.get(INTENT)["name"] == "nlu_fallback"
    assert tail.get(INTENT)["name"] == "provide_identity"
    assert chinese.get(INTENT) == {"name": "greet", "confidence": 0.9}


def test_intent_guard_keeps_an_uncertain_report_that_names_a_loss_a_report(extractor):
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY

    from bot.nlu.components import IntentGuard

    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "report_accident", "confidence": 0.41},
        {"name": "inform", "confidence": 0.38},
    ]
    report = message(
        "报案:今早在南浦大桥追尾,我车估计2000", **{INTENT: ranking[0], INTENT_RANKING_KEY: ranking}
    )
    amount = message("我车估计2000", **{INTENT: ranking[0], INTENT_RANKING_KEY: ranking[2:]})
    time_only = message("今天早上", **{INTENT: {"name": "off_topic", "confidence": 0.53}})
    extractor.process([report, amount, time_only])
    IntentGuard().process([report, amount, time_only])
    assert report.get(INTENT)["name"] == "report_accident"
    assert amount.get(INTENT)["name"] == "inform"
    assert time_only.get(INTENT)["name"] == "inform"
