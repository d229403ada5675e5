"""`crampcoach screen`: red-flag questions; the result is kept for the report."""

from __future__ import annotations

import sys

import typer

from crampcoach.cli.context import store_from
from crampcoach.errors import UserError
from crampcoach.safety import ScreeningResult, load_rules
from crampcoach.safety.models import Question
from crampcoach.services import screening as screening_service


def _parse_answers(pairs: list[str]) -> dict[str, str]:
    answers: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--answer: use QUESTION=ANSWER, e.g. calf-swollen=no (got {pair!r})")
        answers[key.strip()] = value.strip()
    return answers


def _ask(question: Question) -> str | None:
    """One question at the terminal; an empty answer skips it."""
    print(f"\n{question.text}")
    for detail in question.details:
        print(f"  {detail}")
    if question.kind == "choice":
        for key, words in question.options.items():
            print(f"  {key}: {words}")
        prompt = f"[{'/'.join(question.options)}, Enter to skip] "
    else:
        prompt = "[yes/no, Enter to skip] "
    while True:
        answer = input(prompt).strip().lower()
        if not answer:
            return None
        if question.kind == "yes-no" and answer in ("y", "n"):
            answer = "yes" if answer == "y" else "no"
        if answer in question.answers:
            return answer
        print(f"please answer {' or '.join(question.answers)}")


def print_result(result: ScreeningResult) -> None:
    print(f"\n{result.advice}\n{result.action}")
    for finding in result.findings:
        print(f"\n* {finding.question} {finding.answer}: {finding.advice}")
        print(f"  {finding.reason}")
        for source in finding.sources:
            print(f"  Source: {source.citation} {source.url}")
    if result.unanswered:
        print(f"\nNot answered: {', '.join(result.unanswered)}")


def register(app: typer.Typer) -> None:
    @app.command("screen")
    def screen(
        ctx: typer.Context,
        answer: list[str] = typer.Option(
            [], "--answer", "-a", help="QUESTION=ANSWER (repeat); without any, you are asked."
        ),
        questions: bool = typer.Option(False, "--questions", help="List the questions and exit."),
    ) -> None:
        """Red-flag check: a few questions about your cramps; each answer that matters gives
        advice (see a doctor soon, urgent care today) with its source. The result is kept
        and shown in the report for your doctor."""
        rules = load_rules()
        if questions:
            for q in rules.questions:
                print(f"{q.id}: {q.text} ({' / '.join(q.answers)})")
            return
        answers: dict[str, str | None] = dict(_parse_answers(answer))
        if not answers and not sys.stdin.isatty():
            raise UserError(
                "no answers: run it in a terminal to be asked, or give --answer QUESTION=ANSWER"
                " (see --questions)"
            )
        store = store_from(ctx)
        if not answers:
            print(screening_service.local_help_for(store).fill(rules.notice))
            answers = {q.id: _ask(q) for q in rules.questions}
        stored = screening_service.take_screening(store, answers)
        print_result(stored.result)
