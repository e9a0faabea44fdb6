"""Input channels: how customers' messages reach the Rasa server."""
