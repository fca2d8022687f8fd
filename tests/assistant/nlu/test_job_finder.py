"""assistant.nlu.job_finder: the knowledge base's job texts, embedded with the model and kept current."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu import job_finder
from assistant.nlu.job_finder import JobFinder

DOCS = [("watch live models for drift", "monitoring"), ("check data before training", "data-validation")]


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def _load(storage):
    return JobFinder.load(
        JobFinder.get_default_config(), storage, Resource("jobs"), ExecutionContext(GraphSchema({}), "t")
    )


def test_the_vectors_trained_are_the_vectors_loaded(storage, monkeypatch):
    monkeypatch.setattr(job_finder.jobs, "documents", lambda kb: list(DOCS))
    trained = JobFinder.create(
        JobFinder.get_default_config(), storage, Resource("jobs"), ExecutionContext(GraphSchema({}), "t")
    )
    trained.train(TrainingData())
    loaded = _load(storage)
    assert loaded.categories == ["monitoring", "data-validation"] and (loaded.vectors == trained.vectors).all()


def test_a_knowledge_base_changed_since_training_is_embedded_again_at_load(storage, monkeypatch):
    monkeypatch.setattr(job_finder.jobs, "documents", lambda kb: list(DOCS))
    JobFinder.create(
        JobFinder.get_default_config(), storage, Resource("jobs"), ExecutionContext(GraphSchema({}), "t")
    ).train(TrainingData())
    changed = [*DOCS, ("stop a broken file from reaching training", "data-validation")]
    monkeypatch.setattr(job_finder.jobs, "documents", lambda kb: list(changed))  # Rasa's cache restored the old vectors
    loaded = _load(storage)
    assert loaded.categories == [c for _, c in changed] and loaded.vectors.shape[0] == 3


def test_the_fingerprint_changes_with_the_knowledge_bases_job_texts(monkeypatch):
    monkeypatch.setattr(job_finder.jobs, "documents", lambda kb: list(DOCS))
    before = JobFinder.fingerprint_addon(JobFinder.get_default_config())
    monkeypatch.setattr(job_finder.jobs, "documents", lambda kb: [*DOCS, ("label images", "labeling")])
    assert JobFinder.fingerprint_addon(JobFinder.get_default_config()) != before
