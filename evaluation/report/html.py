"""The report as one self-contained HTML file: no script, no network; every plot an SVG drawn by
matplotlib, embedded as a base64 data URI (each its own document, so their ids cannot clash)."""

from __future__ import annotations

import base64
import io
from datetime import datetime, timezone
from html import escape
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from evaluation.report import analysis as a

ROWS = 300  # at most this many messages a table shows; the files hold them all
PLOTS = ("volume", "outcomes", "trend", "topics", "tools", "turns", "replies")
COLOURS = {
    a.PRACTICE: "#2b8a3e",
    a.TOOL: "#51cf66",
    a.FORM_QUESTION: "#94d82d",
    a.SMALL_TALK: "#adb5bd",
    a.REPHRASE: "#fab005",
    a.DID_YOU_MEAN: "#fd7e14",
    a.UNKNOWN_TOOL: "#e8590c",
    a.OUT_OF_SCOPE: "#c92a2a",
    a.FALLBACK: "#862e9c",
    a.UNAVAILABLE: "#212529",
    a.NO_ANSWER: "#495057",
}
CHANNEL_COLOURS = ["#1c7ed6", "#f76707", "#37b24d", "#ae3ec9", "#868e96", "#f59f00"]

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;color:#212529;
padding:0 1rem;line-height:1.4}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #dee2e6;padding-bottom:.2rem;margin-top:2.2rem}
.meta{color:#495057}.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.card{border:1px solid #dee2e6;border-radius:6px;padding:.6rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.6rem}figure{margin:1rem 0}figure img{max-width:100%;height:auto}
table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}td,th{border-bottom:1px solid #e9ecef;
padding:.25rem .6rem;text-align:left;vertical-align:top}th{background:#f8f9fa}td.n{text-align:right}
.note{color:#495057;font-size:.9rem}code{background:#f1f3f5;padding:0 .2rem}
"""


def _figure(draw: Callable[[Any], None], width: float = 9.0, height: float = 3.2) -> str:
    """An SVG of what `draw(figure)` draws, as a data URI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "report", "font.size": 9}):
        figure = plt.figure(figsize=(width, height))
        try:
            draw(figure)
            figure.tight_layout()
            buffer = io.BytesIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        finally:
            plt.close(figure)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _empty(axes: Any, message: str = "no data in this period") -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes, color="#868e96")
    axes.set_xticks([])
    axes.set_yticks([])


def _stacked_days(axes: Any, days: Dict[str, Dict[str, int]], keys: Sequence[str], colours: Dict[str, str]) -> None:
    labels = list(days)
    bottom = [0.0] * len(labels)
    for key in keys:
        values = [float(days[d].get(key, 0)) for d in labels]
        if any(values):
            axes.bar(labels, values, bottom=bottom, label=key, color=colours.get(key))
            bottom = [b + v for b, v in zip(bottom, values)]
    axes.tick_params(axis="x", labelrotation=45 if len(labels) > 6 else 0)


def plot_volume(report: Dict[str, Any]) -> str:
    channels = list(report["channels"])
    colours = dict(zip(channels, CHANNEL_COLOURS))

    def draw(figure: Any) -> None:
        for index, name in enumerate(("conversations", "messages", "users")):
            axes = figure.add_subplot(1, 3, index + 1)
            days = report["volume"][name]
            if days:
                _stacked_days(axes, days, channels, colours)
                axes.legend(fontsize=7)
            else:
                _empty(axes)
            axes.set_title(f"{name} per day")

    return _figure(draw, 10.5, 3.2)


def _barh(pairs: Sequence[Tuple[str, float]], title: str, colours: Optional[Sequence[str]] = None) -> str:
    def draw(figure: Any) -> None:
        axes = figure.add_subplot(1, 1, 1)
        if not pairs:
            _empty(axes)
        else:
            labels = [p[0] for p in pairs][::-1]
            values = [p[1] for p in pairs][::-1]
            axes.barh(labels, values, color=(list(colours)[::-1] if colours else "#1c7ed6"))
            for y, value in enumerate(values):
                axes.text(value, y, f" {value:g}", va="center", fontsize=8)
        axes.set_title(title)

    return _figure(draw, 9.0, max(2.0, 0.28 * len(pairs) + 1.0))


def plot_outcomes(report: Dict[str, Any]) -> str:
    pairs = [(a.OUTCOME_LABELS[o], n) for o, n in report["outcomes"].items() if n]
    colours = [COLOURS[o] for o, n in report["outcomes"].items() if n]
    return _barh(pairs, "turns by what they got", colours)


