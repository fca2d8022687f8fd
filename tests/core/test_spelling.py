"""core.spelling: slips and shorthand in ordinary words put right, names and known words left alone."""

from __future__ import annotations

import functools

import pytest

from core.loader import default_knowledge_base
from core.resolver import common_words, rare_words
from core.spelling import OWN_WORD_USES, SURE_WORD_USES, SpellingNormaliser, shorthand, vocabulary, word_pairs

OWN_TEXTS = [
    "how do I detect data drift",
    "how do I detect drift in production",
    "compare mlflow and kubeflow",
    "compare them please",
    "compare the two tools",
    "what is the license of kserve",
    "tell me about the second one",
    "which libraries help with annotating text",
    "our company runs spark",
    "good libs for labelling images",
    "is it open source",
    "which one is best",
]


@functools.lru_cache(maxsize=None)
def normaliser() -> SpellingNormaliser:
    names = [name for tool in default_knowledge_base().tools for name in tool.surface_forms]
    own = dict.fromkeys(vocabulary(OWN_TEXTS), SURE_WORD_USES)  # words the data uses often
    own.update(trivia=1, semantic=OWN_WORD_USES, kubeflow=SURE_WORD_USES)  # once; now and then; a name
    return SpellingNormaliser(own, common_words() | rare_words(), names, own_pairs=word_pairs(OWN_TEXTS))


@pytest.mark.parametrize(
    "written, meant",
    [
        ("how to detcet data drift", "how to detect data drift"),  # a slip in a word the data uses
        ("tell me about the secnod one", "tell me about the second one"),
        ("is it licnese mit", "is it license mit"),
        ("compair them", "compare them"),  # "company" is as near; the assistant's own words win
        ("what els is there for anotating text", "what els is there for annotating text"),
        ("hw do u kno ur model is drifting", "how do you know your model is drifting"),  # shorthand
        ("gud libs for tagging imgs?", "good libs for tagging images?"),
        ("Detcet drift how?", "Detect drift how?"),  # a sentence's first word keeps its capital
        ("is it opne source", "is it open source"),  # "one" is as near; the data says "open source"
        ("ok compair the 2", "ok compare the 2"),  # and "compare the", never "company the"
        ("compair mlfow and spark", "compare mlfow and spark"),  # no neighbour decides: it sounds like "compare"
    ],
)
def test_slips_and_shorthand_in_ordinary_words_are_put_right(written: str, meant: str) -> None:
    assert normaliser().normalise(written) == meant


@pytest.mark.parametrize(
    "text",
    [
        "what is Superwise",  # capitalised inside a sentence: a name, whatever it is near
        "is WhyLabs any good for LLMs",  # capitals inside a word
        "what is zorbulator",  # near no word: perhaps a tool the base does not have
        "k8s or ecs for 3 models",  # digits: a name or a number
        "is it open source",  # known words, however rare they look
        "what does GPU mean",  # an acronym
        "hello. Hopsworks or Feast?",  # a capital after a sentence: still a name
        "trivoxa?",  # near "trivia", which the data uses once: an unknown name, not a slip
        "how does kubeflux work",  # near a tool's name: the resolver's to read, never corrected into it
    ],
)
def test_names_known_words_and_numbers_are_left_as_written(text: str) -> None:
    assert normaliser().normalise(text) == text


def test_a_word_read_as_a_name_is_corrected_only_when_the_correction_is_sure() -> None:
    speller = normaliser()
    assert speller.normalise("sematic ml?", names={"sematic"}) == "sematic ml?"  # "semantic": not sure
    assert speller.normalise("sematic ml?") == "semantic ml?"
    assert speller.normalise("compair them pls", names={"compair"}) == "compare them please"  # sure
    assert speller.normalise("sematic compair pls", sure_only=True) == "sematic compare please"
    assert speller.normalise("compair them", keep={"compair"}) == "compair them"  # it named a tool found


def test_short_words_are_read_only_from_the_shorthand_lexicon() -> None:
    assert normaliser().correct_word("kne") is None  # three letters: too short to guess from spelling
    assert normaliser().correct_word("kno").meant == "know"


def test_the_shorthand_lexicon_is_lower_case_and_says_what_each_entry_means() -> None:
    lexicon = shorthand()
    assert lexicon["u"] == "you"
    assert all(key == key.lower() and value for key, value in lexicon.items())
    assert not set(lexicon) & {"np", "prod", "env", "cos"}  # names and jargon stay as written


def test_only_words_the_data_uses_often_enough_are_corrections() -> None:
    own = {"mlops": OWN_WORD_USES, "drfit": 1, "drift": OWN_WORD_USES - 1}  # "drfit": a slip in one example
    speller = SpellingNormaliser(own, frozenset(), english=())
    assert speller.normalise("mlosp drfit") == "mlops drfit"  # "drfit" is the data's own: known
    assert speller.normalise("drif") == "drif"  # "drift" is too rare in this data to land on


def test_word_pairs_count_neighbours_in_lower_case() -> None:
    assert word_pairs(["Open source, open SOURCE", "is it"]) == {"open source": 2, "source open": 1, "is it": 1}


def test_the_vocabulary_counts_lower_case_words() -> None:
    assert vocabulary(["Drift, drift!", "what's it"]) == {"drift": 2, "what's": 1, "it": 1}


def test_a_word_nearer_to_a_tool_name_than_to_its_correction_is_left_to_the_resolver() -> None:
    names = [name for tool in default_knowledge_base().tools for name in tool.surface_forms]
    own = {"feature": SURE_WORD_USES, "detect": SURE_WORD_USES}
    speller = SpellingNormaliser(own, common_words() | rare_words(), names)
    assert speller.normalise("weights and bias vs nepture") == "weights and bias vs nepture"  # Neptune, one slip
    assert speller.normalise("how to detcet it") == "how to detect it"  # no name is as near


def test_a_dictated_word_that_sounds_like_the_one_the_data_says_after_its_neighbour_is_that_word() -> None:
    names = [name for tool in default_knowledge_base().tools for name in tool.surface_forms]
    texts = ["is it open source"] * SURE_WORD_USES + ["how does model serving work"] * SURE_WORD_USES
    speller = SpellingNormaliser(vocabulary(texts), common_words() | rare_words(), names, own_pairs=word_pairs(texts))
    assert speller.normalise("is stream lit open sores") == "is stream lit open source"
    assert speller.normalise("what is model surfing") == "what is model serving"
    assert speller.normalise("is it open source") == "is it open source"
    assert speller.normalise("open the sores") == "open the sores"  # not after "open"


def test_two_words_the_data_uses_side_by_side_run_together_are_those_words() -> None:
    names = [name for tool in default_knowledge_base().tools for name in tool.surface_forms]
    texts = ["is it open source"] * OWN_WORD_USES + ["can we self host it"] * OWN_WORD_USES + ["the model is slow"] * 9
    speller = SpellingNormaliser(vocabulary(texts), common_words() | rare_words(), names, own_pairs=word_pairs(texts))
    assert speller.normalise("selfhost?") == "self host?"
    assert speller.normalise("alternatives which are opensorce") == "alternatives which are open source"  # and a slip
    assert speller.normalise("what is modelforge") == "what is modelforge"  # "model forge": no pair the data uses
    assert speller.normalise("is it open source") == "is it open source"
