"""The names the code shares with domain.yml: intents, actions, slots, entities and the keys the NLU
router adds to an intent. Defined once here; tests/test_domain.py ties each to the domain.

Plain strings, so both servers import them: the NLU components (assistant/nlu/) and the actions.
"""

from __future__ import annotations

# Intents
GREET = "greet"
GOODBYE = "goodbye"
THANKS = "thanks"
HELP = "help"
BOT_CHALLENGE = "bot_challenge"
OUT_OF_SCOPE = "out_of_scope"
TELL_ME_MORE = "tell_me_more"
FAQ = "faq"  # the retrieval intent: faq/<topic>
ASK_TOOL_INFO = "ask_tool_info"
ASK_TOOL_ATTRIBUTE = "ask_tool_attribute"
LIST_TOOLS = "list_tools"
COMPARE_TOOLS = "compare_tools"
ASK_ALTERNATIVES = "ask_alternatives"
WHAT_ABOUT = "what_about"
CHOOSE_OPTION = "choose_option"
RECOMMEND_TOOL = "recommend_tool"
INFORM = "inform"
AFFIRM = "affirm"
DENY = "deny"
SKIP = "skip"
STOP = "stop"
FALLBACK = "nlu_fallback"  # Rasa's FallbackClassifier's intent, not the domain's

# Actions
ACTION_TOOL_INFO = "action_tool_info"
ACTION_TOOL_ATTRIBUTE = "action_tool_attribute"
ACTION_LIST_TOOLS = "action_list_tools"
ACTION_COMPARE_TOOLS = "action_compare_tools"
ACTION_TOOL_ALTERNATIVES = "action_tool_alternatives"
ACTION_WHAT_ABOUT = "action_what_about"
ACTION_CHOOSE_OPTION = "action_choose_option"
ACTION_RECOMMEND_TOOL = "action_recommend_tool"
ACTION_TELL_ME_MORE = "action_tell_me_more"
ACTION_NOTE_TOOLS = "action_note_tools"
UTTER_FAQ = "utter_faq"  # the retrieval intent's response action

# Slots
TOOLS_SLOT = "tools"
SHOWN_SLOT = "shown_tools"
MORE_SLOT = "more_tools"
LAST_QUESTION_SLOT = "last_question"
TOPIC_SLOT = "topic"
CATEGORY_SLOT = "recommend_category"
OPEN_SOURCE_SLOT = "recommend_open_source"
HOSTING_SLOT = "recommend_hosting"
OWN_TOOLS_SLOT = "own_tools"

# Entities
TOOL_ENTITY = "tool"
CATEGORY_ENTITY = "category"
OPTION_ENTITY = "option"
OWN_TOOL_ENTITY = "own_tool"  # a tool the asker says they use: fills OWN_TOOLS_SLOT (domain.yml)

# Keys the NLU router adds to a message's intent, read by the actions
ROUTED_FROM = "routed_from"  # the intent NLU's classifiers gave, when the router changed it
ROUTED_CATEGORY = "category"  # the category of a request for tools that names none (its meaning, its topic)
# Key the NLU router adds to a message: {"focus": the part that asks, with slips in ordinary words put
# right; "written": the same as the user wrote it, where names are read; "text": the whole message,
# corrected; "tools": the tools it names; "context": tools named only in the background of a long
# message, in order of mention}
SUBJECTS = "subjects"
# Key the attribute classifier adds to a message: {"name": the fact about a tool it asks for, "confidence"}
LEARNED_ATTRIBUTE = "attribute"
