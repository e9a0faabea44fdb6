"""A quiet start: known third-party deprecation noise hidden, real warnings kept.

Rasa 3.6 on Python 3.11 with its pinned libraries prints screens of
DeprecationWarnings while it imports (TensorFlow's ``sre_constants``,
``pkg_resources`` and its ``declare_namespace``, Click, pyparsing, distutils
versions, Rasa's own argparse groups …). None of them is ours to fix, and they
bury what matters. ``install()`` drops a DeprecationWarning or
PendingDeprecationWarning (or a subclass, such as pyparsing's) whose location
is an installed package's file, and nothing else: a deprecation in ``bot/`` or
``scripts/``, a UserWarning or RuntimeWarning from anywhere, and every log
record still show.

It works where the warning is shown, not through ``warnings.filterwarnings``:
libraries reset the filters while they import (Sanic puts "once" for every
DeprecationWarning in front of them).

``python -m bot.quiet MODULE ARGS…`` runs ``python -m MODULE ARGS…`` with it
installed (train_if_needed.py trains and the launcher starts the servers so).
"""

from __future__ import annotations

import runpy
import sys
import warnings
from pathlib import PurePath

_DEPRECATIONS = (DeprecationWarning, PendingDeprecationWarning)
_INSTALLED = frozenset({"site-packages", "dist-packages"})


def is_noise(category: type[Warning], filename: str) -> bool:
    """A deprecation raised in an installed package's code (its location after stacklevel)."""
    return issubclass(category, _DEPRECATIONS) and not _INSTALLED.isdisjoint(
        PurePath(filename).parts
    )


def install() -> None:
    """Hide the known noise in this process, from now on."""
    show = warnings.showwarning
    if getattr(show, "hides_noise", False):
        return

    def showwarning(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
        if not is_noise(category, filename):
            show(message, category, filename, lineno, file, line)

    showwarning.hides_noise = True
    warnings.showwarning = showwarning


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit("usage: python -m bot.quiet MODULE [ARGS…]")
    install()
    sys.argv = list(argv)
    runpy.run_module(argv[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
