"""Car-insurance questions the bot does not answer (issue 14), no Rasa import.

The FAQ selector has answer keys for them (``faq/not_covered`` and
``faq/not_covered_<topic>``, trained on our own examples in
bot/data/nlu/faq.yml and faq_customer_wording.yml): each says plainly that the
bot cannot answer exactly, gives the nearest thing it can and offers a person.

Which to give is decided on the whole vote, not on the best answer's
confidence alone: an uncovered question spreads its votes over several
not-covered keys (a price, another city, the general one …), none of which
need win, while together they outweigh the best real answer. So the best real
answer is given only when its *share* — its score against itself plus every
not-covered key's score — reaches ``not_covered_below`` (AnswerVote, config.yml);
otherwise the best-scored not-covered key answers. The threshold is chosen on
the labelled real questions: ``make evaluate REAL=…`` prints what each costs.
"""

NOT_COVERED = "faq/not_covered"


def is_not_covered(answer_key: str | None) -> bool:
    """Whether an answer key is one of the "I cannot answer that" answers."""
    return bool(answer_key) and (
        answer_key == NOT_COVERED or answer_key.startswith(NOT_COVERED + "_")
    )


def best_answer(ranking: list[tuple[str, float]]) -> tuple[str, float] | None:
    """The best real (not "not covered") answer of a vote and its share against
    all not-covered keys together; None when the ranking has no real answer."""
    answers = [(key, score) for key, score in ranking if not is_not_covered(key)]
    if not answers:
        return None
    key, score = max(answers, key=lambda pair: pair[1])
    against = sum(score for key, score in ranking if is_not_covered(key))
    return key, (score / (score + against) if score + against > 0 else 0.0)


def answer_or_not_covered(
    ranking: list[tuple[str, float]], threshold: float, not_covered_key: str = NOT_COVERED
) -> str:
    """The answer to give from a vote (answer key, score): the best real answer when
    its share reaches ``threshold``, else the best-scored not-covered key."""
    best = best_answer(ranking)
    if best is not None and best[1] >= threshold:
        return best[0]
    unsure = [(key, score) for key, score in ranking if is_not_covered(key)]
    return max(unsure, key=lambda pair: pair[1])[0] if unsure else not_covered_key
