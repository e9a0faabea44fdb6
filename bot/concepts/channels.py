"""The names of our input channels, as Rasa stores them on each message
(``tracker.get_latest_input_channel()``, an event's ``input_channel``).

The actions ask which channel a customer came on without importing a channel.
"""

from __future__ import annotations

REST_CHANNEL = "rest"
WECHAT_CHANNEL = "wechat"
# Photo uploads (bot.channels.photos): not where a customer types.
PHOTO_CHANNEL = "photos"
