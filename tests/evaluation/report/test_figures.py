"""The report's figures and page from Rasa's events: pseudonyms, texts left out, the page's parts."""

from __future__ import annotations

from evaluation.report import figures, html
from evaluation.report.analysis import OUTCOMES
from tests.evaluation.report.events import T0, bot, session, user

INTENTS = ["greet", "ask_tool_info", "faq"]
EVENTS = {
    "sms:+15550001234": session(T0)
    + [
        user("<script>alert(1)</script> what is zorbulator", "ask_tool_info", T0 + 1, confidence=0.3),
        bot("utter_tool_unknown", T0 + 1.1, query="zorbulator"),
    ],
    "5f0c2b1e9a": session(T0) + [user("hi", "greet", T0 + 2, channel="cmdline"), bot("utter_greet", T0 + 2.2)],
}


def test_pseudonyms_keep_the_channel_and_depend_on_the_key_only():
    one = figures.pseudonym("sms:+15550001234", b"a")
    assert one == figures.pseudonym("sms:+15550001234", b"a")
    assert one != figures.pseudonym("sms:+15550001234", b"b")
    assert one.startswith("sms:") and "5550001234" not in one


def test_the_figures_count_every_channel_and_outcome():
    report = figures.build(EVENTS, INTENTS, b"k")
    assert report["channels"] == {
        "shell": {"conversations": 1, "messages": 1, "users": 1},
        "sms": {"conversations": 1, "messages": 1, "users": 1},
    }
    assert set(report["outcomes"]) == set(OUTCOMES) and report["outcomes"]["unknown_tool"] == 1
    assert report["answered_share"] == 0.0 and report["failed_share"] == 0.5
    assert report["inbox"][0]["conversation"] == figures.pseudonym("sms:+15550001234", b"k")


def test_aggregates_only_keeps_the_counts_and_no_text():
    report = figures.build(EVENTS, INTENTS, b"k", aggregates_only=True)
    assert report["unknown_tools"] == [{"name": "zorbulator", "count": 1, "example": None}]
    assert [i["text"] for i in report["inbox"]] == [None]
    page = html.render(report, {"store": "s", "period": "p", "generated": "g", "aggregates_only": True, "key": "k"})
    assert "what is zorbulator" not in page and "message texts are left out" in page


def test_the_page_has_every_plot_and_shows_texts_as_text():
    report = figures.build(EVENTS, INTENTS, b"k")
    page = html.render(
        report, {"store": "sqlite:///x.db", "period": "p", "generated": "g", "aggregates_only": False, "key": "k"}
    )
    for name in html.PLOTS:
        assert f'id="plot-{name}"' in page
    assert page.count("data:image/svg+xml;base64,") == len(html.PLOTS)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; what is zorbulator" in page
    assert "sqlite:///x.db" in page


def test_an_empty_store_still_draws_every_plot():
    report = figures.build({}, INTENTS, b"k")
    page = html.render(report, {"store": "s", "period": "p", "generated": "g", "aggregates_only": False, "key": "k"})
    assert page.count("data:image/svg+xml;base64,") == len(html.PLOTS)
    assert report["totals"]["conversations"] == 0


def test_a_long_inbox_is_cut_on_the_page_and_says_where_the_rest_is():
    many = {
        f"rest:u{n}": session(T0) + [user(f"message number {n} zz", "greet", T0 + n, confidence=0.2)]
        for n in range(html.ROWS + 5)
    }
    report = figures.build(many, INTENTS, b"k")
    assert len(report["inbox"]) == html.ROWS + 5
    page = html.render(report, {"store": "s", "period": "p", "generated": "g", "aggregates_only": False, "key": "k"})
    assert page.count(" zz</td>") == html.ROWS and f"The first {html.ROWS} shown" in page
