"""Reference models of the product rules, written from SPEC.md and the client's procedure,
never from ``toolkit/``'s code: each rule is one short, named function, so that a rule that
changes (see the "Decided 2026-12-06" notes in the docstrings) is changed in one place.

The tests compare them with the real library calls and the CLI on random registers
(``registers.py`` builds them with hypothesis and writes real .xlsx files).
"""
