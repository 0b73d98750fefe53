"""The extractor's parts on their own: the helpers the split made public, each on the
wording it is there for. The whole extractor is tested in test_extract.py."""

from __future__ import annotations

from pipelines.announcements.sentences import (
    is_prosecution,
    undone,
    without_disclaimers,
)
from pipelines.announcements.text import html_text
from scraper.parsers.dates import DATE, published


def test_html_text_drops_scripts_and_navigation_and_keeps_blocks_as_lines() -> None:
    html = ("<html><head><script>var x = 1;</script><style>p {}</style></head><body>"
            "<nav>Home</nav><h1>Headline</h1><p>First <b>bold</b> sentence.</p><footer>©</footer></body></html>")
    text = html_text(html)
    assert [line for line in text.split("\n") if line.strip()] == ["Headline", "First bold sentence."]


def test_without_disclaimers_drops_the_media_disclaimer_and_footnote_marks() -> None:
    assert without_disclaimers("SOTA media (организация, признанная нежелательной в РФ) и Freedom House*") \
        == "SOTA media  и Freedom House"


def test_is_prosecution_tells_a_case_from_a_designation() -> None:
    assert is_prosecution("Суд оштрафовал жителя за участие в деятельности нежелательной организации")
    assert not is_prosecution("Генпрокуратура признала нежелательной организацию «Фонд»")


def test_undone_hedges_old_years_and_tallies_but_not_a_plain_act() -> None:
    pub = published("2025-03-01")

    def undone_as_extractor(text: str) -> bool:
        return undone(text, DATE.sub("", text), pub)

    assert not undone_as_extractor("The Prosecutor General's Office declared Amnesty International undesirable.")
    assert undone_as_extractor("Amnesty International could be declared undesirable.")
    assert undone_as_extractor("Amnesty International was declared undesirable in 2021.")
    assert undone_as_extractor("Russia has declared 12 organisations undesirable this year.")
    # a day and month are blanked, so «17 октября» before «остальных организаций» is no tally
    assert not undone_as_extractor("Решение датировано 16 октября, остальных организаций — 17 октября.")
