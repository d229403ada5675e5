"""The screening itself: answers in, advice out. Pure: no I/O, no clock.

`screen` checks the answers against the questions, flags the answers the rules name, and
gives the most urgent level among them. A result is a frozen model that goes to a dict
(JSON-ready, for storage) and back unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from crampcoach.diary.bounds import excerpt
from crampcoach.diary.models import EpisodeBase
from crampcoach.diary.validation import describe
from crampcoach.safety.countries import LocalHelp, local_help
from crampcoach.safety.errors import ScreeningError
from crampcoach.safety.loader import load_rules
from crampcoach.safety.models import Level, Question, ScreeningRules, Source, rank

Answer = bool | str | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Finding(_Strict):
    """One answer that is a warning sign: what to do, why, and who says so."""

    question_id: str
    question: str
    answer: str
    level: Level
    advice: str = Field(description="The level in words, e.g. 'Get urgent care today'.")
    reason: str
    sources: tuple[Source, ...]


class ScreeningResult(_Strict):
    """The outcome of one screening. `level` is None when no answer is a warning sign."""

    rules_version: int
    level: Level | None
    advice: str = Field(description="The overall level in words.")
    action: str = Field(description="What to do now, in plain words.")
    findings: tuple[Finding, ...] = Field(description="Most urgent first, then file order.")
    answers: dict[str, str] = Field(description="question id -> answer, as stored.")
    unanswered: tuple[str, ...] = Field(description="Question ids not answered, file order.")

    @property
    def complete(self) -> bool:
        return not self.unanswered

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: only strings, numbers, None, lists and dicts."""
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScreeningResult:
        """A stored result back; ScreeningError names the field at fault."""
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            raise ScreeningError(describe(exc, where="screening result")) from None


def _answer(question: Question, value: Answer) -> str | None:
    """The answer as stored ("yes"/"no" or an option id), None when not answered."""
    if value is None:
        return None
    if question.kind == "yes-no":
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
            return value.strip().lower()
        raise ScreeningError(f"question {question.id!r}: expected yes or no (got {excerpt(value)})")
    if isinstance(value, str) and value.strip() in question.options:
        return value.strip()
    options = ", ".join(question.options)
    raise ScreeningError(
        f"question {question.id!r}: expected one of {options} (got {excerpt(value)})"
    )


def _check(answers: Mapping[str, Answer], rules: ScreeningRules) -> dict[str, str]:
    if not isinstance(answers, Mapping):
        raise ScreeningError("answers: expected question ids with their answers")
    problems: list[str] = []
    given: dict[str, str] = {}
    for key, value in answers.items():
        question = rules.question(key) if isinstance(key, str) else None
        if question is None:
            known = ", ".join(q.id for q in rules.questions)
            problems.append(f"unknown question {excerpt(key)}; the questions are: {known}")
            continue
        try:
            answer = _answer(question, value)
        except ScreeningError as exc:
            problems.append(str(exc))
            continue
        if answer is not None:
            given[key] = answer
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ScreeningError(f"{problems[0]}{more}")
    return given


def screen(
    answers: Mapping[str, Answer],
    *,
    rules: ScreeningRules | None = None,
    where: LocalHelp | None = None,
) -> ScreeningResult:
    """Evaluate answers (question id -> True/False, "yes"/"no", an option id, or None for
    "not answered"). Bad answers raise ScreeningError; nothing is evaluated then. `where`
    is the help where the person lives: its numbers go into the advice (the unknown
    wording, "your local emergency number", when not given)."""
    rules = rules or load_rules()
    where = where or local_help(None)
    given = _check(answers, rules)
    findings: list[Finding] = []
    for question in rules.questions:
        answer = given.get(question.id)
        flag = question.flags.get(answer) if answer is not None else None
        if flag is None:
            continue
        findings.append(
            Finding(
                question_id=question.id,
                question=question.text,
                answer=answer,
                level=flag.level,
                advice=rules.levels[flag.level].label,
                reason=where.fill(flag.reason),
                sources=tuple(rules.sources[name] for name in flag.sources),
            )
        )
    findings.sort(key=lambda finding: rank(finding.level))  # stable: file order kept
    level = findings[0].level if findings else None
    words = rules.levels[level] if level else rules.no_flags
    return ScreeningResult(
        rules_version=rules.version,
        level=level,
        advice=words.label,
        action=where.fill(words.action),
        findings=tuple(findings),
        answers={q.id: given[q.id] for q in rules.questions if q.id in given},
        unanswered=tuple(q.id for q in rules.questions if q.id not in given),
    )


def should_offer_screening(episode: EpisodeBase, *, rules: ScreeningRules | None = None) -> bool:
    """Whether a cramp entry should prompt the offer to run the screening: a severe cramp
    (severity at or above the threshold) or a long one (longer than the threshold)."""
    offer = (rules or load_rules()).offer
    long = episode.duration_s is not None and episode.duration_s > offer.longer_than_s
    return episode.severity >= offer.min_severity or long
