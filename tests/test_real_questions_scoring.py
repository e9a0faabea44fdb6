"""How `make evaluate REAL=…` scores real customers' questions, without the file or a model."""

import hashlib
import json
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from real_questions import (  # noqa: E402
    TOPICS,
    Label,
    check_apart,
    checksum_of,
    held_out_accuracy,
    is_right,
    join_questions,
    label_of_parse,
    predictions_tsv,
    read_labels,
    report,
    sample_figures,
    score,
    table,
    top_answer,
    tradeoff,
)

DEVELOPMENT_LABELS = ROOT / "evaluation" / "real_labels.tsv"
HELD_OUT_LABELS = ROOT / "evaluation" / "real_labels_held_out.tsv"

SAMPLE = """# a comment line
# questions sha256: abc123
1\tfaq/jiaoqiang_limits
4\tfaq/sanzhe_coverage|faq/jiaoqiang_coverage
7\tuncovered\tother_city
10\tcheck_claim_status
13\toff_topic
"""

COVERED = Label(1, ("faq/jiaoqiang_limits",))
UNCOVERED = Label(7, ("uncovered",), "other_city")
ACT = Label(10, ("check_claim_status",))


def test_labels_file_gives_line_accepted_answers_and_topic_and_skips_comments():
    labels = read_labels(SAMPLE)
    assert [label.line for label in labels] == [1, 4, 7, 10, 13]
    assert labels[1].accepted == ("faq/sanzhe_coverage", "faq/jiaoqiang_coverage")
    assert labels[2].topic == "other_city"
    assert [label.kind for label in labels] == [
        "covered",
        "covered",
        "uncovered",
        "act",
        "off_topic",
    ]
    assert checksum_of(SAMPLE) == "abc123"


def test_covered_question_is_right_only_with_one_of_its_answers():
    either = Label(4, ("faq/sanzhe_coverage", "faq/jiaoqiang_coverage"))
    assert is_right(COVERED, "faq/jiaoqiang_limits")
    assert is_right(either, "faq/jiaoqiang_coverage")
    assert not is_right(COVERED, "faq/jiaoqiang_coverage")
    assert not is_right(COVERED, "nlu_fallback")  # not answering a covered question is a miss


def test_uncovered_question_is_right_only_with_an_honest_non_answer():
    for honest in (
        "nlu_fallback",
        "off_topic",
        "request_human",
        "faq/not_covered",
        "faq/not_covered_premium",
    ):
        assert is_right(UNCOVERED, honest), honest
    assert not is_right(UNCOVERED, "faq/chesun_theft")  # a confident answer to another question
    assert not is_right(UNCOVERED, "ask_my_policy")  # sent into a flow it did not ask for


def test_request_to_act_is_right_only_in_its_flow():
    assert is_right(ACT, "check_claim_status")
    assert not is_right(ACT, "faq/claim_status_meanings")
    assert not is_right(ACT, "report_accident")


def test_score_splits_uncovered_into_non_answers_wrong_answers_and_elsewhere():
    labels = [
        COVERED,
        Label(2, ("faq/chesun_glass",)),
        UNCOVERED,
        Label(8, ("uncovered",), "premium"),
        Label(9, ("uncovered",), "premium"),
        Label(11, ("uncovered",), "premium"),
        ACT,
        Label(13, ("off_topic",)),
    ]
    predicted = [
        "faq/jiaoqiang_limits",  # right
        "faq/chesun_theft",  # wrong answer to a covered question
        "nlu_fallback",  # honest
        "faq/ncd_premium",  # wrong answer
        "off_topic",  # honest
        "report_accident",  # elsewhere
        "check_claim_status",  # right flow
        "faq/claim_steps",  # off topic answered
    ]
    figures = score(labels, predicted)
    assert figures["questions"] == 8
    assert figures["overall"] == pytest.approx(4 / 8)
    assert (figures["covered_count"], figures["covered"]) == (2, 0.5)
    assert figures["uncovered_count"] == 4
    assert figures["uncovered_non_answer"] == 0.5
    assert figures["uncovered_wrong_answer"] == 0.25
    assert figures["uncovered_elsewhere"] == 0.25
    assert figures["uncovered_answered"] == 0.5
    assert (figures["act_count"], figures["act"]) == (1, 1.0)
    assert (figures["off_topic_count"], figures["off_topic"]) == (1, 0.0)
    assert figures["topics"] == {
        "premium": {"questions": 3, "answered": 2},
        "other_city": {"questions": 1, "answered": 0},
    }


