"""The kinds of spec: a claim (a reported number), a hypothesis (an expected direction), a control
(a known answer) and a background statement (grounded, never run), with their provenance."""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import Field, field_validator, model_validator

from repro import catalog
from repro.spec.fields import (
    SPEC_ID,
    Attack,
    Averaging,
    Expected,
    Reading,
    Recipe,
    Reported,
    Strict,
    Target,
    Treatment,
)

ARXIV_ID = r"^\d{4}\.\d{4,5}$"


# --- provenance -------------------------------------------------------------------------------


class Extraction(Strict):
    """One seed document's extraction of the statement, as the seed printed it."""

    seed: str = Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")
    text: str = Field(min_length=1)
    verified: bool
    confidence: float = Field(ge=0.0, le=1.0)


class Source(Strict):
    arxiv: str = Field(pattern=ARXIV_ID)
    version: str = Field(pattern=r"^v\d+$")
    quote: str = Field(min_length=1)
    location: str = "unconfirmed"  # e.g. "abstract", "Table 2", or "unconfirmed"
    extractions: list[Extraction] = Field(default_factory=list)
    unconfirmed: list[str] = Field(default_factory=list)
    hyperparameters_from: str | None = None

    @field_validator("arxiv", mode="before")
    @classmethod
    def _arxiv_as_text(cls, value):
        # YAML reads 2104.08645 as a float and would drop trailing zeros: insist on a string.
        if not isinstance(value, str):
            raise ValueError("write the arXiv id as a quoted string, e.g. '2104.08645'")
        match = re.match(r"^(\d{2})(\d{2})\.(\d+)$", value)
        if match:
            year, month, number = int(match[1]), int(match[2]), match[3]
            if not 1 <= month <= 12:
                raise ValueError(f"arXiv id {value!r} has month {month:02d}; expected YYMM.NNNNN")
            if (year, month) >= (15, 1) and len(number) != 5:
                raise ValueError(f"arXiv ids since 2015 have five digits after the dot; got {value!r}")
        return value



class SpecBase(Strict):
    id: str = Field(pattern=SPEC_ID, max_length=100)
    title: str = Field(min_length=1)
    source: Source
    notes: str | None = None



class Runnable(Strict):
    """What every spec that trains shares: targets, setting, the two recipes, seeds."""

    targets: list[Target] = Field(min_length=1)
    setting: Literal["zero_shot", "generalized"] = "zero_shot"
    averaging: Averaging = Averaging()
    baseline: Recipe
    treatment: Treatment
    seeds: int = Field(default=3, ge=1, le=20)
    # an ambiguous sentence read several ways; empty: the spec's own fields are its only reading
    readings: list[Reading] = Field(default_factory=list)
    attack: Attack | None = None  # measure the metric under this perturbation (robustness questions)

    @model_validator(mode="after")
    def _generalized_needs_pairs(self):
        settings = {self.setting} | {r.setting for r in self.readings if r.setting}
        if "generalized" in settings:
            bad = [t.task for t in self.targets if catalog.task(t.task).kind != "pair_classification"]
            if bad:
                raise ValueError(
                    f"setting 'generalized' needs sentence-pair targets (xnli, pawsx); got {bad}"
                )
        # the label is only a display name: two recipes that differ in nothing else are the same
        if self.baseline.model_dump(exclude={"label"}) == self.treatment.model_dump(exclude={"label"}):
            raise ValueError("baseline and treatment are the same recipe: nothing to compare")
        names = [r.name for r in self.readings]
        if len(names) != len(set(names)):
            raise ValueError(f"reading names must be unique; got {names}")
        return self

    def reading_list(self) -> list[Reading]:
        """The readings to plan and judge: the spec's own, or one per declared reading."""
        return self.readings or [Reading(name="as-written", description="the spec as written")]


class Claim(SpecBase, Runnable):
    kind: Literal["claim"]
    reported: Reported
    tolerance: float = Field(gt=0, le=100)  # points


class Hypothesis(SpecBase, Runnable):
    kind: Literal["hypothesis"]
    question: str = Field(min_length=1)
    expected: Expected
    seed_document: str | None = None


class Background(SpecBase):
    kind: Literal["background"]
    statement: str = Field(min_length=1)


class Control(Runnable):
    """A check of the suite itself whose answer is known by construction (a planted effect, or a
    change that cannot matter): judged on every profile, shown apart from the papers' claims."""

    kind: Literal["control"]
    id: str = Field(pattern=SPEC_ID, max_length=100)
    title: str = Field(min_length=1)
    rationale: str = Field(min_length=1)  # why the answer is known
    notes: str | None = None
    expected: Expected
    seeds: int = Field(default=5, ge=2, le=20)  # the profile's seed count does not override it


Spec = Annotated[Union[Claim, Hypothesis, Background, Control], Field(discriminator="kind")]


class SpecFile(Strict):
    specs: list[Spec] = Field(min_length=1)


