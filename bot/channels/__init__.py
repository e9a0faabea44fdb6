"""Input channels: how customers' messages reach the Rasa server.

Every Rasa server of ours imports this package (credentials.yml names our
channels), so it is also where Rasa's own behaviour is adjusted: see
``bot.rasa_patches``.
"""

from bot import rasa_patches

rasa_patches.install()