def test_a_group_without_questions_has_no_share_and_the_table_shows_a_dash():
    figures = score([COVERED], ["faq/jiaoqiang_limits"])
    assert figures["act"] is None and figures["uncovered_answered"] is None
    lines = table(figures, figures)
    assert any(line.startswith("| requests to act") and "| – |" in line for line in lines)


def test_table_marks_each_issue_target_met_or_missed():
    bot = score([COVERED, UNCOVERED], ["faq/jiaoqiang_limits", "faq/chesun_theft"])
    lines = "\n".join(table(bot, bot))
    assert "| covered: the right answer (1) | 1.00 | 1.00 | ≥ 0.92 (met) |" in lines
    assert "| uncovered: given an answer (the two above) | 1.00 | 1.00 | ≤ 0.10 (MISSED) |" in lines
    assert "| overall accuracy (2) | 0.50 | 0.50 | ≥ 0.88 (MISSED) |" in lines


def test_prediction_is_the_faq_answer_key_or_the_intent():
    faq = {
        "intent": {"name": "faq"},
        "response_selector": {"faq": {"response": {"intent_response_key": "faq/chesun_glass"}}},
    }
    assert label_of_parse(faq) == "faq/chesun_glass"
    assert label_of_parse({"intent": {"name": "nlu_fallback"}}) == "nlu_fallback"
    assert label_of_parse({"intent": {"name": "off_topic"}}) == "off_topic"


def test_questions_are_joined_by_line_number_from_the_labelled_file_only():
    questions = "第一行\n第二行\n第三行\n".encode()
    checksum = hashlib.sha256(questions).hexdigest()
    labels = [Label(3, ("uncovered",)), Label(1, ("off_topic",))]
    assert join_questions(labels, questions, checksum) == ["第三行", "第一行"]
    with pytest.raises(ValueError, match="SHA-256"):
        join_questions(labels, questions + "第四行\n".encode(), checksum)
    with pytest.raises(ValueError, match=r"\[5\]"):
        join_questions([Label(5, ("uncovered",))], questions, None)


@pytest.mark.parametrize("path", [DEVELOPMENT_LABELS, HELD_OUT_LABELS], ids=lambda p: p.name)
def test_project_labels_name_answers_and_intents_that_exist(path):
    text = path.read_text(encoding="utf-8")
    labels = read_labels(text)
    faq = yaml.safe_load((ROOT / "bot" / "data" / "responses" / "faq.yml").read_text("utf-8"))
    answers = {key.removeprefix("utter_") for key in faq["responses"]}
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))["intents"])
    known = answers | intents | {"uncovered", "off_topic"}
    assert len(labels) >= 300
    assert len({label.line for label in labels}) == len(labels)
    assert all(1 <= label.line <= 909 for label in labels)
    assert len(checksum_of(text) or "") == 64
    for label in labels:
        assert set(label.accepted) <= known, label
        assert (label.topic in TOPICS) == (label.kind == "uncovered"), label


def _parsed(intent: str, ranking: list[tuple[str, float]]) -> dict:
    top = ranking[0][0] if ranking else None
    return {
        "intent": {"name": intent},
        "response_selector": {
            "faq": {
                "response": {"intent_response_key": top},
                "ranking": [{"intent_response_key": k, "confidence": c} for k, c in ranking],
            }
        },
    }


def test_top_answer_is_the_vote_before_the_threshold_and_only_for_the_faq():
    parsed = _parsed("faq", [("faq/jiaoqiang_limits", 0.25), ("faq/sanzhe_limits", 0.2)])
    parsed["response_selector"]["faq"]["response"]["intent_response_key"] = "faq/not_covered"
    assert top_answer(parsed) == [("faq/jiaoqiang_limits", 0.25), ("faq/sanzhe_limits", 0.2)]
    assert top_answer(_parsed("report_accident", [("faq/report_deadline", 0.9)])) is None


def _vote(key: str, share: float) -> list[tuple[str, float]]:
    """A vote in which ``key`` has ``share`` against the not-covered keys together."""
    return [(key, share), ("faq/not_covered", round(1 - share, 6))]


