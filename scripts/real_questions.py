"""Scoring on real customers' questions: ``make evaluate REAL=<questions file>``.

The questions (one a line) stay outside the project; two labelled samples of
them keep only line numbers and labels, joined here at evaluation time:
evaluation/real_labels.tsv (lines 1, 4, 7 …, development data: answers were
written for what it showed) and evaluation/real_labels_held_out.tsv (lines
2, 5, 8 …, held out: labelled before any prediction was seen, never tuned on).
Each is scored and reported on its own; they must not share a line.
Everything in this module is pure (no Rasa, no model, no file access), so the
rules below are unit-tested on their own (tests/test_real_questions_scoring.py).

What a prediction is: ``faq/<key>`` when the bot (or the baseline) answers with
that FAQ answer, else the intent it chose (``off_topic`` for any off-topic
answer, ``nlu_fallback`` when nothing was confident enough).

What counts as right:

- a covered question (label ``faq/<key>``): one of its labelled answers;
- a request to act (label an intent such as ``report_accident``): one of its
  labelled flows (or the FAQ answer labelled beside it);
- an uncovered or off-topic question: an honest non-answer, i.e. one of
  ``NON_ANSWERS`` — the "not understood" reply (``nlu_fallback``), an
  off-topic reply, a hand-off to a person, or the bot's "I can't answer that
  exactly" answers (``faq/not_covered`` and ``faq/not_covered_<topic>``,
  bot/nlu/not_covered.py). Any other FAQ answer is a wrong answer; any other
  intent (a flow such as the identity check, small talk) is counted apart as
  "sent elsewhere". Both are "given an answer" in the issue-14 target.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.nlu.not_covered import answer_or_not_covered, is_not_covered

# Predictions that tell the customer we cannot answer, rather than answering
# something else; so do the FAQ's "not covered" answers (is_not_covered).
NON_ANSWERS = frozenset({"nlu_fallback", "off_topic", "request_human", "uncovered"})
UNCOVERED, OFF_TOPIC = "uncovered", "off_topic"
TOPICS = frozenset(
    {
        "other_city",
        "injury_items",
        "premium",
        "which_covers",
        "transfer",
        "buy_channel",
        "lapse",
        "cancel_refund",
        "assessment_dispute",
        "other",
    }
)
# Issue 14, on the labelled development set.
TARGETS = {"overall": 0.88, "covered": 0.92, "uncovered_answered": 0.10}
CHECKSUM_MARK = "# questions sha256:"


@dataclass(frozen=True)
class Label:
    line: int  # 1-based line of the questions file
    accepted: tuple[str, ...]  # predictions that are right ("|"-separated in the file)
    topic: str | None = None  # what an uncovered question is about

    @property
    def kind(self) -> str:
        """covered, act, uncovered or off_topic, from the first label."""
        first = self.accepted[0]
        if first in (UNCOVERED, OFF_TOPIC):
            return first
        return "covered" if first.startswith("faq/") else "act"


def read_labels(text: str) -> list[Label]:
    """The rows of a labels file: ``line<TAB>label[|label…][<TAB>topic]``; # starts a comment."""
    labels = []
    for row in text.splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        line, label, *topic = row.split("\t")
        labels.append(Label(int(line), tuple(label.split("|")), topic[0] if topic else None))
    return labels


def checksum_of(labels_text: str) -> str | None:
    """The SHA-256 of the questions file the labels were made for, if the header names it."""
    for row in labels_text.splitlines():
        if row.startswith(CHECKSUM_MARK):
            return row[len(CHECKSUM_MARK) :].strip()
    return None


def join_questions(labels: list[Label], questions: bytes, checksum: str | None) -> list[str]:
    """The labelled questions, in the order of ``labels``.

    Refuses a questions file other than the one that was labelled: a line
    number would then point at another question.
    """
    if checksum and hashlib.sha256(questions).hexdigest() != checksum:
        raise ValueError("the questions file is not the one that was labelled (SHA-256 differs)")
    lines = questions.decode("utf-8").splitlines()
    missing = [label.line for label in labels if not 1 <= label.line <= len(lines)]
    if missing:
        raise ValueError(f"labelled lines missing from the questions file: {missing[:5]}")
    return [lines[label.line - 1].strip() for label in labels]


def check_apart(samples: dict[str, list[Label]]) -> None:
    """Refuse labelled samples that share a line: a held-out figure is only one on
    lines nobody tuned on."""
    seen: dict[int, str] = {}
    for name, labels in samples.items():
        for label in labels:
            if label.line in seen:
                raise ValueError(f"line {label.line} is in both {seen[label.line]} and {name}")
            seen[label.line] = name


