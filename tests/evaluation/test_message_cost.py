"""Reading a message takes time in proportion to its length, whatever its shape: each adversarial
shape of evaluation/message_cost.py at 500 and at 2,000 characters through every reader of the router
and of core.message. Ratios of the least CPU time of several reads, not absolute times."""

from __future__ import annotations

import re

import pytest

from core.resolver import default_resolver
from evaluation.message_cost import GROWTH_LIMIT, LONG, SHORT, growth_of, read_all, shapes

SHAPES = shapes(SHORT)


def test_every_shape_has_the_lengths_it_says():
    assert len(SHAPES) >= 15
    for length in (SHORT, LONG):
        assert {name: len(text) for name, text in shapes(length).items()} == dict.fromkeys(SHAPES, length)


@pytest.mark.parametrize("name", list(SHAPES))
def test_reading_grows_linearly_with_length(name):
    default_resolver()  # built before timing
    measured = growth_of(read_all, SHAPES[name], shapes(LONG)[name])
    assert measured["ratio"] <= GROWTH_LIMIT, (name, measured)


def quadratic(text: str) -> object:
    """A reader that backtracks: `a*b` tried at every position of a run of a's."""
    return re.search(r"a*b", text)


def test_the_measure_catches_a_reader_that_grows_with_the_square_of_the_length():
    measured = growth_of(quadratic, "a" * SHORT, "a" * LONG)
    assert measured["ratio"] > GROWTH_LIMIT, measured


def test_a_long_number_picks_no_option_and_costs_no_more_than_its_length():
    from core.message import chosen_option

    assert chosen_option("2" * 5000, 3) is None  # int() of 5,000 digits would raise
    assert chosen_option("option 2", 3) == 1
