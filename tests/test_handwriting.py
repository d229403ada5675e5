"""Toe writing with the kinematics of handwriting: the generator
(crampcoach.fixtures.handwriting), the self-paced letters
(crampcoach.motion.letter_segments) and the recogniser (crampcoach.motion.letter_recogniser)."""

from __future__ import annotations

import numpy as np
import pytest

from crampcoach.fixtures.handwriting import TUNED, Population, pieces, write_letters
from crampcoach.fixtures.motion import generate
from crampcoach.fixtures.motion_letters import strokes
from crampcoach.motion.letter_recogniser import recognise, resample, score_letters
from crampcoach.motion.letter_segments import letters as letter_spans
from crampcoach.motion.letter_shapes import TEMPLATES
from crampcoach.motion.registry import analyse, make_analyser

STEADY = Population(corner_stop=(0.0, 0.0), fidgets_per_s=(0.0, 0.0), tremor_mm=(0.0, 0.0))


def _speed(hand, t: np.ndarray) -> np.ndarray:
    path = hand.offsets(t)
    return np.linalg.norm(np.diff(path, axis=0), axis=1) / np.diff(t)


# -- the generator ---------------------------------------------------------------------
def test_a_stroke_slows_down_at_its_corners_without_stopping() -> None:
    hand = write_letters(np.random.default_rng(3), "L", STEADY, 0.5)
    t = np.arange(0.0, hand.end_s + 0.5, 0.005)
    speed = _speed(hand, t)
    down = [c for c in hand.components if c.pen_down]
    assert len(down) == 2  # the L's down stroke and its foot: one corner
    corner = down[1].onset + 0.5 * (down[0].end - down[1].onset)
    near = (t[1:] > down[1].onset) & (t[1:] < down[0].end)
    assert near.any()
    lowest = speed[near].min()
    peaks = [speed[(t[1:] > c.onset) & (t[1:] < c.end)].max() for c in down]
    assert lowest < 0.6 * min(peaks)  # a slowdown at the corner ...
    assert lowest > 0.02 * min(peaks)  # ... that does not stop (the components overlap)
    assert down[0].onset < corner < down[1].end


def test_letters_are_joined_by_moves_and_separated_by_rests() -> None:
    hand = write_letters(np.random.default_rng(4), "TL", STEADY, 0.5)
    ups = [c for c in hand.components if not c.pen_down]
    # T: to its first stroke, to its second; L: from T's end to its start; back to rest
    assert len(ups) == 4
    first, second = hand.letters
    assert second.start_s - first.end_s > 0.2  # a rest between the letters
    t = np.arange(first.end_s + 0.02, second.start_s - 0.02, 0.01)
    # still but for the lognormal tails (no tremor here): a few mm against a letter's 8 cm+
    assert np.ptp(hand.offsets(t), axis=0).max() < 3e-3
    move = ups[2]  # from the T's last point to the L's first
    assert np.linalg.norm(move.path[-1] - move.path[0]) > 0.01


def test_writers_differ_in_size_and_speed() -> None:
    a = write_letters(np.random.default_rng(1), "ABC", TUNED, 0.0)
    b = write_letters(np.random.default_rng(2), "ABC", TUNED, 0.0)
    assert a.letters[0].height_m != pytest.approx(b.letters[0].height_m, rel=0.05)
    assert a.end_s != pytest.approx(b.end_s, rel=0.05)


def test_corners_cut_strokes_into_components() -> None:
    assert [len(p) for p in pieces(np.array([[0, 0], [0, 1], [1, 1]], dtype=float))] == [2, 2]
    assert len(pieces(strokes("O")[0])) == 2  # a full turn: two components
    assert len(pieces(strokes("C")[0])) == 2


# -- self-paced letters ----------------------------------------------------------------
def _clean_path(hand, fps: float = 30.0) -> tuple[np.ndarray, np.ndarray]:
    t = np.arange(0.0, hand.end_s + 1.0, 1 / fps)
    return t, hand.offsets(t) / 0.42  # shank lengths, as the analyser measures


def test_a_slowed_corner_does_not_split_a_letter() -> None:
    stops = Population(corner_stop=(1.0, 1.0), stop_s=(0.15, 0.2), pause_s=(1.2, 1.3))
    hand = write_letters(np.random.default_rng(5), "EFHK", stops, 0.5)
    t, p = _clean_path(hand)
    spans = letter_spans(t, p, "EFHK")
    assert len(spans) == 4
    for (start, stop), letter in zip(spans, hand.letters, strict=True):
        assert abs(t[start] - letter.start_s) < 0.3 and abs(t[stop - 1] - letter.end_s) < 0.3