def plot_trend(report: Dict[str, Any]) -> str:
    trend = report["outcome_trend"]

    def draw(figure: Any) -> None:
        axes = figure.add_subplot(1, 1, 1)
        if not trend:
            _empty(axes)
            return
        shares = {
            day: {a.OUTCOME_LABELS[o]: n / max(1, sum(cells.values())) for o, n in cells.items()}
            for day, cells in trend.items()
        }
        labels = {a.OUTCOME_LABELS[o]: c for o, c in COLOURS.items()}
        _stacked_days(axes, shares, [a.OUTCOME_LABELS[o] for o in a.OUTCOMES], labels)
        axes.set_ylim(0, 1)
        axes.set_ylabel("share of the day's turns")
        axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
        axes.set_title("what turns got, per day")

    return _figure(draw, 10.0, 3.4)


def plot_counts(counts: Dict[str, int], title: str) -> str:
    return _barh(list(counts.items()), title)


def plot_turns(report: Dict[str, Any]) -> str:
    lengths = report["conversation_turns"]

    def draw(figure: Any) -> None:
        axes = figure.add_subplot(1, 1, 1)
        if not lengths:
            _empty(axes)
        else:
            counts = [int(n) for n in lengths]
            axes.bar(counts, list(lengths.values()), color="#1c7ed6")
            axes.set_xticks(counts if len(counts) <= 20 else counts[:: len(counts) // 20 + 1])
            axes.set_xlabel("user messages in the conversation")
            axes.set_ylabel("conversations")
        axes.set_title("turns per conversation")

    return _figure(draw, 6.0, 3.0)


def plot_replies(report: Dict[str, Any]) -> str:
    values = report["reply_seconds"]["values"]

    def draw(figure: Any) -> None:
        axes = figure.add_subplot(1, 1, 1)
        if not values:
            _empty(axes)
        else:
            axes.hist([v * 1000 for v in values], bins=40, color="#1c7ed6")
            axes.set_xlabel("reply time (ms), from the user's message to the last bot message")
            axes.set_ylabel("turns")
        axes.set_title("reply time")

    return _figure(draw, 6.0, 3.0)


def _table(headings: Sequence[str], rows: Iterable[Sequence[Any]], empty: str = "None in this period.") -> str:
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{escape(str(c))}</td>' if isinstance(c, (int, float)) else f"<td>{escape(str(c))}</td>"
            for c in row
        )
        + "</tr>"
        for row in rows
    )
    if not body:
        return f'<p class="note">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _percent(value: Optional[float]) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def _ms(value: Optional[float]) -> str:
    return "-" if value is None else f"{1000 * value:.0f} ms"


def _when(timestamp: Optional[float]) -> str:
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _img(name: str, uri: str, alt: str) -> str:
    return f'<figure><img class="plot" id="plot-{name}" alt="{escape(alt)}" src="{uri}"></figure>'


