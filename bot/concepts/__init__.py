"""The project's shared vocabulary: one module per concept, imported by every layer.

Plates, policy and report numbers (identifiers), provinces, money as the
customer reads it, hand-off ticket statuses and the local time zone each have
exactly one definition here, so the NLU, the rules, the database and the
console cannot drift apart. These modules sit below everything else: they
import nothing from ``bot`` but each other.
"""