def test_jitter_at_rest_starts_no_letter() -> None:
    # Fidgets and tremor in long rests: neither a letter of their own nor the start of the
    # next one, so each letter starts where the writer started it. Ten writers in a row
    # (seeds 6 to 15, not picked): today one is off (seed 14, counted 6); without the
    # minor-burst filter (MINOR_SHARE) five are, a fidget starting the next letter early.
    fidgety = Population(
        fidgets_per_s=(0.6, 0.6), fidget_cm=(2.0, 3.0), pause_s=(2.5, 2.6), tremor_mm=(2.0, 2.0)
    )
    off = []
    for seed in range(6, 16):
        hand = write_letters(np.random.default_rng(seed), "ABCD", fidgety, 0.5)
        t, p = _clean_path(hand)
        spans = letter_spans(t, p, "ABCDEFGH")  # asked for eight, wrote four
        starts = [t[start] for start, _ in spans]
        if len(spans) != 4 or any(
            abs(start - letter.start_s) > 0.3
            for start, letter in zip(starts, hand.letters, strict=True)
        ):
            off.append(seed)
    assert len(off) <= 1, off


def test_self_paced_letters_on_handwriting_tracks() -> None:
    # Six writers in a row (seeds 0 to 5, not picked): the count within one for each and
    # exact for most, as the benchmark's goals ask of many more.
    counts = []
    for seed in range(6):
        track = generate("toe-writing", seed, clean=True, letters="ABCDEFGH", handwriting="tuned")
        counts.append(analyse(track.frames, "toe-writing").result["letters_moved"])
    assert all(abs(n - 8) <= 1 for n in counts), counts
    assert sum(n == 8 for n in counts) >= 4, counts


def test_a_writer_asked_for_the_alphabet_is_counted_to_z() -> None:
    # Seed 12 (picked: one of the first sixteen where it matters) has noise enough that the
    # path lengths of a pair of letters and of the two letters fit about as well: without
    # the cost of stopping before Z (STOP_COST) three pairs merge and it is counted 23.
    # (Writers who stop early are still counted where they stop: see the test above.)
    track = generate("toe-writing", 12, handwriting="tuned")
    result = analyse(track.frames, "toe-writing").result
    assert len(track.truth.letters) == 26
    assert result["letters_moved"] == 26


def test_with_prompts_every_prompted_letter_moves() -> None:
    track = generate("toe-writing", 2, letters="ABCDEF", handwriting="untuned")
    result = analyse(track.frames, "toe-writing", prompts=track.truth.prompts).result
    assert result["letters_moved"] == 6
    assert all("matches_prompt" in x and "score" in x for x in result["letters"])


# -- the recogniser ---------------------------------------------------------------------
@pytest.mark.parametrize("letter", sorted(TEMPLATES))
def test_each_template_recognises_itself(letter: str) -> None:
    found = recognise(TEMPLATES[letter])
    assert found.letter == letter and found.score == pytest.approx(1.0)


def test_distorted_letters_are_still_recognised() -> None:
    # Turned 8 degrees, narrower and taller, and shaky: as a foot writes them.
    turn = np.radians(8.0)
    rotate = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    missed = []
    for letter, template in TEMPLATES.items():
        rng = np.random.default_rng(ord(letter))
        path = resample(template, 64) @ rotate.T * [0.9, 1.1]
        found = recognise(path + rng.normal(0.0, 0.01, path.shape))
        if found.letter != letter:
            missed.append(letter)
        else:
            assert 0.5 < found.score < 1.0
    assert len(missed) <= 3, missed  # today: H (read K), M (H), O (G)


def test_the_wrong_letter_scores_lower() -> None:
    scores = score_letters(TEMPLATES["E"])
    assert scores["E"] > scores["F"] > 0
    assert scores["E"] - max(v for k, v in scores.items() if k != "E") > 0.05


def test_a_letter_seen_in_the_raw_image_is_read_in_the_writers_view() -> None:
    # The camera's raw image shows the letters mirrored; read in the writer's own view most
    # prompted letters are recognised (seen mirrored or upside down, two or three would be).
    track = generate("toe-writing", 3, clean=True, letters="ABCDEFGHIJ", handwriting="tuned")
    result = analyse(track.frames, "toe-writing", prompts=track.truth.prompts).result
    assert sum(x["matches_prompt"] for x in result["letters"]) >= 6


def test_live_letters_carry_their_reading_for_the_page() -> None:
    # The page ticks a letter when its `recognised:` event names the letter just closed.
    track = generate("toe-writing", 3, clean=True, letters="ABCDEFGHIJ", handwriting="tuned")
    live = make_analyser("toe-writing", prompts=track.truth.prompts)
    events = [e for frame in track.frames for e in live.update(frame).events]
    closed = [e for e in events if e.startswith("letter:")]
    read = [e for e in events if e.startswith("recognised:")]
    assert len(closed) == len(read) == 9  # the last letter closes with the result
    ticks = sum(f"recognised:{c[7:]}" == r for c, r in zip(closed, read, strict=True))
    assert ticks >= 5
