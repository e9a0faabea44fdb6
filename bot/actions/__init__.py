"""Rasa custom actions: thin adapters between the tracker and the business core."""
