"""Evaluation hygiene: the held-out questions stay held out.

evaluation/held_out_questions.yml is never tuned on (the rule is in its header);
none of its sentences may appear in the training data, the knowledge files or
the tests, where a fix or a test would quietly turn it into development data.
"""

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ROOT / "evaluation" / "held_out_questions.yml"
DEVELOPMENT = ROOT / "evaluation" / "development_questions.yml"
# Where a held-out sentence must not be: what the bot learns or reads, and the tests.
GUARDED = [ROOT / "bot" / "data", ROOT / "bot" / "knowledge", ROOT / "tests"]
# Spaces and punctuation do not make a sentence another one.
_IGNORED = re.compile(r"[\s\W_]+")


def squeezed(text: str) -> str:
    return _IGNORED.sub("", text).lower()


def labelled(path: Path) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (block["intent"], line.removeprefix("- ").strip())
        for block in data["nlu"]
        for line in block["examples"].splitlines()
        if line.strip()
    ]


def guarded_texts() -> dict[Path, str]:
    return {
        path: squeezed(path.read_text(encoding="utf-8"))
        for folder in GUARDED
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in {".yml", ".yaml", ".py", ".txt", ".md", ".json"}
    }


QUESTIONS = labelled(HELD_OUT)


def test_no_held_out_sentence_appears_in_training_data_knowledge_or_tests():
    texts = guarded_texts()
    assert any(p.is_relative_to(ROOT / "bot" / "data") for p in texts), "nothing guarded"
    found = [
        f"{sentence} — {path.relative_to(ROOT)}"
        for _, sentence in QUESTIONS
        for path, text in texts.items()
        if squeezed(sentence) in text
    ]
    assert found == []


def test_the_guard_finds_a_copied_sentence(tmp_path, monkeypatch):
    copied = tmp_path / "nlu.yml"
    copied.write_text(f"- {QUESTIONS[0][1]}！\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "GUARDED", [tmp_path])
    assert squeezed(QUESTIONS[0][1]) in guarded_texts()[copied]


def test_the_held_out_set_says_never_to_tune_on_it_and_the_old_set_is_development_data():
    assert "never tune on it" in HELD_OUT.read_text(encoding="utf-8").splitlines()[1]
    assert "DEVELOPMENT DATA, not held out" in DEVELOPMENT.read_text(encoding="utf-8")


def test_the_held_out_set_is_large_and_covers_faq_answers_and_intents():
    faq = [intent for intent, _ in QUESTIONS if intent.startswith("faq/")]
    others = [intent for intent, _ in QUESTIONS if not intent.startswith("faq/")]
    assert len(QUESTIONS) >= 80
    assert len(set(faq)) >= 60 and len(set(others)) >= 15
    assert len({squeezed(s) for _, s in QUESTIONS}) == len(QUESTIONS), "a sentence twice"


def test_every_held_out_label_is_a_known_intent_or_faq_answer():
    responses = (ROOT / "bot" / "data" / "responses" / "faq.yml").read_text(encoding="utf-8")
    answers = set(re.findall(r"^\s*utter_(faq/\w+):", responses, re.MULTILINE))
    intents = {
        intent
        for path in (ROOT / "bot" / "data" / "nlu").glob("*.yml")
        for intent in re.findall(r"^\s*- intent: (\S+)", path.read_text(encoding="utf-8"), re.M)
    }
    unknown = {label for label, _ in QUESTIONS if label not in answers | intents}
    assert unknown == set()


def test_make_evaluate_reports_the_sets_under_their_names():
    source = (ROOT / "scripts" / "evaluate.py").read_text(encoding="utf-8")
    assert '(HELD_OUT, "held_out", "Held-out questions (never trained or tuned on)")' in source
    assert '"development",' in source and "tuned on since" in source
    assert "fresh_questions" not in source
