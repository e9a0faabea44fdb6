"""The yardstick the bot must beat: TF-IDF character n-grams + logistic regression.

Trained and scored on the same split as ``make evaluate`` (results/split), with the
same three figures:

- intent macro-F1 (every FAQ question counts as the intent ``faq``, as in Rasa's report);
- FAQ accuracy: the right answer key among the held-out FAQ questions;
- entity micro-F1 per jieba token, as Rasa scores entities: each token is
  classified from the character n-grams of itself and its neighbours.

The text gets the project's normaliser first (Traditional → Simplified), so the
comparison is about the models, not about who reads Traditional characters.

    python scripts/baseline.py            # after make evaluate has written the split
"""

import json
import sys
from pathlib import Path

import jieba
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlu.normalize import normalize  # noqa: E402

SPLIT = ROOT / "results" / "split"
NO_ENTITY = "no_entity"


def text_classifier():
    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
        LogisticRegression(max_iter=2000, C=10),
    )


def examples(path: Path) -> list:
    return [m for m in load_data(str(path)).nlu_examples if m.get("intent")]


def intent_of(message) -> str:
    return message.get("intent")


def faq_key(message) -> str | None:
    key = message.get("intent_response_key") or ""
    return key if key.startswith("faq/") else None


def token_rows(message) -> tuple[list[str], list[str]]:
    """Feature strings and gold labels, one per jieba token of the normalised text."""
    text = normalize(message.get("text"))
    spans = [(e["start"], e["end"], e["entity"]) for e in message.get("entities") or []]
    tokens = list(jieba.tokenize(text))
    rows, labels = [], []
    for i, (word, start, end) in enumerate(tokens):
        before = tokens[i - 1][0] if i else "<s>"
        after = tokens[i + 1][0] if i + 1 < len(tokens) else "</s>"
        rows.append(f"{word} | {before} | {after}")
        labels.append(next((kind for s, e, kind in spans if s < end and start < e), NO_ENTITY))
    return rows, labels


def entity_micro_f1(train: list, test: list) -> float:
    train_rows, train_labels = zip(
        *[row for m in train for row in zip(*token_rows(m), strict=True)], strict=True
    )
    test_rows, test_labels = zip(
        *[row for m in test for row in zip(*token_rows(m), strict=True)], strict=True
    )
    model = text_classifier().fit(train_rows, train_labels)
    kinds = sorted((set(train_labels) | set(test_labels)) - {NO_ENTITY})
    return f1_score(test_labels, model.predict(test_rows), labels=kinds, average="micro")


class Baseline:
    """The intent and FAQ-answer models, fitted once on a training file."""

    def __init__(self, train_file: Path) -> None:
        jieba.load_userdict(str(ROOT / "bot" / "data" / "jieba" / "userdict.txt"))
        self.train = examples(train_file)
        texts = [normalize(m.get("text")) for m in self.train]
        self.intents = text_classifier().fit(texts, [intent_of(m) for m in self.train])
        faq = [(t, faq_key(m)) for t, m in zip(texts, self.train, strict=True) if faq_key(m)]
        self.answers = text_classifier().fit(*zip(*faq, strict=True))

    def predict(self, texts: list[str]) -> list[str]:
        """The answer key (``faq/<key>``) or the intent for each raw message."""
        texts = [normalize(t) for t in texts]
        intents = list(self.intents.predict(texts))
        return [
            self.answers.predict([text])[0] if intent == "faq" else intent
            for text, intent in zip(texts, intents, strict=True)
        ]

    def _score(self, test: list) -> tuple[list, list, float]:
        """Gold and predicted intents of ``test``, and the share of right FAQ answers."""
        texts = [normalize(m.get("text")) for m in test]
        gold, predicted = [intent_of(m) for m in test], list(self.intents.predict(texts))
        faq = [(t, faq_key(m)) for t, m in zip(texts, test, strict=True) if faq_key(m)]
        chosen = self.answers.predict([t for t, _ in faq])
        right = sum(p == k for p, (_, k) in zip(chosen, faq, strict=True))
        return gold, predicted, right / len(faq)

    def figures(self, test_file: Path) -> dict:
        """The three figures of ``make evaluate`` on the held-out file."""
        test = examples(test_file)
        gold, predicted, faq_accuracy = self._score(test)
        return {
            "intent_macro_f1": round(f1_score(gold, predicted, average="macro"), 4),
            "faq_accuracy": round(faq_accuracy, 4),
            "entity_f1": round(entity_micro_f1(self.train, test), 4),
        }

    def accuracy(self, test_file: Path) -> dict:
        """Intent and FAQ-answer accuracy on another question set (no entities marked)."""
        gold, predicted, faq_accuracy = self._score(examples(test_file))
        right = sum(g == p for g, p in zip(gold, predicted, strict=True))
        return {
            "intent_accuracy": round(right / len(gold), 4),
            "faq_accuracy": round(faq_accuracy, 4),
        }


if __name__ == "__main__":
    print(json.dumps(Baseline(SPLIT / "train.yml").figures(SPLIT / "test.yml"), indent=2))
