"""The knowledge base's schema: what one tool entry and one category may hold.

Entry-level rules live here (pydantic v1, which Rasa 3.6 pins); rules that span entries
(duplicate names, alternatives that point nowhere) live in `loader.py`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, List, Literal

from pydantic import BaseModel, Extra, HttpUrl, conint, constr, validator

SUMMARY_MAX = 160
DESCRIPTION_MAX = 600
BEST_FOR_MAX = 120
SAID_MAX = 300

PROPRIETARY = "proprietary"
UNKNOWN = "unknown"
# SPDX ids the base uses; extend this list (from spdx.org/licenses) rather than writing free text.
SPDX_LICENSES = frozenset(
    """
    0BSD AGPL-3.0-only blessing AGPL-3.0-or-later Apache-2.0 Artistic-2.0 BSD-2-Clause BSD-3-Clause
    BSL-1.0 BUSL-1.1 CC0-1.0 CC-BY-4.0 EPL-1.0 EPL-2.0 Elastic-2.0 FSL-1.1-ALv2 FSL-1.1-MIT GPL-2.0-only
    GPL-2.0-or-later GPL-3.0-only GPL-3.0-or-later ISC LGPL-2.1-only LGPL-2.1-or-later
    LGPL-3.0-only LGPL-3.0-or-later MIT MIT-0 MPL-2.0 PostgreSQL PSF-2.0 Python-2.0
    SSPL-1.0 Unlicense Zlib
    """.split()
)
# A licence SPDX has no id for (Redis's RSALv2) is written as SPDX says: LicenseRef-<name>.
_LICENSE_REF = re.compile(r"^LicenseRef-[A-Za-z0-9.-]+$")
_SPDX_EXPRESSION = re.compile(r"^[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*$")

if TYPE_CHECKING:  # what the constrained types hold, for the type checker
    NonEmpty = str
    SnakeCase = str
    CategoryId = str
    Said = str
    Summary = str
    Description = str
    BestFor = str
    Popularity = int
    Month = str
else:
    NonEmpty = constr(strip_whitespace=True, min_length=1)
    SnakeCase = constr(regex=r"^[a-z][a-z0-9_]*$")
    CategoryId = constr(regex=r"^[a-z][a-z0-9-]*$")
    Said = constr(strip_whitespace=True, min_length=1, max_length=SAID_MAX)
    Summary = constr(strip_whitespace=True, min_length=1, max_length=SUMMARY_MAX)
    Description = constr(strip_whitespace=True, min_length=1, max_length=DESCRIPTION_MAX)
    BestFor = constr(strip_whitespace=True, min_length=1, max_length=BEST_FOR_MAX)
    Popularity = conint(ge=1, le=5)
    Month = constr(regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$")

# Where a project stands. `archived` (its repository is read-only) and `discontinued` (the product or
# service is gone) are retired: the assistant says so and does not recommend them.
STATUSES = ("active", "maintenance", "archived", "discontinued")
RETIRED = frozenset({"archived", "discontinued"})


class Strict(BaseModel):
    """Unknown fields are mistakes, not extensions."""

    class Config:
        extra = Extra.forbid
        allow_mutation = False


# The talks and episodes the project grew from; a mention names one of them (and may add detail).
SEED_SOURCES = (
    "Austin Python Meetup",
    "Talk Python to Me #359",
    "Python Bytes #235",
    "EuroPython 2020, ",
    "TWIML AI Podcast with Hamel Husain",
)


class SeedMention(Strict):
    """Where a seed talk or episode discusses a tool, and what it said, paraphrased."""

    source: NonEmpty
    said: Said

    @validator("source")
    def names_a_seed(cls, value: str) -> str:
        if not value.startswith(SEED_SOURCES):
            raise ValueError(f"'{value}' names none of the seed talks: {', '.join(SEED_SOURCES)}")
        return value


class Tool(Strict):
    name: NonEmpty
    aliases: List[NonEmpty] = []
    category: CategoryId
    secondary_categories: List[CategoryId] = []
    summary: Summary
    description: Description
    best_for: BestFor
    open_source: bool
    license: NonEmpty
    url: HttpUrl
    language: NonEmpty
    offering: Literal["library", "self-hosted", "managed", "self-hosted-and-managed"]
    popularity: Popularity
    practices: List[SnakeCase] = []
    alternatives: List[NonEmpty] = []
    seed_mentions: List[SeedMention] = []
    checked: Month  # YYYY-MM: when these facts were last confirmed against the project's own pages
    status: Literal["active", "maintenance", "archived", "discontinued"]

    @validator("license")
    def license_is_spdx(cls, value: str) -> str:
        if value in (PROPRIETARY, UNKNOWN):
            return value
        ids = [part for part in value.split(" ") if part not in ("AND", "OR", "WITH")]
        if not _SPDX_EXPRESSION.match(value) or not all(i in SPDX_LICENSES or _LICENSE_REF.match(i) for i in ids):
            raise ValueError(f"'{value}' is not a known SPDX id (or '{PROPRIETARY}' / '{UNKNOWN}')")
        return value

    @validator("secondary_categories")
    def secondary_differs_from_primary(cls, value: List[str], values: dict) -> List[str]:
        if values.get("category") in value:
            raise ValueError("repeats the primary category")
        return value

    @validator("alternatives")
    def no_self_alternative(cls, value: List[str], values: dict) -> List[str]:
        name = values.get("name", "")
        if any(alt.lower() == name.lower() for alt in value):
            raise ValueError("names the tool itself")
        return value

    def consistent_licence(self) -> List[str]:
        """Cross-field problems between `open_source` and `license`."""
        if self.open_source and self.license == PROPRIETARY:
            return ["open_source is true but license is 'proprietary'"]
        return []

    @property
    def retired(self) -> bool:
        """Archived or discontinued: named when asked about, never recommended."""
        return self.status in RETIRED

    @property
    def surface_forms(self) -> List[str]:
        """Every way the base lets people name this tool: its name, then its aliases."""
        return [self.name, *self.aliases]


class ToolFile(Strict):
    tools: List[Tool]


class Category(Strict):
    id: CategoryId
    label: NonEmpty
    phrases: List[NonEmpty]
    # Practice topics whose "any tools for that?" this category answers (each topic in one category).
    practices: List[SnakeCase] = []
    # The job its tools do, in the words of people who need it ("stop a broken data file from
    # reaching training"): searched by meaning only (core/jobs.py), never matched as words.
    jobs: List[NonEmpty] = []
    # Its tools are where other tools run ("on our k8s cluster", "only on Google Cloud"): named after
    # "on" or "in", one is the asker's platform, not what the message asks about.
    platform: bool = False


class CategoryFile(Strict):
    categories: List[Category]
