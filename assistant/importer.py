"""A training-data importer that parses the NLU files once per content, not on every load.

Rasa 3.6 reads every NLU file through its YAML schema check (pykwalify on a pure-Python
round-trip parse) each time an importer asks for the data, and `rasa train` asks with two
importers (one to validate, one to train), each twice. For our ~6,000 examples, 58 % of a
`rasa train` with nothing changed was spent getting the NLU data (docs/performance.md).

`CachedFileImporter` is Rasa's `RasaFileImporter` with one change: the NLU files' parsed and
merged `TrainingData` is kept in `.rasa/parsed-nlu/`, under a key made of Rasa's version, the
language and each file's name and bytes. A changed file, a new Rasa or a damaged cache entry
means a fresh parse. The warnings a parse raised are kept with it and raised again on every load,
so cached data warns as often as freshly parsed data; a file that fails to parse is never cached.
"""

import hashlib
import logging
import os
import pickle
import tempfile
import warnings
from pathlib import Path
from typing import List, NamedTuple, Optional, Tuple, Type, Union

import rasa
import rasa.shared.utils.io
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data import loading
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

DEFAULT_CACHE_DIRECTORY = Path(".rasa") / "parsed-nlu"


class ParsedData(NamedTuple):
    """NLU files as their parse left them, with the key they were parsed under."""

    key: str
    data: TrainingData
    warnings_raised: List[Tuple[str, Type[Warning]]]


def parse_key(paths: List[str], language: Optional[str]) -> str:
    """What a parse depends on: Rasa's version, the language, and each file's name and bytes."""
    digest = hashlib.sha256()
    for part in (rasa.__version__, language or ""):
        digest.update(part.encode("utf-8") + b"\0")
    for path in paths:
        digest.update(path.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return digest.hexdigest()


def cache_file(cache_directory: Path, paths: List[str]) -> Path:
    """One entry per list of files, so an edited file replaces its entry instead of adding one."""
    names = "\0".join(os.path.abspath(path) for path in paths)
    return cache_directory / f"{hashlib.sha256(names.encode('utf-8')).hexdigest()[:32]}.pickle"


def read_cached(entry: Path, key: str) -> Optional[ParsedData]:
    """The cached parse if it is there, readable and made from the same bytes; otherwise None."""
    try:
        with entry.open("rb") as stream:
            parsed = pickle.load(stream)
    except FileNotFoundError:
        return None
    except Exception as error:  # a damaged or foreign entry is a miss, never a failure
        logger.debug(f"Ignoring unreadable cache entry '{entry}': {error!r}")
        return None
    if not isinstance(parsed, ParsedData) or parsed.key != key:
        return None
    return parsed


def write_cached(entry: Path, parsed: ParsedData) -> None:
    """Writes the entry atomically; a cache that cannot be written only costs the next parse."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False) as stream:
            pickle.dump(parsed, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(stream.name, entry)
    except OSError as error:
        logger.debug(f"Could not write cache entry '{entry}': {error!r}")


def parse_nlu_files(paths: List[str], language: Optional[str], key: str) -> ParsedData:
    """Rasa's own loader and merge, with the warnings they raise recorded to be raised again."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = TrainingData().merge(*(loading.load_data(path, language) for path in paths))
    return ParsedData(
        key=key,
        data=data,
        warnings_raised=[(str(warning.message), warning.category) for warning in caught],
    )


def load_nlu_files(
    paths: List[str],
    language: Optional[str],
    cache_directory: Path = DEFAULT_CACHE_DIRECTORY,
) -> TrainingData:
    """The files' training data, parsed now or taken from the cache, with their warnings."""
    key = parse_key(paths, language)
    entry = cache_file(cache_directory, paths)
    parsed = read_cached(entry, key)
    if parsed is None:
        parsed = parse_nlu_files(paths, language, key)
        write_cached(entry, parsed)
    for message, category in parsed.warnings_raised:
        rasa.shared.utils.io.raise_warning(message, category=category)
    return parsed.data


class CachedFileImporter(RasaFileImporter):
    """`RasaFileImporter` whose NLU files are parsed once per content (see the module).

    `cache_directory` can be set under the importer's name in config.yml; relative paths are
    relative to where Rasa runs, like Rasa's own `.rasa/cache`.
    """

    def __init__(
        self,
        config_file: Optional[str] = None,
        domain_path: Optional[str] = None,
        training_data_paths: Optional[Union[List[str], str]] = None,
        cache_directory: Union[str, Path] = DEFAULT_CACHE_DIRECTORY,
    ) -> None:
        super().__init__(config_file, domain_path, training_data_paths)
        self.cache_directory = Path(cache_directory)

    def get_nlu_data(self, language: Optional[str] = "en") -> TrainingData:
        """Retrieves NLU training data, as `RasaFileImporter` does."""
        return load_nlu_files(self._nlu_files, language, self.cache_directory)
