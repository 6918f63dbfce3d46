"""Questionnaire content: TOML files validated with pydantic at start-up.

A content file describes sections -> questions, with texts in fi, sv and en.
Published versions are immutable: `published.toml` in the content folder
locks each id@version to the SHA-256 of its file, and a changed file stops the
portal from starting. A new version is a new file.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from portal.settings import PACKAGE_DIR

CONTENT_DIR = PACKAGE_DIR / "content" / "assessments"
DEFAULT_CONTENT_ID = "oma-arvio"
LANGUAGES = ("fi", "sv", "en")


class ContentError(RuntimeError):
    """A content file is invalid or a published version has changed: do not start."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """One text in the three languages."""

    fi: str = Field(min_length=1, max_length=400)
    sv: str = Field(min_length=1, max_length=400)
    en: str = Field(min_length=1, max_length=400)

    def __call__(self, locale: str) -> str:
        return getattr(self, locale, self.fi)


class Choice(Strict):
    value: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    text: Text
    score: int | None = Field(default=None, ge=1, le=5)  # single choice only: 1 (hard) .. 5 (good)
    image: str | None = Field(default=None, pattern=r"^[a-z0-9_-]{1,60}\.(svg|png)$")  # under static/assessment/
    image_alt: Text | None = None

    @model_validator(mode="after")
    def _image_has_alt(self) -> Choice:
        if self.image and self.image_alt is None:
            raise ValueError("a choice with an image needs image_alt")
        return self


class Scale(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    choices: tuple[Choice, ...] = Field(min_length=5, max_length=5)


class Area(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    name: Text
    feedback: Feedback | None = None


class Feedback(Strict):
    high: Text
    middle: Text
    low: Text


QuestionType = Literal["scale5", "scale11", "single", "multiple", "text"]


class Question(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]{1,60}$")
    area: str
    type: QuestionType
    text: Text
    hint: Text | None = None
    scale: str | None = None  # scale5: the id of a shared scale
    choices: tuple[Choice, ...] = ()  # single and multiple
    low_label: Text | None = None  # scale11: both ends have words
    high_label: Text | None = None
    max_length: int | None = Field(default=None, ge=1, le=2000)  # text

    @model_validator(mode="after")
    def _fits_its_type(self) -> Question:
        if self.type == "scale5" and not self.scale:
            raise ValueError("a scale5 question needs scale = the id of a [[scales]] entry")
        if self.type in ("single", "multiple") and len(self.choices) < 2:
            raise ValueError(f"a {self.type} question needs at least 2 choices")
        if self.type == "scale11" and (self.low_label is None or self.high_label is None):
            raise ValueError("a scale11 question needs low_label and high_label")
        if self.type == "text" and self.max_length is None:
            raise ValueError("a text question needs max_length")
        if self.type != "single" and any(choice.score is not None for choice in self.choices):
            raise ValueError("only single choices may have a score")
        values = [choice.value for choice in self.choices]
        if len(values) != len(set(values)):
            raise ValueError("choice values must be unique")
        return self


class Section(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    title: Text
    questions: tuple[Question, ...] = Field(min_length=1)


class Questionnaire(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]{1,60}$")
    version: int = Field(ge=1)
    brand: str = Field(default="", max_length=60)  # e.g. "Kykyviisari", shown only when set
    minutes: int = Field(ge=1, le=120)
    name: Text
    feedback: Feedback
    areas: tuple[Area, ...] = Field(min_length=1)
    scales: tuple[Scale, ...] = ()
    sections: tuple[Section, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references_hold(self) -> Questionnaire:
        area_ids = [area.id for area in self.areas]
        scale_ids = [scale.id for scale in self.scales]
        question_ids = [q.id for section in self.sections for q in section.questions]
        for name, ids in (("area", area_ids), ("scale", scale_ids), ("question", question_ids)):
            if len(ids) != len(set(ids)):
                raise ValueError(f"{name} ids must be unique")
        for section in self.sections:
            for question in section.questions:
                if question.area not in area_ids:
                    raise ValueError(f"question {question.id!r}: unknown area {question.area!r}")
                if question.scale is not None and question.scale not in scale_ids:
                    raise ValueError(f"question {question.id!r}: unknown scale {question.scale!r}")
        return self

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for section in self.sections for q in section.questions)

    @cached_property
    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def choices(self, question: Question) -> tuple[Choice, ...]:
        if question.type == "scale5":
            return next(scale.choices for scale in self.scales if scale.id == question.scale)
        if question.type == "scale11":
            return tuple(Choice(value=str(n), text=Text(fi=str(n), sv=str(n), en=str(n))) for n in range(11))
        return question.choices

    def area(self, area_id: str) -> Area:
        return next(area for area in self.areas if area.id == area_id)


@dataclass(frozen=True)
class Loaded:
    questionnaire: Questionnaire
    sha256: str
    path: Path


@dataclass(frozen=True)
class Library:
    """Every loaded version; new assessments use the newest of `current_id`."""

    versions: dict[tuple[str, int], Loaded]
    current_id: str

    def current(self) -> Loaded:
        candidates = [loaded for (cid, _v), loaded in self.versions.items() if cid == self.current_id]
        return max(candidates, key=lambda loaded: loaded.questionnaire.version)

    def get(self, content_id: str, version: int, sha256: str) -> Questionnaire | None:
        """The exact content an assessment was started on; None if it is gone or differs."""
        loaded = self.versions.get((content_id, version))
        if loaded is None or loaded.sha256 != sha256:
            return None
        return loaded.questionnaire


def _place(error: dict) -> str:
    return ".".join(str(part) for part in error["loc"]) or "(top level)"


def load_file(path: Path) -> Loaded:
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ContentError(f"{path}: not valid TOML: {error}") from None
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"at {_place(e)}: {e['msg']}" for e in error.errors())
        raise ContentError(f"{path}: {problems}") from None
    return Loaded(questionnaire, hashlib.sha256(raw).hexdigest(), path)


def load_library(folder: Path | None = None, current_id: str | None = None) -> Library:
    """Load and check every content file; raise ContentError naming the file and place."""
    folder = folder or Path(os.environ.get("PORTAL_ASSESSMENT_CONTENT_DIR") or CONTENT_DIR)
    current_id = current_id or os.environ.get("PORTAL_ASSESSMENT_CONTENT") or DEFAULT_CONTENT_ID
    locked = _published(folder)
    versions: dict[tuple[str, int], Loaded] = {}
    for path in sorted(folder.glob("*.toml")):
        if path.name == "published.toml":
            continue
        loaded = load_file(path)
        key = (loaded.questionnaire.id, loaded.questionnaire.version)
        if key in versions:
            raise ContentError(f"{path}: {key[0]} version {key[1]} is also in {versions[key].path.name}")
        expected = locked.get(f"{key[0]}@{key[1]}")
        if expected is not None and expected != loaded.sha256:
            raise ContentError(
                f"{path}: {key[0]} version {key[1]} is published and its file has changed. "
                "Published versions never change: add a new file with the next version."
            )
        versions[key] = loaded
    if not any(cid == current_id for cid, _v in versions):
        raise ContentError(f"{folder}: no content file with id {current_id!r}")
    return Library(versions, current_id)


def _published(folder: Path) -> dict[str, str]:
    path = folder / "published.toml"
    if not path.exists():
        return {}
    try:
        return {str(key): str(value) for key, value in tomllib.loads(path.read_text("utf-8")).items()}
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path}: not valid TOML: {error}") from None
