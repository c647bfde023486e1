"""Which frontend build folder an instance of the app takes (no Reflex involved)."""

import os

import pytest

from app.launcher import build_dirs, first_free_slot, take_build_slot


def test_slot_zero_is_reflexs_default_folders_and_others_are_numbered():
    assert build_dirs(0) == {"REFLEX_WEB_WORKDIR": ".web", "REFLEX_STATES_WORKDIR": ".states"}
    assert build_dirs(3) == {"REFLEX_WEB_WORKDIR": ".web-3", "REFLEX_STATES_WORKDIR": ".states-3"}


def test_the_lowest_slot_nobody_holds_is_taken():
    held = {0, 1, 3}
    tried: list[int] = []

    def take(slot: int) -> bool:
        tried.append(slot)
        return slot not in held

    assert first_free_slot(take) == 2
    assert tried == [0, 1, 2]


def test_no_free_slot_is_an_error_that_says_what_to_do():
    with pytest.raises(RuntimeError, match="all 4 build slots are in use"):
        first_free_slot(lambda slot: False, slots=4)


def test_a_held_slot_is_skipped_and_a_freed_one_is_reused(tmp_path):
    first, first_lock = take_build_slot(tmp_path)
    second, second_lock = take_build_slot(tmp_path)
    assert (first, second) == (0, 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".web-1.lock", ".web.lock"]

    os.close(first_lock)  # that instance stopped
    again, again_lock = take_build_slot(tmp_path)
    assert again == 0
    os.close(second_lock)
    os.close(again_lock)
