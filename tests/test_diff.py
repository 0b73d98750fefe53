"""Identity and difference between two states: pure functions, checked case by case and
by property on generated registers."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.register.diff import baseline, diff, entry_id_for
from pipelines.register.models import EXCLUDED, Entry
from pipelines.register.normalise import fingerprint, normalise_changed, normalise_rows

SRC = "ru_minjust_undesirable"
T0, T1, T2 = "2026-07-29T10:00:00+00:00", "2026-08-14T10:00:00+00:00", "2026-08-20T10:00:00+00:00"


def row(number: int, name: str | None = None, listed_on: str = "2026-01-01", order: str = "") -> Entry:
    return Entry(entry_id="", number=number, name=name or f"Organisation {number} (США)",
                 listed_on=listed_on, listing_order=order, country_code="US")


def register(n: int) -> list[Entry]:
    return baseline(SRC, [row(i) for i in range(1, n + 1)], T0).entries


def kinds(d) -> list[tuple[str, int]]:
    return [(c.kind, c.number) for c in d.changes]


def test_baseline_gives_fixed_ids_and_no_changes():
    state = register(3)
    assert [e.entry_id for e in state] == [f"{SRC}/1", f"{SRC}/2", f"{SRC}/3"]
    assert all(e.first_seen == e.last_changed == T0 for e in state)


def test_additions_only():
    old = register(3)
    d = diff(SRC, old, [row(i) for i in range(1, 6)], T1)
    assert kinds(d) == [("added", 4), ("added", 5)]
    assert [e.first_seen for e in d.entries] == [T0, T0, T0, T1, T1]


def test_an_edited_name_keeps_the_entry():
    old = register(3)
    d = diff(SRC, old, [row(1), row(2, "Renamed (США)"), row(3)], T1)
    assert [(c.kind, c.entry_id, c.field, c.old, c.new) for c in d.changes] == [
        ("modified", f"{SRC}/2", "name", "Organisation 2 (США)", "Renamed (США)")]
    assert d.entries[1].last_changed == T1 and d.entries[0].last_changed == T0


def test_a_number_reused_by_another_organisation_is_removal_and_addition():
    old = register(3)
    d = diff(SRC, old, [row(1), row(2), row(3, "Someone else", listed_on="2026-05-05")], T1)
    assert sorted(kinds(d)) == [("added", 3), ("removed", 3)]
    assert d.entries[2].entry_id == f"{SRC}/3-2"


def test_exclusion_is_one_change_not_three():
    old = register(2)
    excluded = replace(row(2), status=EXCLUDED, excluded_on="2026-08-20", exclusion_order="5-р")
    d = diff(SRC, old, [row(1), excluded], T1)
    assert [(c.kind, c.field, c.old, c.new) for c in d.changes] == [("excluded", "status", "listed", "excluded")]


def test_a_vanished_entry_that_returns_is_reinstated_under_its_old_id():
    old = register(3)
    first = diff(SRC, old, [row(1), row(3)], T1)
    assert kinds(first) == [("removed", 2)]
    second = diff(SRC, first.entries, [row(1), row(2), row(3)], T2, gone=first.removed,
                  taken_ids=[e.entry_id for e in old])
    assert [(c.kind, c.entry_id, c.old) for c in second.changes] == [("reinstated", f"{SRC}/2", "removed")]
    assert second.entries[1].first_seen == T0


def test_entry_ids_never_collide():
    assert entry_id_for(SRC, 5, set()) == f"{SRC}/5"
    assert entry_id_for(SRC, 5, {f"{SRC}/5", f"{SRC}/5-2"}) == f"{SRC}/5-3"


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=2, max_value=60).flatmap(
    lambda n: st.tuples(st.just(n), st.permutations(range(1, n + 1)))))
def test_any_permutation_of_numbers_is_only_renumbering(case):
    n, numbers = case
    old = register(n)
    shuffled = [replace(row(i), number=new) for i, new in zip(range(1, n + 1), numbers)]
    d = diff(SRC, old, shuffled, T1)
    moved = sum(1 for i, new in zip(range(1, n + 1), numbers) if i != new)
    assert {c.kind for c in d.changes} <= {"renumbered"}
    assert len(d.changes) == moved
    assert {e.entry_id for e in d.entries} == {e.entry_id for e in old}


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=40), st.sets(st.integers(min_value=1, max_value=40)),
       st.integers(min_value=0, max_value=5))
def test_removals_and_additions_are_counted_exactly(n, dropped, added):
    old = register(n)
    dropped = {d for d in dropped if d <= n}
    kept = [row(i) for i in range(1, n + 1) if i not in dropped]
    fresh = [row(1000 + k, f"New {k}") for k in range(added)]
    d = diff(SRC, old, kept + fresh, T1)
    assert sorted(c.number for c in d.changes if c.kind == "removed") == sorted(dropped)
    assert sum(1 for c in d.changes if c.kind == "added") == added
    assert len(d.entries) == n - len(dropped) + added
    assert len({e.entry_id for e in d.entries}) == len(d.entries)


@given(st.integers(min_value=0, max_value=50))
def test_a_state_compared_with_itself_has_no_changes(n):
    old = register(n)
    d = diff(SRC, old, [replace(e, entry_id="", first_seen="", last_changed="") for e in old], T1)
    assert d.changes == [] and d.entries == old


def test_guardrails_hold_vanished_rows_and_mass_edits_but_not_weekly_batches():
    from pipelines.register.validate import hold_reason
    from scraper.registers.metadata import Thresholds

    old = register(400)
    thresholds = Thresholds()
    weekly = diff(SRC, old, [row(i) for i in range(1, 416)], T1)
    assert hold_reason(weekly, 400, thresholds) == ""
    vanished = diff(SRC, old, [row(i) for i in range(1, 400)], T1)
    assert hold_reason(vanished, 400, thresholds) == "1 entry vanished (number 400)"
    edited = [row(i, f"Edited {i}" if i <= 30 else None) for i in range(1, 401)]
    # An edit keeps identity through the inclusion order, so give the rows one.
    old_ordered = baseline(SRC, [row(i, order=f"{i}-р") for i in range(1, 401)], T0).entries
    mass = diff(SRC, old_ordered, [replace(e, listing_order=f"{e.number}-р") for e in edited], T1)
    assert hold_reason(mass, 400, thresholds) == "30 of 400 entries changed at once"


def test_additions_across_a_long_gap_are_not_held_but_vanished_rows_still_are():
    from pipelines.register.validate import additions_over_gap, hold_reason
    from scraper.registers.metadata import Thresholds

    old, thresholds = register(188), Thresholds(changes_every_days=7)
    grown = diff(SRC, old, [row(i) for i in range(1, 368)], T1)  # 179 added
    assert hold_reason(grown, 188, thresholds, gap_days=1) == "179 entries added at once"
    assert hold_reason(grown, 188, thresholds, gap_days=20) == "179 entries added at once"  # 3 weeks: 150
    assert hold_reason(grown, 188, thresholds, gap_days=692) == ""
    assert additions_over_gap(grown, 188, thresholds, 692) == 179
    assert additions_over_gap(grown, 188, thresholds, 1) == 0
    weekly = diff(SRC, old, [row(i) for i in range(1, 200)], T1)
    assert additions_over_gap(weekly, 188, thresholds, 692) == 0  # not held anyway: nothing to explain
    vanished = diff(SRC, old, [row(i) for i in range(2, 368)], T1)
    assert hold_reason(vanished, 188, thresholds, gap_days=692) == "1 entry vanished (number 1)"


def published(number: int, name: str, order: str = "", status: str = "Включена") -> dict[str, str]:
    return {"number": str(number), "name": name, "listed_on": "01.01.2026",
            "listing_order": order or f"{number}-р", "status": status}


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=30).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.sampled_from(["same", "renamed", "excluded", "renumbered", "gone", "reordered"]),
                         min_size=n, max_size=n), st.integers(min_value=0, max_value=3))))
def test_comparing_only_the_rows_no_fingerprint_kept_finds_what_comparing_everything_finds(case):
    """A crawl compares by fingerprints (normalise_changed): the stored entries whose
    published cells no row repeats, with the rows published otherwise. Its changes, new
    versions and removals are those of the whole states compared."""
    n, edits, added = case
    url = "https://example.org/register"
    old_rows = [published(i, f"Organisation {i}") for i in range(1, n + 1)]
    old = baseline(SRC, normalise_rows(old_rows, url)[0], T0).entries
    new_rows = []
    for i, edit in enumerate(edits, 1):
        if edit != "gone":
            new_rows.append({"same": published(i, f"Organisation {i}"),
                             "renamed": published(i, f"Organisation {i} renamed"),
                             "excluded": published(i, f"Organisation {i}", status="Исключена"),
                             "renumbered": published(100 + i, f"Organisation {i}", order=f"{i}-р"),
                             "reordered": published(i, f"Organisation {i}", order=f"{i}-р ")}[edit])
    new_rows += [published(200 + k, f"New {k}") for k in range(added)]
    taken = {e.entry_id for e in old}

    whole = diff(SRC, old, normalise_rows(new_rows, url, known={e.raw: e for e in old})[0], T1, taken_ids=taken)
    stored = {fingerprint(e.raw, e.source_url): e.entry_id for e in old}
    changed, kept, problems = normalise_changed(new_rows, url, stored)
    part = diff(SRC, [e for e in old if e.entry_id not in kept], changed, T1, taken_ids=taken)
    assert problems == [] and len(kept) == edits.count("same")
    assert (part.changes, part.touched, part.removed) == (whole.changes, whole.touched, whole.removed)
    assert sorted([*kept, *(e.entry_id for e in part.entries)]) == sorted(e.entry_id for e in whole.entries)
