"""make evaluate: held-out NLU evaluation on a fixed split of our own data.

1. Split bot/data/nlu (with the FAQ responses) 80/20, stratified by intent and
   FAQ answer, with a fixed seed, so every run holds out the same examples.
2. Train an NLU-only model on the 80 % with the production config.yml.
3. ``rasa test nlu`` on the 20 %: Rasa's reports and confusion-matrix plots
   land in results/nlu/.
4. Print and save (results/evaluation.{md,json}) the three headline figures:
   intent macro-F1, FAQ response-selection accuracy, entity micro-F1, beside
   the TF-IDF + logistic-regression baseline of scripts/baseline.py trained on
   the same split.
5. The same model on evaluation/held_out_questions.yml: questions never
   trained or tuned on (the rule is in its header; a test keeps its sentences
   out of the training data, the knowledge files and the tests) — how the bot
   does on words it has not seen (results/held_out/); on
   evaluation/development_questions.yml, written apart from the training data
   but tuned on since, so reported as development data (results/development/);
   and on evaluation/typo_questions.yml, questions with pinyin-input typos
   (叫强险, 三者线) written by the project team (results/typos/).
6. With ``--real FILE`` (``make evaluate REAL=FILE``): the same model and the
   baseline on real customers' questions, joined at evaluation time with the
   line numbers and labels of two samples, each scored and reported on its
   own: evaluation/real_labels.tsv (development data, results/real/) and
   evaluation/real_labels_held_out.tsv (held out, never tuned on,
   results/real/held_out/) — accuracy overall, on covered questions, how
   uncovered ones are handled, requests to act (the rules are in
   scripts/real_questions.py), and what other "not covered" thresholds
   (AnswerVote's not_covered_below) would have done: wrong answers against
   needless "I cannot answer that".
7. With ``--forms`` (``make evaluate`` passes it unless FORMS=0): the report conversation through
   the real servers, started with the current model — "form answers
   understood: N/M" (evaluation/form_answers.yml, development data, per question
   too), "held-out form answers understood: N/M" (its own line, per question
   too: evaluation/form_answers_held_out_2.yml, never tuned on) and "whole
   reports right: N/M" (evaluation/report_journeys.yml); every failure is
   printed (evaluation/form_runner.py, a few minutes).
"""

import argparse
import asyncio
import json
import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path

import real_questions
import yaml
from baseline import Baseline
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"
SPLIT = RESULTS / "split"
HELD_OUT = ROOT / "evaluation" / "held_out_questions.yml"
DEVELOPMENT = ROOT / "evaluation" / "development_questions.yml"
TYPOS = ROOT / "evaluation" / "typo_questions.yml"
REAL_LABELS = ROOT / "evaluation" / "real_labels.tsv"
REAL_LABELS_HELD_OUT = ROOT / "evaluation" / "real_labels_held_out.tsv"
# The labelled samples of the real questions, scored apart: (labels, results folder, title).
REAL_SAMPLES = (
    (REAL_LABELS, RESULTS / "real", "development data labelled by us (lines 1, 4, 7 …)"),
    (
        REAL_LABELS_HELD_OUT,
        RESULTS / "real" / "held_out",
        "held out (lines 2, 5, 8 …; labelled before any prediction was seen, never tuned on)",
    ),
)
# The question sets apart from the split, in the order the report shows them:
# (file, results folder, title).
QUESTION_SETS = (
    (HELD_OUT, "held_out", "Held-out questions (never trained or tuned on)"),
    (
        DEVELOPMENT,
        "development",
        "Development questions (written apart from the training data, tuned on since)",
    ),
    (TYPOS, "typos", "Pinyin typos (written by the project team, issue 14)"),
)
SEED = 42
TARGETS = {"intent_macro_f1": 0.95, "faq_accuracy": 0.92, "entity_f1": 0.95}
THRESHOLDS = [0.0, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7]


def split_data() -> tuple[Path, Path]:
    data = load_data(str(ROOT / "bot" / "data" / "nlu"))
    responses = load_data(str(ROOT / "bot" / "data" / "responses"))
    data = data.merge(responses)
    train, test = data.train_test_split(train_frac=0.8, random_seed=SEED)
    SPLIT.mkdir(parents=True, exist_ok=True)
    writer = RasaYAMLWriter()
    (SPLIT / "train.yml").write_text(writer.dumps(train), encoding="utf-8")
    (SPLIT / "test.yml").write_text(writer.dumps(test), encoding="utf-8")
    print(f"==> split: {len(train.nlu_examples)} train / {len(test.nlu_examples)} held out")
    return SPLIT / "train.yml", SPLIT / "test.yml"


