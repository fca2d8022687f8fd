"""The NLU data generated from the base must match the base: nothing is kept twice by hand."""
from actions.kb import nlu_export
from actions.kb.loader import load_knowledge_base


def test_generated_nlu_is_up_to_date():
    assert nlu_export.write(load_knowledge_base(), check=True) == [], "run `make kb-nlu` and commit the result"


def test_every_name_and_alias_is_in_the_lookup_table():
    kb = load_knowledge_base()
    text = nlu_export.render(kb)
    for tool in kb.tools:
        for form in tool.surface_forms:
            assert f"- {form}\n" in text
