"""Tools for a job in the asker's words: the documents and the vote (core/jobs.py)."""

from __future__ import annotations

from core import jobs
from core.loader import default_knowledge_base


def test_every_tool_and_category_has_documents_labelled_with_its_category():
    kb = default_knowledge_base()
    docs = jobs.documents(kb)
    assert {text for text, _ in docs} >= {t.summary for t in kb.tools} | {c.label for c in kb.categories}
    assert {category for _, category in docs} == {c.id for c in kb.categories}
    assert all(
        category == kb.find(tool.name).category for tool in kb.tools for text, category in docs if text == tool.summary
    )


def test_each_category_says_its_job_in_peoples_words_and_those_words_are_documents():
    kb = default_knowledge_base()
    docs = set(jobs.documents(kb))
    assert all(len(c.jobs) >= 5 for c in kb.categories)
    assert all((job, c.id) in docs for c in kb.categories for job in c.jobs)


def test_the_nearest_documents_vote_with_their_similarity():
    ranked = jobs.vote([0.9, 0.8, 0.7, 0.1], ["a", "b", "b", "c"], voters=3)
    assert [j.category for j in ranked] == ["b", "a"]  # 0.8 + 0.7 beats 0.9; "c" is not near enough to vote
    assert round(sum(j.share for j in ranked), 6) == 1.0
    assert ranked[0].similarity == 0.8 and ranked[1].similarity == 0.9


def test_no_documents_no_job():
    assert jobs.vote([], []) == []
