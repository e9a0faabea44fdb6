"""A second opinion on the intent: logistic regression over character n-grams.

DIET learns dense embeddings from a few dozen examples per intent and, on our
data, a linear model over TF-IDF-weighted character 1–3-grams of the
(normalised) text places unseen phrasings as well or better: it is the
baseline ``make evaluate`` prints. The two err differently, so the bot uses
both: this component, right after ``DIETClassifier``, averages DIET's intent
ranking with its own probabilities (``diet_weight`` for DIET's share) and sets
the intent from the vote.

In ``config.yml``:

    - name: DIETClassifier
      ...
    - name: bot.nlu.intent_vote.IntentVote
      diet_weight: 0.5
"""

from __future__ import annotations

from typing import Any

import numpy as np
import skops.io as sio
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

# The fitted TF-IDF weights are kept as a sparse matrix: the one type outside
# scikit-learn that the stored model may contain.
TRUSTED_TYPES = ["scipy.sparse._csr.csr_matrix"]


def vote(
    diet: dict[str, float], linear: dict[str, float], diet_weight: float
) -> list[tuple[str, float]]:
    """Intents by their weighted mean confidence, best first."""
    names = set(diet) | set(linear)
    scores = {
        name: diet_weight * diet.get(name, 0.0) + (1 - diet_weight) * linear.get(name, 0.0)
        for name in names
    }
    return sorted(scores.items(), key=lambda item: -item[1])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class IntentVote(LogisticRegressionClassifier):
    """DIET's ranking averaged with a TF-IDF + logistic-regression ranking."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "diet_weight": 0.5,
            "C": 10.0,
            "max_iter": 2000,
        }

    def __init__(
        self, config: dict[str, Any], name: str, model_storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
            LogisticRegression(
                C=self.config["C"],
                max_iter=self.config["max_iter"],
                random_state=self.config["random_state"],
            ),
        )
        self.trained = False

    def _create_X(self, messages: list[Message]) -> list[str]:  # noqa: N802 - Rasa's name
        return [message.get(TEXT) or "" for message in messages]

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = self._create_training_matrix(training_data)
        if texts:
            self.clf.fit(texts, labels)
            self.persist()
            self.trained = True
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        # An empty message says nothing: DIET's word (or the fallback) stands.
        voters = [m for m in messages if (m.get(TEXT) or "").strip()]
        if not self.trained or not voters:
            return messages
        probabilities = self.clf.predict_proba(self._create_X(voters))
        classes = list(self.clf.classes_)
        for message, row in zip(voters, probabilities, strict=True):
            diet = {
                entry[INTENT_NAME_KEY]: entry[PREDICTED_CONFIDENCE_KEY]
                for entry in message.get(INTENT_RANKING_KEY) or []
            }
            ranking = vote(diet, dict(zip(classes, row, strict=True)), self.config["diet_weight"])
            named = [
                {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: float(score)}
                for name, score in ranking[:10]
            ]
            message.set(INTENT, named[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, named, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # The training examples keep their gold intents for the components after this.
        return training_data

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context,
        **kwargs: Any,
    ) -> IntentVote:
        component = cls(config, execution_context.node_name, model_storage, resource)
        with model_storage.read_from(resource) as model_dir:
            stored = model_dir / f"{resource.name}.skops"
            if stored.exists():  # absent when there was nothing to train on
                component.clf = sio.load(stored, trusted=TRUSTED_TYPES)
                column_major_weights(component.clf[-1])
                component.trained = True
        return component


def column_major_weights(model: LogisticRegression) -> None:
    """Store the weights column by column; the values stay the same.

    scikit-learn multiplies a message's sparse n-grams by ``coef_.T``, and scipy
    flattens that operand: with the weights row by row, every message copied the
    whole matrix first. For the FAQ answers (65 × 23,433 weights) that copy was
    3.3 ms of every vote; the multiplication itself takes 0.006 ms.
    """
    model.coef_ = np.asfortranarray(model.coef_)
