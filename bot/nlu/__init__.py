"""Chinese language understanding: text normalisation, structured entities, Rasa components."""
