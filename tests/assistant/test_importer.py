"""assistant.importer: the NLU files are parsed once per content, and the data is Rasa's own."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from rasa.shared.exceptions import YamlException
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data import loading

from assistant.importer import CachedFileImporter, load_nlu_files

ROOT = Path(__file__).resolve().parents[2]

GREETINGS = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hi
    - hello there
"""

TOOLS = """\
version: "3.1"
nlu:
- intent: tool_info
  examples: |
    - what is [mlflow](tool)
    - tell me about [kubeflow](tool)
- synonym: mlflow
  examples: |
    - ml flow
"""


@pytest.fixture
def nlu_files(tmp_path) -> list:
    paths = [tmp_path / "greetings.yml", tmp_path / "tools.yml"]
    for path, text in zip(paths, (GREETINGS, TOOLS)):
        path.write_text(text)
    return [str(path) for path in paths]


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def texts(data) -> list:
    return [message.get("text") for message in data.training_examples]


def forbid_parsing(monkeypatch) -> None:
    def parse(*args, **kwargs):
        raise AssertionError("parsed although the cache holds these files")

    monkeypatch.setattr(loading, "load_data", parse)


def test_a_cached_load_gives_what_rasas_importer_gives(nlu_files, cache, monkeypatch):
    expected = RasaFileImporter(training_data_paths=nlu_files).get_nlu_data("en")
    first = load_nlu_files(nlu_files, "en", cache)
    forbid_parsing(monkeypatch)
    second = load_nlu_files(nlu_files, "en", cache)
    for data in (first, second):
        assert data.fingerprint() == expected.fingerprint()
        assert texts(data) == texts(expected)
        assert data.entity_synonyms == {"ml flow": "mlflow"}


def test_an_edited_file_is_parsed_again(nlu_files, cache):
    load_nlu_files(nlu_files, "en", cache)
    Path(nlu_files[0]).write_text(GREETINGS + "    - good morning\n")
    assert "good morning" in texts(load_nlu_files(nlu_files, "en", cache))
    assert len(list(cache.iterdir())) == 1  # the entry was replaced, not joined by a second


def test_another_language_is_another_entry_of_the_same_files(nlu_files, cache, monkeypatch):
    load_nlu_files(nlu_files, "en", cache)
    calls = []
    parse = loading.load_data
    monkeypatch.setattr(loading, "load_data", lambda *args: calls.append(args) or parse(*args))
    assert load_nlu_files(nlu_files, "de", cache).training_examples
    assert calls  # parsed for the new language, not taken from the English entry


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x04\x95garbage"])
def test_a_damaged_entry_is_a_miss_not_a_failure(nlu_files, cache, damage):
    expected = texts(load_nlu_files(nlu_files, "en", cache))
    [entry] = cache.iterdir()
    entry.write_bytes(damage)
    assert texts(load_nlu_files(nlu_files, "en", cache)) == expected
    assert entry.stat().st_size > len(damage)  # and the entry is whole again


def test_a_cache_that_cannot_be_written_still_gives_the_data(nlu_files, tmp_path):
    blocked = tmp_path / "a-file-not-a-directory"
    blocked.write_text("")
    assert "hello there" in texts(load_nlu_files(nlu_files, "en", blocked / "cache"))


def test_a_file_that_fails_to_parse_fails_every_time_and_is_not_cached(nlu_files, cache):
    Path(nlu_files[1]).write_text("nlu:\n- intent: greet\n  examples: [not, a, block]\n  oops: 1\n")
    for _ in range(2):
        with pytest.raises(YamlException) as failure:
            load_nlu_files(nlu_files, "en", cache)
        assert "tools.yml" in str(failure.value)
    assert not cache.exists() or not list(cache.iterdir())


def test_warnings_of_the_parse_are_raised_again_from_the_cache(nlu_files, cache):
    Path(nlu_files[0]).write_text(GREETINGS + "- intent: empty\n  examples: |\n")
    for _ in range(2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            load_nlu_files(nlu_files, "en", cache)
        assert any("Intent 'empty' has no examples" in str(w.message) for w in caught)
    assert len(list(cache.iterdir())) == 1


def test_config_names_the_importer_and_it_gives_the_same_training_data(tmp_path):
    """Through Rasa's own importer chain, our data with and without the cache is the same."""
    config = ROOT / "config.yml"
    with_cache = TrainingDataImporter.load_from_config(str(config), str(ROOT / "domain.yml"), [str(ROOT / "data")])
    plain = TrainingDataImporter.load_from_dict({}, str(config), str(ROOT / "domain.yml"), [str(ROOT / "data")])
    [ours] = with_cache.importer._importer._importers  # E2E -> responses sync -> combined
    assert isinstance(ours, CachedFileImporter)
    ours.cache_directory = tmp_path / "cache"  # not the project's own cache
    assert with_cache.get_nlu_data().fingerprint() == plain.get_nlu_data().fingerprint()
    assert len(plain.get_nlu_data().training_examples) > 5000


def test_the_cache_directory_can_be_set_in_the_config(nlu_files, tmp_path):
    config = {
        "importers": [{"name": "assistant.importer.CachedFileImporter", "cache_directory": str(tmp_path / "elsewhere")}]
    }
    data = TrainingDataImporter.load_from_dict(config, None, None, nlu_files).get_nlu_data()
    assert "hello there" in texts(data)
    assert len(list((tmp_path / "elsewhere").iterdir())) == 1
