"""Rasa's own test stories (tests/stories): FAQ answers and the basics, end to end
through the trained model (NLU and dialogue policies together)."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_every_test_story_passes(model_path, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "test",
            "core",
            "--model",
            str(model_path),
            "--stories",
            "tests/stories",
            "--out",
            str(tmp_path),
            "--no-plot",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    failed = (tmp_path / "failed_test_stories.yml").read_text(encoding="utf-8")
    stories = (yaml.safe_load(failed) or {}).get("stories") or []
    assert stories == [], failed[:5000]