def rasa(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "rasa", *args], cwd=ROOT, check=True)


def read_report(name: str, folder: str = "nlu") -> dict:
    return json.loads((RESULTS / folder / name).read_text(encoding="utf-8"))


def entity_f1() -> float:
    """Micro-F1 of our structured-entity extractor over the held-out entities."""
    report = read_report("StructuredEntityExtractor_report.json")
    return report["micro avg"]["f1-score"]


def faq_accuracy(folder: str = "nlu") -> float:
    """Share of held-out FAQ questions answered with the right FAQ answer."""
    report = read_report("response_selection_report.json", folder)
    keys = {k: v for k, v in report.items() if k.startswith("faq/")}
    support = sum(v["support"] for v in keys.values())
    return sum(v["recall"] * v["support"] for v in keys.values()) / support


def summarise(train_seconds: float) -> dict:
    intents = read_report("intent_report.json")
    figures = {
        "intent_macro_f1": round(intents["macro avg"]["f1-score"], 4),
        "faq_accuracy": round(faq_accuracy(), 4),
        "entity_f1": round(entity_f1(), 4),
        "nlu_training_seconds": round(train_seconds, 1),
    }
    return figures


def question_set_figures(
    model: Path, baseline: Baseline, path: Path, folder: str, title: str
) -> list[str]:
    """Intent and FAQ-answer accuracy on a set of questions apart from the training data.

    Rasa skips the intent report of a set with one intent (the typo set is all
    FAQ questions): its FAQ-answer accuracy is then the set's figure.
    """
    shutil.rmtree(RESULTS / folder, ignore_errors=True)  # no report of an earlier run
    rasa("test", "nlu", "--model", str(model), "--nlu", str(path), "--out", str(RESULTS / folder))
    bot = {"faq_accuracy": faq_accuracy(folder)}
    count = read_report("response_selection_report.json", folder)["macro avg"]["support"]
    if (RESULTS / folder / "intent_report.json").exists():
        intents = read_report("intent_report.json", folder)
        bot = {"intent_accuracy": intents["accuracy"], **bot}
        count = intents["macro avg"]["support"]
    theirs = baseline.accuracy(path)
    lines = ["", f"## {title} ({count}; not a target)", ""]
    lines += ["| figure | bot | baseline (TF-IDF + LR) |", "|---|---|---|"]
    lines += [f"| {key} | {bot[key]:.4f} | {theirs[key]:.4f} |" for key in bot]
    return lines


def parse_all(model: Path, texts: list[str]) -> list[dict]:
    """Rasa's parse of each message by the trained NLU model."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # not one debug line per message
    agent = Agent.load(str(model))

    async def parse() -> list[dict]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(parse())


def configured_threshold(config: Path) -> float:
    """AnswerVote's not_covered_below for the FAQ in the pipeline (0 when unset)."""
    pipeline = yaml.safe_load(config.read_text(encoding="utf-8"))["pipeline"]
    for component in pipeline:
        if component["name"].endswith("AnswerVote") and component.get("retrieval_intent") == "faq":
            return float(component.get("not_covered_below", 0.0))
    return 0.0


def own_words_examples() -> list[Message]:
    """The held-out FAQ examples of the 20 % split (our own words), each with its answer."""
    return [
        e
        for e in load_data(str(SPLIT / "test.yml")).intent_examples
        if e.get(INTENT) == "faq" and e.get(INTENT_RESPONSE_KEY)
    ]


