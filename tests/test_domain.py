"""Names the code and the domain share must agree."""

import re
from pathlib import Path

import yaml

from assistant.channels import guard
from core import answers

ROOT = Path(__file__).resolve().parents[1]


def domain_responses():
    responses = dict(yaml.safe_load((ROOT / "domain.yml").read_text())["responses"])
    for path in (ROOT / "data" / "responses").glob("*.yml"):
        responses.update(yaml.safe_load(path.read_text()).get("responses", {}))
    return responses


def test_every_response_the_core_names_is_in_the_domain():
    names = {v for k, v in vars(answers).items() if k.isupper() and isinstance(v, str) and v.startswith("utter_")}
    assert names and names <= set(domain_responses())


# Three concatenated GSM-7 segments: each loses 7 of its 160 characters to the concatenation header.
THREE_SMS_SEGMENTS = 3 * 153


def test_every_practice_answer_fits_three_sms_segments_and_has_a_longer_version():
    responses = domain_responses()
    topics = [name.split("/", 1)[1] for name in responses if name.startswith("utter_faq/")]
    assert len(topics) >= 110
    for topic in topics:
        short = responses[f"utter_faq/{topic}"][0]["text"]
        assert len(short) <= THREE_SMS_SEGMENTS, (topic, len(short))
        assert f"utter_more_{topic}" in responses, topic


def test_every_short_practice_answer_names_its_source_or_says_it_is_general_practice():
    responses = domain_responses()
    unsourced = [
        name
        for name, variants in responses.items()
        if name.startswith("utter_faq/")
        and not re.search(r"\((?:Sources?: [^)]+|General practice[^)]*)\)", variants[0]["text"])
        and "the rest is general practice" not in variants[0]["text"]
    ]
    assert unsourced == []


def actions_in_rules_and_stories():
    used = set()
    for path in list((ROOT / "data" / "rules").glob("*.yml")) + list((ROOT / "data" / "stories").glob("*.yml")):
        data = yaml.safe_load(path.read_text())
        for block in data.get("rules", []) + data.get("stories", []):
            used |= {step["action"] for step in block.get("steps", []) if "action" in step}
    return used


def test_every_response_is_used_by_a_rule_a_story_or_an_action():
    responses = domain_responses()
    by_code = {
        v
        for module in (answers, guard)
        for k, v in vars(module).items()
        if k.isupper() and isinstance(v, str) and v.startswith("utter_")
    }
    forms = yaml.safe_load((ROOT / "domain.yml").read_text()).get("forms", {})
    form_questions = {f"utter_ask_{slot}" for form in forms.values() for slot in form["required_slots"]}
    used = actions_in_rules_and_stories() | by_code | form_questions
    topics = {name.split("/", 1)[1] for name in responses if name.startswith("utter_faq/")}
    unused = [
        name
        for name in responses
        if name not in used
        and not (name.startswith("utter_faq/") and "utter_faq" in used)
        and not (name.startswith("utter_more_") and name[len("utter_more_") :] in topics)
    ]
    assert unused == []


def test_every_action_that_reads_the_domain_is_sent_it():
    """endpoints.yml sends the domain only to actions marked `send_domain: true` (and to form
    validation); an action that read it without the mark would see an empty domain."""
    import inspect
    import re

    from rasa_sdk import Action

    import actions.actions as module

    declared = yaml.safe_load((ROOT / "domain.yml").read_text())["actions"]
    marked = {
        name
        for entry in declared
        if isinstance(entry, dict)
        for name, settings in entry.items()
        if (settings or {}).get("send_domain")
    }
    reading = set()
    for _, cls in inspect.getmembers(module, inspect.isclass):
        if issubclass(cls, Action) and not inspect.isabstract(cls) and cls.__module__ == module.__name__:
            sources = [inspect.getsource(c) for c in cls.__mro__ if c.__module__ == module.__name__]
            if any(re.search(r"\bdomain\s*(\.|\[)", source) for source in sources):
                reading.add(cls().name())
    assert "action_tell_me_more" in reading  # the check finds the one reader we know of
    assert {name for name in reading if not name.startswith("validate_")} <= marked


def _domain():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    # an action with settings is a one-key mapping ("action_tell_me_more: {send_domain: true}")
    domain["actions"] = [next(iter(a)) if isinstance(a, dict) else a for a in domain["actions"]]
    # and so is an entity with settings ("own_tool: {influence_conversation: false}")
    domain["entities"] = [next(iter(e)) if isinstance(e, dict) else e for e in domain["entities"]]
    return domain


def test_every_name_the_code_shares_with_the_domain_is_in_it():
    from core import names

    domain = _domain()
    known = {
        "intent": set(domain["intents"]),
        "action": set(domain["actions"]) | {"utter_faq"},  # the retrieval intent's action is Rasa's own
        "slot": set(domain["slots"]),
        "entity": set(domain["entities"]),
    }
    kinds = {"ACTION_": "action", "UTTER_": "action", "_SLOT": "slot", "_ENTITY": "entity"}
    # Rasa's intent; keys the NLU components add to a message
    not_the_domains = {"FALLBACK", "ROUTED_FROM", "ROUTED_CATEGORY", "SUBJECTS", "LEARNED_ATTRIBUTE"}
    for constant, value in vars(names).items():
        if not constant.isupper() or constant in not_the_domains:
            continue
        kind = next((k for part, k in kinds.items() if part in constant), "intent")
        assert value in known[kind], f"core.names.{constant} = {value!r} is no {kind} of domain.yml"


# Strings that look like names but are Rasa's own keys or a prefix.
NOT_NAMES = ("utter_more_", "utter_action", "action_name", "action_text")


def test_every_response_and_action_name_written_in_the_code_is_in_the_domain():
    import ast

    domain = _domain()
    known = set(domain_responses()) | set(domain["actions"]) | {"utter_faq"}
    for package in ("actions", "assistant", "core"):
        for source in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text())):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    value = node.value
                    if re.fullmatch(r"(?:utter|action)_[a-z_]+", value) and value not in NOT_NAMES:
                        assert value in known, f"{source.relative_to(ROOT)} names {value!r}, which domain.yml lacks"