def test_tradeoff_counts_wrong_answers_against_needless_not_covered():
    labels = [
        Label(1, ("faq/jiaoqiang_limits",)),  # covered, right but unsure (0.2)
        Label(2, ("faq/sanzhe_coverage",)),  # covered, right and sure (0.8)
        Label(3, ("uncovered",), "premium"),  # answered wrongly at 0.15
        Label(4, ("uncovered",), "transfer"),  # answered wrongly at 0.6
    ]
    tops = [
        _vote("faq/jiaoqiang_limits", 0.2),
        _vote("faq/sanzhe_coverage", 0.8),
        _vote("faq/ncd_premium", 0.15),
        _vote("faq/chesun_theft", 0.6),
    ]
    predicted = [top[0][0] for top in tops]
    low, mid, high = tradeoff(labels, predicted, tops, [0.0, 0.18, 0.3])
    assert (low["wrong_answers"], low["needless_not_covered"]) == (2, 0)
    assert (mid["wrong_answers"], mid["needless_not_covered"]) == (1, 0)
    assert (high["wrong_answers"], high["needless_not_covered"]) == (1, 1)
    assert high["covered"] == 0.5 and high["uncovered_answered"] == 0.5


def test_held_out_accuracy_under_a_threshold_loses_the_unsure_right_answers():
    gold = ["faq/jiaoqiang_limits", "faq/sanzhe_coverage"]
    tops = [_vote("faq/jiaoqiang_limits", 0.2), _vote("faq/sanzhe_coverage", 0.8)]
    predicted = [top[0][0] for top in tops]
    assert held_out_accuracy(gold, predicted, tops, 0.0) == 1.0
    assert held_out_accuracy(gold, predicted, tops, 0.3) == 0.5


@pytest.mark.parametrize(
    ("path", "first"),
    [(DEVELOPMENT_LABELS, 1), (HELD_OUT_LABELS, 2)],
    ids=["development", "held_out"],
)
def test_each_label_file_labels_every_line_of_its_sample_once(path, first):
    labels = read_labels(path.read_text(encoding="utf-8"))
    assert [label.line for label in labels] == list(range(first, 909, 3))


def test_development_and_held_out_labels_share_no_line_and_name_the_same_questions_file():
    development, held_out = (
        p.read_text(encoding="utf-8") for p in (DEVELOPMENT_LABELS, HELD_OUT_LABELS)
    )
    check_apart({"development": read_labels(development), "held_out": read_labels(held_out)})
    assert checksum_of(development) == checksum_of(held_out)


def test_samples_sharing_a_line_are_refused():
    with pytest.raises(ValueError, match="line 4 is in both development and held_out"):
        check_apart(
            {
                "development": [COVERED, Label(4, ("off_topic",))],
                "held_out": [Label(4, ("uncovered",), "other")],
            }
        )


def test_a_sample_is_scored_on_its_own_with_the_own_words_column_at_each_threshold():
    labels = [COVERED, UNCOVERED]
    tops = [_vote("faq/jiaoqiang_limits", 0.2), _vote("faq/chesun_theft", 0.15)]
    bot = [top[0][0] for top in tops]
    figures = sample_figures(
        labels, bot, ["faq/jiaoqiang_limits", "nlu_fallback"], tops, {0.0: 1.0, 0.3: 0.5}
    )
    assert figures["bot"]["overall"] == 0.5 and figures["baseline"]["overall"] == 1.0
    low, high = figures["not_covered_tradeoff"]
    assert (low["threshold"], low["held_out_faq"], low["wrong_answers"]) == (0.0, 1.0, 1)
    assert (high["threshold"], high["held_out_faq"], high["needless_not_covered"]) == (0.3, 0.5, 1)
    lines = report("Held out (2 lines)", figures, configured=0.3)
    assert lines[0] == "## Held out (2 lines)"
    assert "| overall accuracy (2) | 0.50 | 1.00 | ≥ 0.88 (MISSED) |" in lines
    assert any(
        line.startswith("| 0.30 (config.yml) | 0 | 1 | 0.50 | 0.00 | 0.00 | 0.50 |")
        for line in lines
    )
    assert predictions_tsv(labels, bot, ["a", "b"]).splitlines() == [
        "line\tlabel\tbot\tbaseline",
        "1\tfaq/jiaoqiang_limits\tfaq/jiaoqiang_limits\ta",
        "7\tuncovered\tfaq/chesun_theft\tb",
    ]


