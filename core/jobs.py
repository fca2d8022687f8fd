"""Tools for a job described in the asker's own words: the knowledge base's own text, searched by meaning.

"Where do teams park trained models before they go live?" names no category, but its meaning is
near the model registries' summaries. Every tool's summary and `best_for`, and every category's
label, phrases and jobs (the job in people's words), is a document labelled with its category;
the documents nearest to a message vote for their category, weighted by how near they are.

Pure: the vectors come from whoever embeds the texts (the NLU pipeline's sentence encoder,
assistant/nlu/job_finder.py); this module only says what the documents are and counts the votes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

from core.loader import KnowledgeBase

# How many of the nearest documents vote.
VOTERS = 10


@dataclass(frozen=True)
class Job:
    """The category a message's meaning is nearest to."""

    category: str
    similarity: float  # cosine of the nearest document of that category
    share: float  # the category's part of the nearest documents' weighted vote, 0-1


def documents(kb: KnowledgeBase) -> List[Tuple[str, str]]:
    """(text, category id) for every text of the base that describes a job."""
    docs: List[Tuple[str, str]] = []
    for tool in kb.tools:
        docs += [(tool.summary, tool.category), (tool.best_for, tool.category)]
    for category in kb.categories:
        docs += [(category.label, category.id)] + [(text, category.id) for text in (*category.phrases, *category.jobs)]
    return docs


def vote(similarities: Sequence[float], categories: Sequence[str], voters: int = VOTERS) -> List[Job]:
    """The categories of the `voters` most similar documents, best first, each with its share."""
    nearest = sorted(range(len(similarities)), key=lambda i: -similarities[i])[:voters]
    weights: Dict[str, float] = {}
    best: Dict[str, float] = {}
    for i in nearest:
        weight = max(float(similarities[i]), 0.0)
        weights[categories[i]] = weights.get(categories[i], 0.0) + weight
        best[categories[i]] = max(best.get(categories[i], -1.0), float(similarities[i]))
    total = sum(weights.values()) or 1.0
    jobs = [Job(c, best[c], w / total) for c, w in weights.items()]
    return sorted(jobs, key=lambda j: -j.share)
