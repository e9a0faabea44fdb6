"""The second opinion on the FAQ answer (bot/nlu/answer_vote.py), trained for real."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.answer_vote import AnswerVote

ANSWERS = {
    "faq/jiaoqiang_limits": [
        "交强险赔多少",
        "交强险最多赔多少钱",
        "交强险限额是多少",
        "交强险财产损失赔多少",
        "交强险医疗费赔多少",
    ],
    "faq/not_covered": [
        "车险一年多少钱",
        "哪家车险便宜",
        "二手车保险怎么过户",
        "车险能退保吗",
        "外地能买车险吗",
    ],
    "faq/claim_deadline": [
        "出事后多久要报案",
        "报案有时间限制吗",
        "几小时内必须报案",
        "报案期限是多久",
        "过了48小时还能报案吗",
    ],
}
RESPONSES = {f"utter_{key}": [{"text": f"答案：{key}"}] for key in ANSWERS}


def selection(ranking: list[tuple[str, float]]) -> dict:
    """What the ResponseSelector leaves on a message: its pick and its ranking."""
    top, confidence = ranking[0]
    return {
        "faq": {
            "response": {
                "responses": RESPONSES[f"utter_{top}"],
                "confidence": confidence,
                "intent_response_key": top,
                "utter_action": f"utter_{top}",
            },
            "ranking": [{"id": 1, "confidence": c, "intent_response_key": k} for k, c in ranking],
        }
    }


@pytest.fixture
def trained(tmp_path):
    """The component trained on the examples' normalised text (its only input)."""
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    examples = [
        Message(data={TEXT: text, INTENT: "faq", INTENT_RESPONSE_KEY: key})
        for key, texts in ANSWERS.items()
        for text in texts
    ]
    examples += [Message(data={TEXT: t, INTENT: "greet"}) for t in ["你好", "您好啊", "在吗"]]
    component = AnswerVote.create(
        {**AnswerVote.get_default_config(), "selector_weight": 0.3},
        storage,
        Resource("answers"),
        context,
    )
    component.train(TrainingData(examples, responses=RESPONSES))

    def prepare(text: str, ranking: list[tuple[str, float]] | None) -> Message:
        message = Message(data={TEXT: text})
        if ranking:
            message.set("response_selector", selection(ranking))
        return message

    return component, storage, context, prepare


def test_the_linear_side_overrules_a_wrong_selector_guess_and_names_the_right_answer(trained):
    component, _, _, prepare = trained
    selector_says = [("faq/claim_deadline", 0.55), ("faq/jiaoqiang_limits", 0.45)]
    message = component.process([prepare("交强险的财产限额赔多少", selector_says)])[0]
    picked = message.get("response_selector")["faq"]["response"]
    assert picked["intent_response_key"] == "faq/jiaoqiang_limits"
    assert picked["utter_action"] == "utter_faq/jiaoqiang_limits"
    assert picked["responses"] == RESPONSES["utter_faq/jiaoqiang_limits"]
    ranking = message.get("response_selector")["faq"]["ranking"]
    assert [r["intent_response_key"] for r in ranking][0] == "faq/jiaoqiang_limits"
    assert ranking[0]["confidence"] >= ranking[1]["confidence"]


def test_the_vote_survives_a_reload(trained):
    _, storage, context, prepare = trained
    reloaded = AnswerVote.load(
        {**AnswerVote.get_default_config(), "selector_weight": 0.3},
        storage,
        Resource("answers"),
        context,
    )
    selector_says = [("faq/jiaoqiang_limits", 0.6), ("faq/claim_deadline", 0.4)]
    message = reloaded.process([prepare("出事以后多少小时之内要报案", selector_says)])[0]
    picked = message.get("response_selector")["faq"]["response"]
    assert picked["intent_response_key"] == "faq/claim_deadline"
    assert picked["responses"] == RESPONSES["utter_faq/claim_deadline"]


def test_a_message_without_a_selection_is_left_alone(trained):
    component, _, _, prepare = trained
    message = component.process([prepare("你好", None)])[0]
    assert message.get("response_selector") is None


def test_training_keeps_the_gold_answers(trained):
    component, _, _, _ = trained
    assert set(component.clf.classes_) == set(ANSWERS)


def test_an_unsure_answer_becomes_the_not_covered_answer_and_the_ranking_keeps_the_vote(trained):
    component, storage, context, prepare = trained
    unsure = AnswerVote.load(
        {**AnswerVote.get_default_config(), "selector_weight": 0.3, "not_covered_below": 0.99},
        storage,
        Resource("answers"),
        context,
    )
    selector_says = [("faq/jiaoqiang_limits", 0.6), ("faq/claim_deadline", 0.4)]
    message = unsure.process([prepare("交强险的财产限额赔多少", selector_says)])[0]
    picked = message.get("response_selector")["faq"]["response"]
    assert picked["intent_response_key"] == "faq/not_covered"
    assert picked["utter_action"] == "utter_faq/not_covered"
    assert picked["responses"] == RESPONSES["utter_faq/not_covered"]
    ranking = message.get("response_selector")["faq"]["ranking"]
    assert ranking[0]["intent_response_key"] == "faq/jiaoqiang_limits"
    # The answer given carries its own score in the vote, which the ranking keeps.
    scores = {entry["intent_response_key"]: entry["confidence"] for entry in ranking}
    assert picked["confidence"] == scores["faq/not_covered"] < ranking[0]["confidence"]


def test_a_sure_answer_stays_under_the_threshold(trained):
    component, storage, context, prepare = trained
    sure_enough = AnswerVote.load(
        {**AnswerVote.get_default_config(), "selector_weight": 0.3, "not_covered_below": 0.01},
        storage,
        Resource("answers"),
        context,
    )
    selector_says = [("faq/jiaoqiang_limits", 0.6), ("faq/claim_deadline", 0.4)]
    message = sure_enough.process([prepare("交强险的财产限额赔多少", selector_says)])[0]
    picked = message.get("response_selector")["faq"]["response"]
    assert picked["intent_response_key"] == "faq/jiaoqiang_limits"