class _Baseline:
    def predict(self, texts: list[str]) -> list[str]:
        return ["nlu_fallback"] * len(texts)


def _real_figures_on(tmp_path, monkeypatch, development: str, held_out: str):
    """evaluate.real_figures on a four-line questions file, with a fake parser and baseline."""
    import evaluate

    questions = tmp_path / "questions.txt"
    questions.write_bytes(b"q1\nq2\nq3\nq4\n")
    mark = f"# questions sha256: {hashlib.sha256(questions.read_bytes()).hexdigest()}\n"
    (tmp_path / "dev.tsv").write_text(mark + development, encoding="utf-8")
    (tmp_path / "held.tsv").write_text(mark + held_out, encoding="utf-8")
    (tmp_path / "config.yml").write_text("pipeline: []\n", encoding="utf-8")
    samples = (
        (tmp_path / "dev.tsv", tmp_path / "real", "development"),
        (tmp_path / "held.tsv", tmp_path / "real" / "held_out", "held out"),
    )
    parses = {
        "q1": _parsed("faq", [("faq/jiaoqiang_limits", 0.9)]),
        "q2": _parsed("faq", [("faq/chesun_theft", 0.8)]),
        "q3": {"intent": {"name": "nlu_fallback"}},
        "q4": {"intent": {"name": "off_topic"}},
    }
    calls = []

    def parse_all(model, texts):
        calls.append(list(texts))
        return [parses[t] for t in texts]

    monkeypatch.setattr(evaluate, "REAL_SAMPLES", samples)
    monkeypatch.setattr(evaluate, "own_words_examples", list)
    monkeypatch.setattr(evaluate, "parse_all", parse_all)
    run = evaluate.real_figures(Path("model"), _Baseline(), questions, tmp_path / "config.yml")
    return run, calls


def test_make_evaluate_real_scores_development_and_held_out_apart_in_their_own_files(
    tmp_path, monkeypatch
):
    lines, calls = _real_figures_on(
        tmp_path,
        monkeypatch,
        "1\tfaq/jiaoqiang_limits\n3\tuncovered\tother\n",
        "2\tfaq/sanzhe_coverage\n4\toff_topic\n",
    )
    assert calls == [["q1", "q3", "q2", "q4"]]  # the model is loaded once for both samples
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == [
        "## Real customers' questions, development (2 labelled lines of questions.txt)",
        "## Real customers' questions, held out (2 labelled lines of questions.txt)",
    ]
    development = json.loads((tmp_path / "real" / "real_questions.json").read_text("utf-8"))
    held_out = json.loads(
        (tmp_path / "real" / "held_out" / "real_questions.json").read_text("utf-8")
    )
    assert development["bot"]["overall"] == 1.0 and held_out["bot"]["overall"] == 0.5
    assert held_out["baseline"]["off_topic"] == 1.0
    import evaluate

    assert len(held_out["not_covered_tradeoff"]) == len(evaluate.THRESHOLDS)
    rows = (tmp_path / "real" / "held_out" / "predictions.tsv").read_text("utf-8").splitlines()
    assert rows == [
        "line\tlabel\tbot\tbaseline",
        "2\tfaq/sanzhe_coverage\tfaq/chesun_theft\tnlu_fallback",
        "4\toff_topic\toff_topic\tnlu_fallback",
    ]
    report_md = (tmp_path / "real" / "held_out" / "real_questions.md").read_text("utf-8")
    assert report_md.startswith("## Real customers' questions, held out")
    assert "development" not in report_md


def test_make_evaluate_real_refuses_label_files_sharing_a_line_before_parsing(
    tmp_path, monkeypatch
):
    with pytest.raises(ValueError, match="line 3 is in both"):
        _real_figures_on(tmp_path, monkeypatch, "1\toff_topic\n3\toff_topic\n", "3\toff_topic\n")
    assert not (tmp_path / "real").exists()


def test_make_evaluate_real_reads_both_project_label_files_into_their_own_folders():
    import evaluate

    files = [labels for labels, _, _ in evaluate.REAL_SAMPLES]
    folders = [folder for _, folder, _ in evaluate.REAL_SAMPLES]
    assert files == [DEVELOPMENT_LABELS, HELD_OUT_LABELS]
    assert folders == [evaluate.RESULTS / "real", evaluate.RESULTS / "real" / "held_out"]
