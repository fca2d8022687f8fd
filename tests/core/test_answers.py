"""core.answers: the names of the responses practice answers are sent with."""

from core import answers


def test_a_practice_answers_response_names_its_topic_and_its_longer_version():
    assert answers.practice_answer("data_drift") == "utter_faq/data_drift"
    assert answers.longer_practice_answer("data_drift") == "utter_more_data_drift"
    assert answers.practice_topic(answers.practice_answer("data_drift")) == "data_drift"
    assert answers.practice_topic(answers.longer_practice_answer("data_drift")) == "data_drift"
    assert answers.practice_topic(answers.SUMMARY_OPEN) is None
