"""The business core: plain Python over plain dataclasses, no Rasa and no database."""
