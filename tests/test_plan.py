"""Page planning (plan.py): pure functions, checked without laying anything out."""

from __future__ import annotations

from catalogue.layout.plan import Part, plan, sizes_found, starts_left

SECTIONS = ["oversigt", "register", "kontakt"]


def _pages(planned) -> list[int | None]:
    """Where each part of a plan starts (None: a blank page)."""
    return [part and part.first_page for part in planned.order]


def test_spreads_start_on_left_pages_after_the_front_matter():
    planned = plan(["a", "b"], SECTIONS, {"front": 5})
    # the front matter takes pages 1-5; page 6 is a left-hand page: the first spread
    assert planned.numbers == {"a": 6, "b": 8, "oversigt": 10, "register": 11, "kontakt": 12}
    assert [p.first_side for p in planned.order if p] == [
        "right", "left", "left", "left", "right", "left"]


def test_a_front_matter_of_even_length_gets_a_blank_page_before_the_first_spread():
    planned = plan(["a"], SECTIONS, {"front": 4})
    assert _pages(planned) == [1, None, 6, 8, 9, 10]
    assert planned.numbers["a"] == 6


def test_a_spread_that_runs_over_moves_the_ones_after_it_to_the_next_left_page():
    planned = plan(["a", "b", "c"], SECTIONS, {"front": 5, "b": 3})
    assert planned.numbers == {"a": 6, "b": 8, "c": 12, "oversigt": 14, "register": 15,
                               "kontakt": 16}
    assert planned.order[3] is None  # the blank page after b's third page (11)


def test_which_pages_are_left_hand_pages():
    assert [starts_left(page) for page in (1, 2, 3, 10)] == [False, True, False, True]


def test_the_print_edition_is_padded_to_a_multiple_of_four_before_its_last_page():
    sizes = {"front": 5, "oversigt": 1, "register": 3, "kontakt": 1}
    planned = plan(["a", "b"], SECTIONS, sizes, padded=True)
    # 5 + 4 spread pages + 5 back pages = 14: two fillers before the last section make 16
    assert [p.fillers for p in planned.order if p] == [0, 0, 0, 0, 0, 2]
    last = planned.numbers["kontakt"] + sizes["kontakt"] - 1
    assert planned.numbers["kontakt"] == 16 and last % 4 == 0
    # everything before it is numbered as in the edition that is not padded
    alone = plan(["a", "b"], SECTIONS, sizes)
    assert alone.numbers == planned.numbers | {"kontakt": 14}


def test_no_padding_until_every_section_has_a_known_length():
    planned = plan(["a"], SECTIONS, {"front": 5, "oversigt": 1}, padded=True)
    assert all(p.fillers == 0 for p in planned.order if p)


def test_the_lengths_found_give_the_plan_again_once_they_are_right():
    planned = plan(["a", "b"], SECTIONS, {"front": 5})
    came_out = [7, 2, 3, 2, 4, 1]  # front, a, b (ran over), the three sections
    found = sizes_found(planned, came_out)
    assert found == {"front": 7, "b": 3, "oversigt": 2, "register": 4, "kontakt": 1}
    again = plan(["a", "b"], SECTIONS, found)
    # the back matter follows b's third page directly: its sections need no left page
    assert again.numbers == {"a": 8, "b": 10, "oversigt": 13, "register": 15, "kontakt": 19}
    assert _pages(again) == [1, 8, 10, 13, 15, 19]
    # laid out again with these numbers, the parts come out as long: the plan holds
    assert sizes_found(again, came_out) == found


def test_the_fillers_are_not_counted_as_part_of_a_section():
    sizes = {"front": 5, "oversigt": 1, "register": 3, "kontakt": 1}
    planned = plan(["a", "b"], SECTIONS, sizes, padded=True)
    pages = [5, 2, 2, 1, 3, 2 + 1]  # the last section's part holds the two fillers
    assert sizes_found(planned, pages) == sizes


def test_a_part_knows_its_side():
    assert Part("spread", 8, "a").first_side == "left"
    assert Part("back", 9, "register").first_side == "right"


def test_a_plan_that_does_not_settle_is_said_plainly(tmp_path, monkeypatch):
    """A part that never comes out as long as the plan assumed: an error, in Danish."""
    import shutil
    from pathlib import Path

    import pytest

    from catalogue.build import build
    from catalogue.errors import BuildFailed
    from catalogue.layout import pages

    root = Path(__file__).resolve().parent.parent
    shutil.copy(root / "catalogue.yaml", tmp_path)
    shutil.copytree(root / "entries", tmp_path / "entries")
    found = iter(range(1, 100))  # every attempt finds the front matter a page longer
    monkeypatch.setattr(pages, "sizes_found",
                        lambda planned, lengths: {"front": next(found)})
    with pytest.raises(BuildFailed, match="sidetallene faldt ikke på plads"):
        build(tmp_path, say=lambda message: None, only={"download"})