def real_figures(model: Path, baseline: Baseline, questions_file: Path, config: Path) -> list[str]:
    """Bot and baseline on each labelled sample of the real questions, each reported
    on its own (results/real/ for the development labels, results/real/held_out/)."""
    questions = questions_file.read_bytes()
    samples = []
    for labels_file, out, title in REAL_SAMPLES:
        text = labels_file.read_text(encoding="utf-8")
        labels = real_questions.read_labels(text)
        texts = real_questions.join_questions(labels, questions, real_questions.checksum_of(text))
        samples.append((labels, texts, out, title))
    real_questions.check_apart({out.name: labels for labels, _, out, _ in samples})
    own = own_words_examples()
    # One model load for everything: each sample's questions, then our own words.
    parsed = iter(
        parse_all(
            model, [t for _, texts, _, _ in samples for t in texts] + [e.get(TEXT) for e in own]
        )
    )
    per_sample = [[next(parsed) for _ in texts] for _, texts, _, _ in samples]
    own_parsed = list(parsed)
    # What each threshold costs on our own words: the same column in every sample's table.
    own_bot = [real_questions.label_of_parse(p) for p in own_parsed]
    own_tops = [real_questions.top_answer(p) for p in own_parsed]
    own_gold = [e.get(INTENT_RESPONSE_KEY) for e in own]
    own_words = {
        t: real_questions.held_out_accuracy(own_gold, own_bot, own_tops, t) for t in THRESHOLDS
    }
    configured = configured_threshold(config)
    lines = []
    for (labels, texts, out, title), mine in zip(samples, per_sample, strict=True):
        bot, theirs = [real_questions.label_of_parse(p) for p in mine], baseline.predict(texts)
        tops = [real_questions.top_answer(p) for p in mine]
        figures = real_questions.sample_figures(labels, bot, theirs, tops, own_words)
        heading = (
            f"Real customers' questions, {title}"
            f" ({len(labels)} labelled lines of {questions_file.name})"
        )
        report = real_questions.report(heading, figures, configured)
        out.mkdir(parents=True, exist_ok=True)
        (out / "real_questions.md").write_text("\n".join(report) + "\n", encoding="utf-8")
        (out / "real_questions.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
        (out / "predictions.tsv").write_text(
            real_questions.predictions_tsv(labels, bot, theirs), encoding="utf-8"
        )
        lines += ["", *report]
    return lines


def form_figures() -> list[str]:
    """The report conversation through the real servers, failures printed as they come."""
    from evaluation import form_runner  # starts servers: only imported when asked for

    print("==> report conversation: answer matrix and whole reports (real servers)")
    held_out = form_runner.HELD_OUT_MATRIX_FILE
    lines = form_runner.measure(
        form_runner.current_model(), held_out=held_out if held_out.exists() else None
    )
    return ["", "## Report conversation (real servers, current model)", "", "```", *lines, "```"]


def write_report(figures: dict, baseline: dict, extra: list[str]) -> None:
    lines = [
        f"# NLU evaluation (held-out 20 %, seed {SEED})",
        "",
        "| figure | bot | target | baseline (TF-IDF + LR) |",
        "|---|---|---|---|",
    ]
    for key, target in TARGETS.items():
        mark = "met" if figures[key] >= target else "MISSED"
        versus = "bot ahead" if figures[key] > baseline[key] else "BASELINE AHEAD"
        lines.append(
            f"| {key} | {figures[key]:.4f} | ≥ {target} ({mark}) | {baseline[key]:.4f} ({versus}) |"
        )
    lines += [
        "",
        f"NLU training on the 80 % split: {figures['nlu_training_seconds']} s.",
        "",
        "Rasa's detailed reports and confusion matrices: `results/nlu/`.",
        *extra,
    ]
    (RESULTS / "evaluation.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (RESULTS / "evaluation.json").write_text(
        json.dumps({**figures, "baseline": baseline}, indent=2), encoding="utf-8"
    )
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default="config.yml", help="pipeline to evaluate")
    parser.add_argument(
        "--reuse-split",
        action="store_true",
        help="keep results/split from the last run (compare pipelines)",
    )
    parser.add_argument(
        "--real",
        type=Path,
        help="real customers' questions, one a line, labelled in evaluation/real_labels*.tsv",
    )
    parser.add_argument(
        "--forms",
        action="store_true",
        help="also measure the report conversation through the real servers",
    )
    args = parser.parse_args()
    if args.real and not args.real.is_file():
        parser.error(f"--real {args.real}: no such file (the real questions are not in the repo)")
    if args.reuse_split:
        train_file, test_file = SPLIT / "train.yml", SPLIT / "test.yml"
    else:
        train_file, test_file = split_data()
    model_dir = RESULTS / "model"
    shutil.rmtree(model_dir, ignore_errors=True)
    started = time.monotonic()
    rasa(
        "train",
        "nlu",
        "--config",
        args.config,
        "--nlu",
        str(train_file),
        "--domain",
        "domain.yml",
        "--out",
        str(model_dir),
        "--fixed-model-name",
        "evaluation",
    )
    train_seconds = time.monotonic() - started
    rasa(
        "test",
        "nlu",
        "--model",
        str(model_dir / "evaluation.tar.gz"),
        "--nlu",
        str(test_file),
        "--out",
        str(RESULTS / "nlu"),
    )
    model = model_dir / "evaluation.tar.gz"
    baseline = Baseline(train_file)  # fitted once, scored on both question sets
    extra = []
    for path, folder, title in QUESTION_SETS:
        if path.exists():
            extra += question_set_figures(model, baseline, path, folder, title)
    if args.real:
        extra += real_figures(model, baseline, args.real, ROOT / args.config)
    if args.forms:
        extra += form_figures()
    write_report(summarise(train_seconds), baseline.figures(test_file), extra)


if __name__ == "__main__":
    main()
