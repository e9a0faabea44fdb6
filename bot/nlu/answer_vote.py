"""A second opinion on the FAQ answer: logistic regression over character n-grams.

The ResponseSelector picks an answer key (``faq/...``) from a few dozen
phrasings per answer; a linear model over TF-IDF-weighted character 1–3-grams
places unseen phrasings better on our data (it is the baseline ``make
evaluate`` prints beside the bot). As ``IntentVote`` does for intents, this
component, right after the selector, averages the selector's ranking with its
own probabilities (``selector_weight`` for the selector's share) and sets the
selected answer from the vote.

In ``config.yml``:

    - name: ResponseSelector
      retrieval_intent: faq
      ...
    - name: bot.nlu.answer_vote.AnswerVote
      retrieval_intent: faq
      selector_weight: 0.5
      not_covered_below: 0.3

With ``not_covered_below`` set, the best real answer is given only when its
share of the vote against all "not covered" keys together reaches it; else the
best of those keys answers ("I cannot answer that exactly", the nearest useful
thing, and a person; bot/nlu/not_covered.py): a classifier that must pick one of
N answers would otherwise answer every question, covered or not. The ranking
keeps the vote's scores (the ten best and every not-covered key), so ``make
evaluate`` can show what other thresholds would have done.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data import util
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_vote import IntentVote, vote
from bot.nlu.not_covered import NOT_COVERED, answer_or_not_covered, is_not_covered

RESPONSES_FILE = "responses.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class AnswerVote(IntentVote):
    """The ResponseSelector's answer ranking averaged with a TF-IDF + LR ranking."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **IntentVote.get_default_config(),
            "retrieval_intent": "faq",
            "selector_weight": 0.5,
            "not_covered_below": 0.0,  # 0: always the best real answer
            "not_covered_key": NOT_COVERED,
        }

    def __init__(
        self, config: dict[str, Any], name: str, model_storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.responses: dict[str, list[dict[str, Any]]] = {}

    def _create_training_matrix(self, training_data: TrainingData) -> tuple[list[str], list[str]]:
        examples = [
            e
            for e in training_data.intent_examples
            if e.get(INTENT) == self.config["retrieval_intent"]
            and e.get(INTENT_RESPONSE_KEY)
            and e.get(TEXT)
        ]
        return self._create_X(examples), [e.get(INTENT_RESPONSE_KEY) for e in examples]

    def train(self, training_data: TrainingData) -> Resource:
        resource = super().train(training_data)  # no answers to choose between: untrained
        if self.trained:
            self.responses = {
                key: training_data.responses.get(_utter(key), []) for key in self.clf.classes_
            }
        with self._model_storage.write_to(self._resource) as model_dir:
            (model_dir / RESPONSES_FILE).write_text(
                json.dumps(self.responses, ensure_ascii=False), encoding="utf-8"
            )
        return resource

    def process(self, messages: list[Message]) -> list[Message]:
        selected = [
            m for m in messages if self._selection(m) is not None and (m.get(TEXT) or "").strip()
        ]
        if not self.trained or not selected:
            return messages
        probabilities = self.clf.predict_proba(self._create_X(selected))
        classes = list(self.clf.classes_)
        for message, row in zip(selected, probabilities, strict=True):
            self._revote(message, dict(zip(classes, row, strict=True)))
        return messages

    def _selection(self, message: Message) -> dict[str, Any] | None:
        selectors = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
        return selectors.get(self.config["retrieval_intent"])

    def _revote(self, message: Message, linear: dict[str, float]) -> None:
        selection = self._selection(message)
        selector = {
            entry[INTENT_RESPONSE_KEY]: entry[PREDICTED_CONFIDENCE_KEY]
            for entry in selection.get(RESPONSE_SELECTOR_RANKING_KEY) or []
        }
        voted = vote(selector, linear, self.config["selector_weight"])
        key = answer_or_not_covered(
            voted, self.config["not_covered_below"], self.config["not_covered_key"]
        )
        confidence = dict(voted).get(key, 0.0)
        # The ten best, and every not-covered key: the decision can be re-made from it.
        ranking = [
            (name, score)
            for rank, (name, score) in enumerate(voted)
            if rank < 10 or is_not_covered(name)
        ]
        prediction = selection[RESPONSE_SELECTOR_PREDICTION_KEY]
        if key != prediction.get(INTENT_RESPONSE_KEY):
            prediction = {
                RESPONSE_SELECTOR_RESPONSES_KEY: self.responses.get(key) or [{TEXT: key}],
                INTENT_RESPONSE_KEY: key,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: _utter(key),
            }
        selectors = dict(message.get(RESPONSE_SELECTOR_PROPERTY_NAME))
        selectors[self.config["retrieval_intent"]] = {
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                **prediction,
                PREDICTED_CONFIDENCE_KEY: float(confidence),
            },
            RESPONSE_SELECTOR_RANKING_KEY: [
                {INTENT_RESPONSE_KEY: name, PREDICTED_CONFIDENCE_KEY: float(score)}
                for name, score in ranking
            ],
        }
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selectors, add_to_output=True)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context,
        **kwargs: Any,
    ) -> AnswerVote:
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        with model_storage.read_from(resource) as model_dir:
            component.responses = json.loads(
                (model_dir / RESPONSES_FILE).read_text(encoding="utf-8")
            )
        return component


def _utter(intent_response_key: str) -> str:
    return util.intent_response_key_to_template_key(intent_response_key)
