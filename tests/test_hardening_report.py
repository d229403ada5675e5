"""Issue 14, item 3: the report for the doctor cannot hang the server. Text layout takes
time linear in the text's length (each character measured once per font, long words
broken by a bisection of the running widths), and what a profile holds is clipped before
it reaches the layout, however much older versions or an import stored."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crampcoach.diary.bounds import MAX_ITEM_LENGTH, MAX_LIST_ITEMS
from crampcoach.diary.models import Profile
from crampcoach.export import report_pdf
from crampcoach.fixtures.diary import DEFAULT_END, generate_history
from crampcoach.insights import preventive_routine_nights
from crampcoach.insights.report_content import LIST_BUDGET, ReportContent, report_content
from unavailable import unavailable

MADE = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
# Letters DejaVu Sans draws (Latin, Latin-1, Latin Extended-A, Greek, Cyrillic), so that
# a word of them costs one measurement per distinct letter, and no glyph is missing.
LETTERS = "".join(
    chr(c)
    for block in ((0x41, 0x5B), (0x61, 0x7B), (0xC0, 0x17F), (0x391, 0x3CA), (0x410, 0x450))
    for c in range(*block)
    if chr(c).isalpha()
)


class CountingRenderer:
    """The real renderer, counting what the layout asks it to measure."""

    def __init__(self, real: Any) -> None:
        self.real, self.calls, self.chars = real, 0, 0

    def get_text_width_height_descent(self, text: str, prop: Any, ismath: Any) -> Any:
        self.calls += 1
        self.chars += len(text)
        return self.real.get_text_width_height_descent(text, prop, ismath=ismath)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingRenderer]:
    renderer = CountingRenderer(report_pdf._renderer())
    monkeypatch.setattr(report_pdf, "_renderer", lambda: renderer)
    report_pdf._advances.cache_clear()
    yield renderer
    report_pdf._advances.cache_clear()  # no widths left over that another test would use


def _word(length: int) -> str:
    return (LETTERS * (length // len(LETTERS) + 1))[:length]


def test_item3_report_wrap_is_linear_in_word_length(counting: CountingRenderer) -> None:
    work = {}
    for length in (1000, 2000, 4000):
        report_pdf._advances.cache_clear()  # each length starts from nothing measured
        counting.calls = counting.chars = 0
        lines = report_pdf._wrap(_word(length), report_pdf.WIDTH, 9.0)
        assert "".join(lines) == _word(length)  # broken into pieces, nothing lost
        work[length] = (counting.calls, counting.chars, len(lines))
    for short, long in ((1000, 2000), (2000, 4000)):
        calls, chars, lines = work[short]
        more_calls, more_chars, more_lines = work[long]
        assert more_calls <= 2.2 * calls  # twice the word: at most about twice the calls
        assert more_chars <= 2.2 * chars  # ... and the characters measured (quadratic: 4x)
        assert 1.8 * lines <= more_lines <= 2.2 * lines
    # each distinct character once alone, and the space once: never a prefix of the word
    assert work[4000][:2] == (len(LETTERS) + 1, len(LETTERS) + 1)


def test_item3_report_wrap_measures_each_character_once_per_font(
    counting: CountingRenderer,
) -> None:
    text = " ".join(_word(300)[i:] for i in range(0, 300, 7))  # many words, same letters
    for size, bold in ((9.0, False), (9.0, True), (8.0, False)):
        report_pdf._wrap(text, report_pdf.WIDTH, size, bold)
        report_pdf._wrap(text, report_pdf.WIDTH - report_pdf.LABEL_W, size, bold)
    distinct = len(set(text))  # the space included
    assert counting.calls == counting.chars == 3 * distinct


VARIED = (
    "Stretching before sleep reduces the frequency and severity of nocturnal leg cramps in "
    "older adults: a randomised trial. https://doi.org/10.1016/j.jphys.2012.09.007",
    " ".join(["AVAWAYATTo Ty Yo LT LV P. F, r. y. Va We L' f' ff fi"] * 8),  # kerned pairs
    "AVAWATAYTVTW" * 60,  # one long word of kerned pairs
    "https://example.org/a/very/long/path?with=query&and=more_" + "segment-/" * 120,
    "W" * 400 + " " + "i" * 900 + " " + "m" * 300,
    "Wärmflasche, Magnesiumcitrat 300 mg; Ибупрофен 400 мг; Παρακεταμόλη 500 mg; " * 6,
    "0123456789.,:;!?()[]{}%&/-_" * 30,
    "—…€ŒœŠšŸŽž ÆØÅæøå ÇçÑñ" * 20,
    "a",
)


@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize("size", [8.0, 9.0, 10.5])
def test_item3_wrapped_lines_fit_when_measured_exactly(size: float, bold: bool) -> None:
    """Widths summed from single characters leave kerning out; measured the old, exact way
    (the whole line laid out by matplotlib), no line is wider than its column, and a long
    word's pieces still fill their lines."""
    for width in (report_pdf.WIDTH, report_pdf.WIDTH - report_pdf.LABEL_W, 1.2):
        room = width * 72
        for text in VARIED:
            lines = report_pdf._wrap(text, width, size, bold)
            assert "".join(lines).replace(" ", "") == "".join(text.split())
            exact = [report_pdf._width_pt(line, size, bold) for line in lines]
            assert max(exact) <= room, (text[:30], width)
            for word in text.split():  # a word broken in pieces fills the lines it breaks
                pieces = report_pdf._wrap(word, width, size, bold)[:-1]
                assert all(report_pdf._width_pt(p, size, bold) >= 0.75 * room for p in pieces)


