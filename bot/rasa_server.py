"""A Rasa server of ours: Rasa's own command line, with our patches to Rasa
(bot/rasa_patches.py) installed first.

    python -m bot.rasa_server run --model models/… --credentials credentials.yml …

The launcher starts every Rasa server so (``make run``, the cluster, the tests),
through ``bot.quiet``. The patches refuse to install on a Rasa version they
were not written for, so such a server stops here, before it loads anything.
The action server never imports this.
"""

from __future__ import annotations

from rasa.__main__ import main as rasa_main

from bot import rasa_patches


def main() -> None:
    rasa_patches.install()
    rasa_main()


if __name__ == "__main__":
    main()
