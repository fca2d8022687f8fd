"""The NLU data generated from the base must match the base: nothing is kept twice by hand."""

from core import nlu_export
from core.loader import load_knowledge_base


def test_generated_nlu_is_up_to_date():
    assert nlu_export.write(load_knowledge_base(), check=True) == [], "run `make kb-nlu` and commit the result"


def test_every_name_and_alias_is_in_the_lookup_table():
    kb = load_knowledge_base()
    text = nlu_export.render(kb)
    for tool in kb.tools:
        for form in tool.surface_forms:
            assert f"- {form}\n" in text


def test_no_text_is_a_synonym_of_two_values():
    """Rasa's synonyms ignore the entity type, so one text with two values would make one of them
    wrong (and Rasa warns "inconsistent entity synonyms" at every training)."""
    import yaml

    values = {}
    for entry in yaml.safe_load(nlu_export.render(load_knowledge_base()))["nlu"]:
        if "synonym" in entry:
            for line in entry["examples"].splitlines():
                values.setdefault(line[2:].lower(), set()).add(entry["synonym"])
    assert {text: found for text, found in values.items() if len(found) > 1} == {}
