"""A quiet start (bot/quiet.py): third-party deprecation noise is hidden, while our
own deprecations and every other warning still show."""

import subprocess
import sys
import textwrap
from pathlib import Path

from bot.quiet import is_noise

ROOT = Path(__file__).resolve().parents[1]


def stderr_of(*args: str, cwd: Path = ROOT, extra_path: Path | None = None) -> str:
    path = f"{ROOT}:{extra_path}" if extra_path else str(ROOT)
    done = subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env={"PYTHONPATH": path, "PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "2"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_a_deprecation_in_an_installed_package_is_noise_and_ours_is_not():
    installed = "/x/.venv/lib/python3.11/site-packages/tensorflow/python/debug/cli/common.py"
    assert is_noise(DeprecationWarning, installed)
    assert is_noise(PendingDeprecationWarning, "/usr/lib/python3/dist-packages/pkg_resources/a.py")
    assert not is_noise(DeprecationWarning, str(ROOT / "bot" / "settings.py"))
    assert not is_noise(UserWarning, installed)
    assert not is_noise(RuntimeWarning, installed)


def test_only_the_third_party_deprecations_are_hidden_even_after_a_library_resets_the_filters(
    tmp_path,
):
    packages = tmp_path / "site-packages"
    (packages / "noisy").mkdir(parents=True)
    (packages / "noisy" / "__init__.py").write_text(
        textwrap.dedent(
            """
            import warnings
            warnings.simplefilter("always")  # as Sanic does with "once" on import
            warnings.warn("noisy API is deprecated", DeprecationWarning)
            warnings.warn("noisy config looks wrong", UserWarning)
            """
        )
    )
    (tmp_path / "app.py").write_text(
        textwrap.dedent(
            """
            import warnings
            import noisy
            warnings.warn("our old helper is deprecated", DeprecationWarning)
            warnings.warn("something really went wrong", RuntimeWarning)
            """
        )
    )
    quiet = stderr_of("-m", "bot.quiet", "app", cwd=tmp_path, extra_path=packages)
    assert "noisy API is deprecated" not in quiet
    assert "noisy config looks wrong" in quiet
    assert "our old helper is deprecated" in quiet
    assert "something really went wrong" in quiet
    # Without bot.quiet, the noise is there.
    assert "noisy API is deprecated" in stderr_of("app.py", cwd=tmp_path, extra_path=packages)


def test_rasa_starts_without_its_deprecation_warnings():
    assert "DeprecationWarning" in stderr_of("-m", "rasa", "train", "--help")
    assert "DeprecationWarning" not in stderr_of("-m", "bot.quiet", "rasa", "train", "--help")
