"""What a spider hands to the item pipeline: one whole pull of a register."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.models import Pull


@dataclass
class PullItem:
    pull: Pull
    problem: str = ""  # set when the crawl could not bring back the whole register

    def __repr__(self) -> str:  # Scrapy logs items on errors: a summary, not megabytes of rows
        return (f"PullItem({self.pull.source}: {len(self.pull.rows)} rows of {self.pull.size}, "
                f"{len(self.pull.replies)} replies, problem={self.problem!r})")
