"""Train the Rasa model only when its inputs changed; print the model's path.

The model is named after a hash of everything that shapes it (config,
domain, training data, our NLU components and the locked versions of the
packages that train it), so an unchanged checkout reuses
``models/bot-<hash>.tar.gz`` instead of retraining.
"""

import argparse
import hashlib
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ["config.yml", "domain.yml"]
INPUT_DIRS = ["bot/data", "bot/nlu"]
# Only these locked packages change what training produces; adding a test
# tool to the lock must not force a retrain.
MODEL_PACKAGES = (
    "rasa",
    "tensorflow",
    "spacy",
    "jieba",
    "opencc",
    "cn2an",
    "numpy",
    "scikit-learn",
    "scipy",
)
LOCK = "requirements/lock.txt"
KEEP_MODELS = 3


def input_files() -> list[Path]:
    files = [ROOT / name for name in INPUTS]
    for folder in INPUT_DIRS:
        files += [
            p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ]
    return sorted(files)


def inputs_hash() -> str:
    digest = hashlib.sha256()
    for path in input_files():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    for line in (ROOT / LOCK).read_text(encoding="utf-8").lower().splitlines():
        if line.split("==")[0] in MODEL_PACKAGES:
            digest.update(line.encode())
    return digest.hexdigest()[:16]


def train(model_name: str, out: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "bot.quiet",  # third-party deprecation noise hidden (bot/quiet.py)
        "rasa",
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "bot/data",
        "--out",
        str(out),
        "--fixed-model-name",
        model_name,
    ]
    print(
        f"==> training {model_name}: its inputs changed (4–6 minutes on an idle machine)",
        file=sys.stderr,
        flush=True,
    )
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True, stdout=sys.stderr)
    print(f"==> trained {model_name} in {time.monotonic() - started:.0f} s", file=sys.stderr)


def prune(out: Path) -> None:
    models = sorted(out.glob("bot-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[KEEP_MODELS:]:
        old.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "models")
    args = parser.parse_args()
    model_name = f"bot-{inputs_hash()}"
    model = args.out / f"{model_name}.tar.gz"
    if model.exists():
        print(f"==> model up to date: {model.name}", file=sys.stderr)
    else:
        train(model_name, args.out)
        prune(args.out)
    print(model)


if __name__ == "__main__":
    main()