def render(report: Dict[str, Any], source: Dict[str, Any]) -> str:
    """The HTML page. `source`: {"store", "period", "generated", "aggregates_only", "key"}."""
    totals, outcomes, shares = report["totals"], report["outcomes"], report["outcome_shares"]
    texts = not source["aggregates_only"]
    cards = [
        ("conversations", totals["conversations"]),
        ("messages", totals["messages"]),
        ("users", totals["users"]),
        ("answered (practice or tool)", _percent(report["answered_share"])),
        ("didn't get that", _percent(shares[a.FALLBACK])),
        ("unknown tool", _percent(shares[a.UNKNOWN_TOOL])),
        ("median reply", _ms(report["reply_seconds"]["median"])),
    ]
    form = report["recommendation_form"]
    dym = report["did_you_mean"]
    replies = report["reply_seconds"]
    parts: List[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>MLOps assistant: conversation report</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>What people ask, and where the assistant fails</h1>",
        f'<p class="meta">Store <code>{escape(source["store"])}</code>, period {escape(source["period"])} '
        f"(messages from {_when(totals['first'])} to {_when(totals['last'])}); made {escape(source['generated'])}. "
        f"Sender ids are pseudonyms ({escape(source['key'])}); phone numbers, e-mail addresses and long "
        "digit runs in messages are masked"
        + ("; message texts are left out (aggregates only)." if not texts else ".")
        + "</p>",
        '<div class="cards">'
        + "".join(f'<div class="card"><b>{escape(str(v))}</b>{escape(k)}</div>' for k, v in cards)
        + "</div>",
        "<h2 id='volume'>Volume</h2>",
        _img("volume", plot_volume(report), "conversations, messages and users per day by channel"),
        _table(
            ["channel", "conversations", "messages", "users"],
            [(c, v["conversations"], v["messages"], v["users"]) for c, v in report["channels"].items()],
        ),
        '<p class="note">The channel is the prefix of the conversation id (<code>rest:</code>, <code>sms:</code>, '
        "<code>slack:</code>, <code>webchat:</code>); <code>shell</code> is <code>rasa shell</code> (an unprefixed "
        "id sent by Rasa's command line); unknown/legacy are unprefixed ids from before channels named them. "
        "A conversation is one session of a sender (a new one starts after 60 minutes of silence).</p>",
        "<h2 id='outcomes'>Outcomes</h2>",
        _img("outcomes", plot_outcomes(report), "turns by outcome"),
        _table(
            ["outcome", "turns", "share"],
            [(a.OUTCOME_LABELS[o], n, _percent(shares[o])) for o, n in outcomes.items() if n],
        ),
        '<p class="note">Each turn (a user message and the replies to it) counts once, as the first of: unknown '
        "tool, did you mean, didn't get that, out of scope, practice answer, tool answer, please rephrase (which "
        "tool? which kind? name two, pick a number), recommendation question, small talk; read from the response "
        "names Rasa records with every bot message.</p>",
        _img("trend", plot_trend(report), "outcome shares per day"),
        "<h2 id='asked'>What people ask</h2>",
        _img("topics", plot_counts(report["practice_topics"], "practice topics answered"), "practice topics"),
        _img("tools", plot_counts(report["tools"], "tools asked about"), "tools asked about"),
        "<h3>Kinds of tool question</h3>",
        _table(["kind", "answers"], report["question_kinds"].items()),
        "<h3>Category lists asked for</h3>",
        _table(["category", "lists"], report["categories"].items()),
        "<h3>Comparisons asked for</h3>",
        _table(["tools compared", "times"], report["comparisons"].items()),
        "<h2 id='unknown'>Unknown tools: the knowledge base's to-do list</h2>",
        _table(
            ["name", "times", "example message"] if texts else ["name", "times"],
            [
                (u["name"], u["count"], u["example"]) if texts else (u["name"], u["count"])
                for u in report["unknown_tools"]
            ],
        ),
        "<h2 id='did-you-mean'>Did you mean</h2>",
        f"<p>{dym['offers']} offers; an option was taken {dym['taken']} times.</p>",
        _table(["what happened next", "offers"], dym["then"].items()),
        _table(
            ["asked", "options", "then"] + (["message"] if texts else []),
            [
                (r["query"], ", ".join(r["options"]), r["then"]) + ((r["text"],) if texts else ())
                for r in dym["rows"][:ROWS]
            ],
        ),
        "<h2 id='form'>Recommendation form</h2>",
        _table(
            ["started", "finished with a recommendation", "left"],
            [(form["started"], form["finished"], form["left"])],
        ),
        _table(["left at question", "times"], form["left_at"].items(), "Nobody left the form."),
        '<p class="note">"-": left before any question was asked.</p>',
        "<h2 id='conversations'>Conversations</h2>",
        _img("turns", plot_turns(report), "turns per conversation"),
        f'<p>{report["ended_after_fallback"]} conversations ended right after a "didn\'t get that".</p>',
        _table(
            ["last turn got", "conversations"], [(a.OUTCOME_LABELS[o], n) for o, n in report["ended_after"].items()]
        ),
        "<h2 id='replies'>Reply time</h2>",
        _img("replies", plot_replies(report), "reply time histogram"),
        _table(
            ["", "median", "90th percentile", "99th percentile", "max"],
            [("all", _ms(replies["median"]), _ms(replies["p90"]), _ms(replies["p99"]), _ms(replies["max"]))]
            + [(c, _ms(v["median"]), _ms(v["p90"]), "", "") for c, v in replies["by_channel"].items()],
        ),
        '<p class="note">From the timestamp of the user\'s message to that of the last bot message of the turn, '
        "as the Rasa server recorded them: the server's own time, without the network or the channel's provider.</p>",
        "<h2 id='inbox'>Inbox</h2>",
        f"<p>{len(report['inbox'])} messages that fell back, got an intent below "
        f"{report['low_confidence']:.2f} confidence, or were said again in other words next: "
        + ", ".join(f"{n} {r}" for r, n in report["inbox_reasons"].items())
        + (". Written to <code>results/inbox.yml</code> for labelling.</p>" if texts else ".</p>"),
        _table(
            ["conversation", "message", "taken for", "confidence", "got", "why here"]
            if texts
            else ["conversation", "taken for", "confidence", "got", "why here"],
            [
                ((i["conversation"],) + ((i["text"],) if texts else ()))
                + (i["label"], "-" if i["confidence"] is None else f"{i['confidence']:.2f}")
                + (a.OUTCOME_LABELS[i["outcome"]], ", ".join(i["reasons"]))
                for i in report["inbox"][:ROWS]
            ],
            "Nothing to label.",
        ),
        f'<p class="note">The first {ROWS} shown; all of them are in results/inbox.yml.</p>'
        if len(report["inbox"]) > ROWS and texts
        else "",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
