"""Car-insurance questions the bot does not answer (issue 14), no Rasa import.

The FAQ selector has answer keys for them (``faq/not_covered`` and
``faq/not_covered_<topic>``, trained on our own examples in
bot/data/nlu/faq.yml): each says plainly that the bot cannot answer exactly,
gives the nearest thing it can and offers a person. ``faq/not_covered`` is
also the answer when the best answer's confidence is under the threshold set
in config.yml (AnswerVote's ``not_covered_below``), chosen on the labelled
real questions: ``make evaluate REAL=…`` prints what each threshold costs.
"""

NOT_COVERED = "faq/not_covered"


def is_not_covered(answer_key: str | None) -> bool:
    """Whether an answer key is one of the "I cannot answer that" answers."""
    return bool(answer_key) and (
        answer_key == NOT_COVERED or answer_key.startswith(NOT_COVERED + "_")
    )


def answer_or_not_covered(
    answer_key: str, confidence: float, threshold: float, not_covered_key: str = NOT_COVERED
) -> str:
    """The answer to give: the best one, or "not covered" when it is not sure enough."""
    if confidence < threshold and not is_not_covered(answer_key):
        return not_covered_key
    return answer_key
