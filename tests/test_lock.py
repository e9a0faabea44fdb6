"""The lock (requirements/lock.txt) is what pyproject.toml asks for: every direct
dependency, test extra and resolver constraint pinned, within its declared range."""

import re
from pathlib import Path

import pytest
import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK_TEXT = (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8")
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)\s*$")


def pins(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"not an exact pin: {line!r}"
        found[canonicalize_name(match["name"])] = match["version"]
    return found


LOCKED = pins(LOCK_TEXT)
DIRECT = [
    *PYPROJECT["project"]["dependencies"],
    *(req for extra in PYPROJECT["project"]["optional-dependencies"].values() for req in extra),
]
RESOLVER_PINS = [
    *PYPROJECT["tool"]["uv"]["constraint-dependencies"],
    *PYPROJECT["tool"]["uv"]["override-dependencies"],
]


def unmet(requirements: list[str], locked: dict[str, str]) -> list[str]:
    problems = []
    for text in requirements:
        requirement = Requirement(text)
        version = locked.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement.name} is not in the lock")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}=={version} is outside {requirement.specifier}")
    return problems


@pytest.mark.parametrize("requirement", DIRECT + RESOLVER_PINS)
def test_the_lock_pins_every_declared_dependency_within_its_range(requirement):
    assert unmet([requirement], LOCKED) == []


def test_the_lock_says_how_it_was_made():
    assert "scripts/lock.sh" in LOCK_TEXT.splitlines()[1]


def test_a_lock_that_drifted_from_pyproject_is_caught():
    drifted = dict(LOCKED)
    drifted["sqlalchemy"] = "2.0.30"
    del drifted["rasa"]
    assert unmet(DIRECT, drifted) == [
        "rasa is not in the lock",
        "SQLAlchemy==2.0.30 is outside <1.5,>=1.4",
    ]
