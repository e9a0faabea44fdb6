"""The second opinion on the intent (bot/nlu/intent_vote.py), trained for real."""

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_vote import IntentVote, vote

EXAMPLES = {
    "deny": ["没有人受伤", "没有其他车", "不是我开的", "没有，就我一个", "没有没有"],
    "report_accident": ["我要报案", "出车祸了", "我撞车了", "被人追尾了想报案", "车被撞了"],
}


def test_the_vote_averages_the_two_rankings_by_weight():
    ranking = vote({"deny": 0.9, "inform": 0.1}, {"deny": 0.2, "inform": 0.8}, diet_weight=0.25)
    assert [name for name, _ in ranking] == ["inform", "deny"]
    assert ranking[0][1] == pytest.approx(0.25 * 0.1 + 0.75 * 0.8)


def test_an_intent_only_one_side_ranked_still_counts():
    ranking = vote({"greet": 0.6}, {"thank": 0.7}, diet_weight=0.5)
    assert ranking == [("thank", 0.35), ("greet", 0.3)]


@pytest.fixture
def featurised(tmp_path):
    """Tokenise and featurise like the pipeline, then hand back a fresh component's inputs."""
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    tokenizer = JiebaTokenizer.create(
        JiebaTokenizer.get_default_config(), storage, Resource("tok"), context
    )
    featurizer = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb", "max_ngram": 2},
        storage,
        Resource("cv"),
        context,
    )
    data = TrainingData(
        [
            Message(data={TEXT: text, INTENT: intent})
            for intent, texts in EXAMPLES.items()
            for text in texts
        ]
    )
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)

    def prepare(text: str, diet_ranking: list[dict]) -> Message:
        msg = Message(data={TEXT: text, "intent_ranking": diet_ranking})
        tokenizer.process([msg])
        featurizer.process([msg])
        return msg

    return storage, context, data, prepare


def test_the_linear_side_can_overrule_a_wrong_diet_guess_and_survives_a_reload(featurised):
    storage, context, data, prepare = featurised
    component = IntentVote.create(
        {**IntentVote.get_default_config(), "diet_weight": 0.3}, storage, Resource("vote"), context
    )
    component.train(data)
    diet_says = [
        {"name": "report_accident", "confidence": 0.55},
        {"name": "deny", "confidence": 0.45},
    ]
    msg = component.process([prepare("没有，没有人", diet_says)])[0]
    assert msg.get(INTENT)["name"] == "deny"

    reloaded = IntentVote.load(IntentVote.get_default_config(), storage, Resource("vote"), context)
    again = reloaded.process([prepare("我出车祸了要报案", diet_says[::-1])])[0]
    assert again.get(INTENT)["name"] == "report_accident"


def test_training_examples_keep_their_gold_intents(featurised):
    storage, context, data, _ = featurised
    component = IntentVote.create(IntentVote.get_default_config(), storage, Resource("v"), context)
    component.train(data)
    component.process_training_data(data)
    assert {m.get(INTENT) for m in data.training_examples} == set(EXAMPLES)


def test_an_empty_message_keeps_diets_word(featurised):
    storage, context, data, prepare = featurised
    component = IntentVote.create(IntentVote.get_default_config(), storage, Resource("e"), context)
    component.train(data)
    empty = prepare("", [{"name": "deny", "confidence": 0.3}])
    empty.set(INTENT, {"name": "nlu_fallback", "confidence": 1.0})
    assert component.process([empty])[0].get(INTENT)["name"] == "nlu_fallback"


def test_a_reloaded_vote_multiplies_without_copying_its_weights_and_answers_the_same(featurised):
    storage, context, data, _ = featurised
    thanks = [Message(data={TEXT: t, INTENT: "thank"}) for t in ("谢谢", "多谢了", "感谢你")]
    three_intents = TrainingData(data.training_examples + thanks)  # two would be one row
    component = IntentVote.create(IntentVote.get_default_config(), storage, Resource("w"), context)
    component.train(three_intents)
    reloaded = IntentVote.load(IntentVote.get_default_config(), storage, Resource("w"), context)
    weights = reloaded.clf[-1].coef_
    # What scipy hands to its multiplication: a view of the stored weights, not a copy.
    assert np.shares_memory(weights.T.ravel(), weights)
    texts = ["没有，没有人", "我出车祸了要报案"]
    assert np.array_equal(reloaded.clf.predict_proba(texts), component.clf.predict_proba(texts))