def label_of_parse(parsed: dict) -> str:
    """A prediction from Rasa's parse result: the FAQ answer key, or the intent."""
    intent = parsed["intent"]["name"]
    if intent == "faq":
        return parsed["response_selector"]["faq"]["response"]["intent_response_key"]
    return intent


def top_answer(parsed: dict) -> list[tuple[str, float]] | None:
    """The FAQ vote (answer key, score), before any "not covered" threshold.

    None when the message did not go to the FAQ. AnswerVote keeps the vote's ten
    best and every not-covered key, so another threshold can be tried without
    parsing again.
    """
    if parsed["intent"]["name"] != "faq":
        return None
    ranking = parsed["response_selector"]["faq"].get("ranking") or []
    if not ranking:
        return None
    return [(entry["intent_response_key"], float(entry["confidence"])) for entry in ranking]


def at_threshold(predicted: str, top: list[tuple[str, float]] | None, threshold: float) -> str:
    """What the bot would have answered with ``threshold`` as AnswerVote's not_covered_below."""
    if top is None:
        return predicted
    return answer_or_not_covered(top, threshold)


def tradeoff(
    labels: list[Label],
    predicted: list[str],
    tops: list[list[tuple[str, float]] | None],
    thresholds: list[float],
) -> list[dict]:
    """Per threshold: wrong FAQ answers (to any question) against needless "not covered"
    answers (covered questions whose right answer the threshold took away)."""
    rows = []
    for threshold in thresholds:
        moved = [at_threshold(p, top, threshold) for p, top in zip(predicted, tops, strict=True)]
        right_without = [at_threshold(p, top, 0.0) for p, top in zip(predicted, tops, strict=True)]
        figures = score(labels, moved)
        rows.append(
            {
                "threshold": threshold,
                "wrong_answers": sum(
                    outcome(p) == "answer" and p not in label.accepted
                    for label, p in zip(labels, moved, strict=True)
                ),
                "needless_not_covered": sum(
                    label.kind == "covered" and is_not_covered(p) and best in label.accepted
                    for label, p, best in zip(labels, moved, right_without, strict=True)
                ),
                **{k: figures[k] for k in ("overall", "covered", "uncovered_answered")},
            }
        )
    return rows


def sample_figures(
    labels: list[Label],
    bot: list[str],
    baseline: list[str],
    tops: list[list[tuple[str, float]] | None],
    own_words: dict[float, float | None],
) -> dict:
    """Bot and baseline on one labelled sample, and the "not covered" trade-off at
    the thresholds of ``own_words`` (threshold → held-out FAQ accuracy on our own
    words, the same for every sample)."""
    rows = tradeoff(labels, bot, tops, list(own_words))
    for row in rows:
        row["held_out_faq"] = own_words[row["threshold"]]
    return {
        "bot": score(labels, bot),
        "baseline": score(labels, baseline),
        "not_covered_tradeoff": rows,
    }


def report(heading: str, figures: dict, configured: float) -> list[str]:
    """Markdown lines of one sample: its heading, the figures, the threshold table."""
    return [
        f"## {heading}",
        "",
        *table(figures["bot"], figures["baseline"]),
        "",
        "Uncovered and off-topic questions are right only with an honest non-answer"
        " (not understood, off topic, a hand-off, a “not covered” answer);"
        " any other FAQ answer to them is wrong.",
        "",
        "What the “not covered” threshold costs: the best real FAQ answer is given"
        " only when its share of the vote, against every “not covered” key"
        " together, reaches it; else the best of those keys answers (“I cannot"
        " answer that exactly”, bot/nlu/not_covered.py). Wrong"
        " answers count every FAQ answer that is not a right one, to any question;"
        " needless ones are covered questions that the threshold took a right"
        " answer from; the last column is the share of held-out FAQ examples"
        " (our own words) given their own answer. The same model, the threshold"
        " applied to its ranking:",
        "",
        *tradeoff_table(figures["not_covered_tradeoff"], configured),
    ]


def predictions_tsv(labels: list[Label], bot: list[str], baseline: list[str]) -> str:
    """One row per labelled line: its labels and both predictions (line numbers only:
    the questions stay in their own file)."""
    rows = ["line\tlabel\tbot\tbaseline"] + [
        f"{label.line}\t{'|'.join(label.accepted)}\t{b}\t{t}"
        for label, b, t in zip(labels, bot, baseline, strict=True)
    ]
    return "\n".join(rows) + "\n"


def held_out_accuracy(
    gold: list[str],
    predicted: list[str],
    tops: list[list[tuple[str, float]] | None],
    threshold: float,
) -> float | None:
    """Share of held-out FAQ examples (our own words) answered with their own answer."""
    moved = [at_threshold(p, top, threshold) for p, top in zip(predicted, tops, strict=True)]
    return _share(sum(g == p for g, p in zip(gold, moved, strict=True)), len(gold))