def test_item3_report_clips_long_items_and_long_lists() -> None:
    legacy = Profile.model_construct(  # as the store hands back data kept before the bounds
        timezone="UTC",
        bedtime=None,
        medicines=["Ж" * 100_000, *(f"m{i}" for i in range(80))],
        conditions=["c" * MAX_ITEM_LENGTH],
    )
    content = _content(legacy, nights=7)
    facts = {fact.label: fact.value for fact in content.facts}
    medicines = facts["Medicines"].split("; ")
    assert medicines[0] == "Ж" * (MAX_ITEM_LENGTH - 1) + "…"
    assert medicines[1:-1] == [f"m{i}" for i in range(MAX_LIST_ITEMS - 1)]
    assert medicines[-1] == f"and {81 - MAX_LIST_ITEMS} more (all in crampcoach)"
    budgeted = Profile.model_construct(
        timezone="UTC", bedtime=None, medicines=["d" * MAX_ITEM_LENGTH] * 50, conditions=[]
    )
    long_list = {f.label: f.value for f in _content(budgeted, nights=7).facts}["Medicines"]
    assert len(long_list) <= LIST_BUDGET + MAX_ITEM_LENGTH + 40  # about six lines
    assert long_list.endswith("more (all in crampcoach)")
    assert facts["Conditions"] == "c" * MAX_ITEM_LENGTH  # at the bound: kept whole


def _content(profile: Profile, nights: int) -> ReportContent:
    history = generate_history(nights=nights)
    return report_content(
        history.episodes,
        preventive_routine_nights(history.sessions),
        first_night=DEFAULT_END - timedelta(days=nights - 1),
        last_night=DEFAULT_END,
        profile=profile,
        trial=None,
        screening=None,
        screening_taken_at=None,
        made_at=MADE,
    )


def _poppler() -> None:
    if shutil.which("pdftoppm") and shutil.which("pdftotext"):
        return
    unavailable("needs poppler-utils (pdftoppm, pdftotext); bash scripts/test installs it")


def test_item3_report_of_largest_profile_and_huge_legacy_medicine(tmp_path: Path) -> None:
    _poppler()
    largest = [f"{i:02d}".ljust(MAX_ITEM_LENGTH, "q") for i in range(MAX_LIST_ITEMS)]
    allowed = Profile(timezone="Europe/Amsterdam", medicines=largest, conditions=largest)
    profile = Profile.model_construct(  # the bounds' largest, and one medicine from before
        timezone=allowed.timezone,
        bedtime=None,
        medicines=["Ж" * 100_000, *allowed.medicines],
        conditions=allowed.conditions,
    )
    content = _content(profile, nights=365)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report_pdf.render_report_pdf(content))
    assert pdf.read_bytes().startswith(b"%PDF-")
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "p")], check=True)
    pages = len(list(tmp_path.glob("p-*.png")))
    assert pages in (1, 2)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert f"Page {pages} of {pages}" in text
    solid = "".join(text.split())  # a broken word's pieces joined again
    assert "Ж" * (MAX_ITEM_LENGTH - 1) + "…;" in solid  # clipped, with an ellipsis
    assert solid.count("Ж") == MAX_ITEM_LENGTH - 1
    assert "00" + "q" * (MAX_ITEM_LENGTH - 2) + ";" in solid  # at the bound: whole
