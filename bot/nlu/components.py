"""Rasa 3.6 graph components around ``normalize`` and ``entities``.

The rules live in the plain-Python modules; these classes only adapt them to
Rasa's ``Message``/``TrainingData`` objects. In ``config.yml``:

    pipeline:
      - name: bot.nlu.components.ChineseTextNormalizer      # first
      - name: JiebaTokenizer
        dictionary_path: bot/data/jieba
      - name: bot.nlu.components.StructuredEntityExtractor
      ...
"""

from __future__ import annotations

import logging
from typing import Any

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_ROLE, ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_ROLE,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import entities
from bot.nlu.intent_guard import FALLBACK as FALLBACK_INTENT
from bot.nlu.intent_guard import guarded_intent, value_alone
from bot.nlu.normalize import normalize_with_offsets, remap_span

logger = logging.getLogger(__name__)


class StatelessComponent(GraphComponent):
    """A component with no state and no configuration: created the same way always."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Creates the component."""
        return cls()


# Registered as a featurizer because the default recipe runs only tokenizers
# and featurizers over the training data, in pipeline order; this component
# must run there too, before the tokenizer.
@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class ChineseTextNormalizer(StatelessComponent):
    """Rewrites each message's text with ``bot.nlu.normalize.normalize``.

    Traditional → Simplified, full-width → half-width, whitespace collapsed.
    Training examples are rewritten the same way so the models learn from
    what they will see. Entity annotations follow their text: spans are moved
    when whitespace collapsing shifts them, and an annotation that covered
    only whitespace is dropped with a warning.
    """

    @staticmethod
    def required_packages() -> list[str]:
        """Python packages the component imports."""
        return ["opencc"]

    def process(self, messages: list[Message]) -> list[Message]:
        """Normalises the text of messages at prediction time."""
        for message in messages:
            _normalize_message(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalises every training example, moving its entity annotations along."""
        for example in training_data.training_examples:
            _normalize_message(example)
        return training_data


def _normalize_message(message: Message) -> None:
    text = message.get(TEXT)
    if not text:  # e.g. end-to-end story steps that only name an intent
        return
    normalized, origins = normalize_with_offsets(text)
    if normalized == text:
        return
    message.set(TEXT, normalized)
    annotations = message.get(ENTITIES)
    if annotations:
        message.set(ENTITIES, _moved_annotations(annotations, text, normalized, origins))


def _moved_annotations(
    annotations: list[dict[str, Any]], text: str, normalized: str, origins: list[int]
) -> list[dict[str, Any]]:
    moved = []
    for annotation in annotations:
        start, end = annotation[ENTITY_ATTRIBUTE_START], annotation[ENTITY_ATTRIBUTE_END]
        span = remap_span(normalized, origins, start, end)
        if span is None:
            rasa.shared.utils.io.raise_warning(
                f"Dropped the '{annotation[ENTITY_ATTRIBUTE_TYPE]}' annotation "
                f"'{text[start:end]}' of '{text}': it covers only whitespace."
            )
            continue
        updated = {**annotation, ENTITY_ATTRIBUTE_START: span[0], ENTITY_ATTRIBUTE_END: span[1]}
        # A value equal to its text is not a synonym: it follows the text.
        if annotation.get(ENTITY_ATTRIBUTE_VALUE) == text[start:end]:
            updated[ENTITY_ATTRIBUTE_VALUE] = normalized[span[0] : span[1]]
        moved.append(updated)
    return moved


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class StructuredEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Plates, amounts, phone tails, policy and report numbers, accident times.

    See ``bot.nlu.entities`` for what is found and how values are normalised.
    Where another extractor already reported the same entity type over an
    overlapping span, no second entity is added; that entity gets our
    normalised value instead (and this component in its ``processors``), the
    way Rasa's ``EntitySynonymMapper`` rewrites values.

    Config: ``dimensions`` – the entity types to extract (default: all).
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Extract every entity type unless ``dimensions`` narrows it."""
        return {"dimensions": None}

    def __init__(self, config: dict[str, Any]) -> None:
        """Checks the configured dimensions and builds the spaCy pipeline."""
        dimensions = config.get("dimensions") or list(entities.ENTITY_TYPES)
        unknown = set(dimensions) - set(entities.ENTITY_TYPES)
        if unknown:
            raise InvalidConfigException(
                f"{type(self).__name__} cannot extract {sorted(unknown)}; "
                f"it knows {list(entities.ENTITY_TYPES)}."
            )
        self._dimensions = set(dimensions)
        # Loading spaCy takes seconds: do it when the model loads, not on the
        # first customer message.
        entities.warm_up()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StructuredEntityExtractor:
        """Creates the component; there is nothing to train."""
        return cls({**cls.get_default_config(), **config})

    @staticmethod
    def supported_languages() -> list[str]:
        """The patterns are for Chinese text."""
        return ["zh"]

    @staticmethod
    def required_packages() -> list[str]:
        """Python packages the component imports."""
        return ["spacy", "cn2an", "opencc"]

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the structured entities of each message to its ``entities``."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            found = message.get(ENTITIES, [])
            added = []
            for entity in entities.extract(text):
                if entity.entity not in self._dimensions:
                    continue
                same = _overlapping(found, entity)
                if same is None:
                    added.append(self._as_rasa_entity(entity))
                elif same.get(EXTRACTOR) != self.name:
                    same[ENTITY_ATTRIBUTE_VALUE] = entity.value
                    self.add_processor_name(same)
            message.set(ENTITIES, found + added, add_to_output=True)
        return messages

    def _as_rasa_entity(self, entity: entities.Entity) -> dict[str, Any]:
        result: dict[str, Any] = {
            ENTITY_ATTRIBUTE_TYPE: entity.entity,
            ENTITY_ATTRIBUTE_START: entity.start,
            ENTITY_ATTRIBUTE_END: entity.end,
            ENTITY_ATTRIBUTE_VALUE: entity.value,
            ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: 1.0,
            EXTRACTOR: self.name,
        }
        if entity.role:
            result[ENTITY_ATTRIBUTE_ROLE] = entity.role
            result[ENTITY_ATTRIBUTE_CONFIDENCE_ROLE] = 1.0
        return result


def _overlapping(found: list[dict[str, Any]], entity: entities.Entity) -> dict[str, Any] | None:
    for other in found:
        if (
            other.get(ENTITY_ATTRIBUTE_TYPE) == entity.entity
            and other.get(ENTITY_ATTRIBUTE_START, 0) < entity.end
            and entity.start < other.get(ENTITY_ATTRIBUTE_END, 0)
        ):
            return other
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntentGuard(StatelessComponent):
    """Overrides the intent where the message's make-up decides it (``bot.nlu.intent_guard``).

    Last in the pipeline, after the FallbackClassifier.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Replaces the intent of messages whose make-up decides it."""
        for message in messages:
            text = message.get(TEXT) or ""
            spans = [
                (
                    entity[ENTITY_ATTRIBUTE_TYPE],
                    entity[ENTITY_ATTRIBUTE_START],
                    entity[ENTITY_ATTRIBUTE_END],
                )
                for entity in message.get(ENTITIES, [])
            ]
            current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            ranked = [entry.get(INTENT_NAME_KEY) for entry in message.get(INTENT_RANKING_KEY) or []]
            best_guess = next((name for name in ranked if name != FALLBACK_INTENT), None)
            replacement = guarded_intent(
                text,
                current,
                {name for name, _, _ in spans},
                best_guess=best_guess,
                alone=value_alone(text, spans),
            )
            if replacement:
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: replacement, PREDICTED_CONFIDENCE_KEY: 1.0},
                    add_to_output=True,
                )
        return messages