def tradeoff_table(rows: list[dict], configured: float) -> list[str]:
    lines = [
        "| not_covered_below | wrong answers | needless “can't answer” (covered) "
        "| overall | covered | uncovered given an answer | held-out FAQ (own words) |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        mark = " (config.yml)" if abs(row["threshold"] - configured) < 1e-9 else ""
        lines.append(
            f"| {row['threshold']:.2f}{mark} | {row['wrong_answers']} "
            f"| {row['needless_not_covered']} | {_cell(row['overall'])} "
            f"| {_cell(row['covered'])} | {_cell(row['uncovered_answered'])} "
            f"| {_cell(row.get('held_out_faq'))} |"
        )
    return lines


def outcome(predicted: str) -> str:
    """answer (an FAQ answer), non_answer (honest), or elsewhere (any other intent)."""
    if is_not_covered(predicted):
        return "non_answer"
    if predicted.startswith("faq/"):
        return "answer"
    return "non_answer" if predicted.split("/")[0] in NON_ANSWERS else "elsewhere"


def is_right(label: Label, predicted: str) -> bool:
    if label.kind in (UNCOVERED, OFF_TOPIC):
        return outcome(predicted) == "non_answer"
    return predicted in label.accepted


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def score(labels: list[Label], predicted: list[str]) -> dict:
    """The figures of one model (bot or baseline) on the labelled questions."""
    if len(labels) != len(predicted):
        raise ValueError("one prediction per labelled question")
    pairs = list(zip(labels, predicted, strict=True))

    def group(kind: str) -> list[tuple[Label, str]]:
        return [(label, p) for label, p in pairs if label.kind == kind]

    covered, act, uncovered, off_topic = (
        group(k) for k in ("covered", "act", UNCOVERED, OFF_TOPIC)
    )
    outcomes = [outcome(p) for _, p in uncovered]
    topics: dict[str, dict[str, int]] = {}
    for label, p in uncovered:
        counts = topics.setdefault(label.topic or "other", {"questions": 0, "answered": 0})
        counts["questions"] += 1
        counts["answered"] += outcome(p) != "non_answer"
    return {
        "questions": len(pairs),
        "overall": _share(sum(is_right(label, p) for label, p in pairs), len(pairs)),
        "covered_count": len(covered),
        "covered": _share(sum(is_right(label, p) for label, p in covered), len(covered)),
        "uncovered_count": len(uncovered),
        "uncovered_non_answer": _share(outcomes.count("non_answer"), len(uncovered)),
        "uncovered_wrong_answer": _share(outcomes.count("answer"), len(uncovered)),
        "uncovered_elsewhere": _share(outcomes.count("elsewhere"), len(uncovered)),
        "uncovered_answered": _share(len(outcomes) - outcomes.count("non_answer"), len(uncovered)),
        "act_count": len(act),
        "act": _share(sum(is_right(label, p) for label, p in act), len(act)),
        "off_topic_count": len(off_topic),
        "off_topic": _share(sum(is_right(label, p) for label, p in off_topic), len(off_topic)),
        "topics": dict(sorted(topics.items(), key=lambda item: -item[1]["questions"])),
    }


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _target(key: str, value: float | None) -> str:
    if key not in TARGETS or value is None:
        return ""
    goal = TARGETS[key]
    met = value <= goal if key == "uncovered_answered" else value >= goal
    sign = "≤" if key == "uncovered_answered" else "≥"
    return f"{sign} {goal:.2f} ({'met' if met else 'MISSED'})"


def table(bot: dict, baseline: dict) -> list[str]:
    """Markdown lines: the headline figures of both models, then the uncovered topics."""
    rows = [
        ("overall", f"overall accuracy ({bot['questions']})"),
        ("covered", f"covered: the right answer ({bot['covered_count']})"),
        ("uncovered_non_answer", f"uncovered: honest non-answer ({bot['uncovered_count']})"),
        ("uncovered_wrong_answer", "uncovered: a wrong FAQ answer"),
        ("uncovered_elsewhere", "uncovered: sent elsewhere (a flow, small talk)"),
        ("uncovered_answered", "uncovered: given an answer (the two above)"),
        ("act", f"requests to act: the right flow ({bot['act_count']})"),
        ("off_topic", f"off topic: a non-answer ({bot['off_topic_count']})"),
    ]
    lines = [
        "| figure | bot | baseline (TF-IDF + LR) | target (issue 14) |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {_cell(bot[key])} | {_cell(baseline[key])} | {_target(key, bot[key])} |"
        for key, name in rows
    ]
    lines += [
        "",
        "| uncovered topic | questions | bot gave an answer | baseline gave an answer |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {topic} | {counts['questions']} | {counts['answered']} "
        f"| {baseline['topics'][topic]['answered']} |"
        for topic, counts in bot["topics"].items()
    ]
    return lines
