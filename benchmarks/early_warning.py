"""How long from a new Prosecutor General's announcement on its site to the early warning
at a subscriber's webhook, when the announcements job runs.

    .venv/bin/python benchmarks/early_warning.py [--rounds 5]

Real parts: `regwatch announcements --fetch --config` as the scheduler runs it (a child
process: eight spiders in one Scrapy process, the production politeness delay of 1 s a
site), local fakes of all eight sources serving their fixture pages, the register of
`regwatch demo` (2026-08-14, 390 rows) to link against, and a real webhook receiver
checking signatures. Round 0 stores the fixture articles (old news: no alert). Each later
round publishes one new announcement of an organisation no register lists on the fake
Prosecutor General's news list, dated today, and times the job from its start to the
signed webhook's arrival.

The time-to-alert a monitor sees is this processing time plus the wait for the next run
of the job: at most 5 minutes on weekday working hours with the shipped schedule (30
otherwise), 2.5 minutes on average. Prints figures and ratios; never asserts.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from _common import print_table  # noqa: E402

from regwatch.demo import run_demo  # noqa: E402
from regwatch.fakes.harness import ROOT, make_env, run_regwatch  # noqa: E402
from regwatch.fakes.receivers import WebhookReceiver  # noqa: E402
from regwatch.fakes.sites import FakeSite  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "announcements"  # the sites' recorded pages (data, not code)

SECRET = "benchmark-secret"
NEWS = "/web/gprf/mass-media/news"
# The Prosecutor General's boilerplate, for an organisation no register lists.
ANNOUNCEMENT = ("<p>По результатам изучения поступивших материалов установлено, что деятельность "
                "иностранной неправительственной организации «{name}» (Соединенные Штаты Америки) "
                "представляет угрозу основам конституционного строя и безопасности Российской Федерации.</p>"
                "<p>Генеральной прокуратурой Российской Федерации принято решение о признании нежелательной "
                "на территории Российской Федерации деятельности иностранной неправительственной "
                "организации «{name}».</p>")


def url_settings() -> dict[str, str]:
    """Each announcement source with recorded pages → the setting its spider reads the site's URL from."""
    found = {}
    for folder in sorted(FIXTURES.iterdir()):
        module = importlib.import_module(f"scraper.spiders.announcements_{folder.name}")
        found[folder.name] = next(value.url_setting for value in vars(module).values()
                                  if isinstance(value, type) and value.__module__ == module.__name__
                                  and isinstance(getattr(value, "url_setting", None), str))
    return found


def publish(site: FakeSite, folder: Path, round_number: int) -> str:
    """One new item on the fake news list, dated «Сегодня», and its page; its organisation."""
    name = f"Фонд Бенчмарк-{round_number}"
    item = f"{NEWS}?item={90000000 + round_number}"
    template = (FIXTURES / "genproc" / "item_84993485.html").read_text(encoding="utf-8")
    start = template.index('<div class="feeds-page__article_text">') + len('<div class="feeds-page__article_text">')
    end = template.index("<p>Распечатать")
    page = (template[:start] + ANNOUNCEMENT.format(name=name) + template[end:]).replace(
        '<li class="feeds-page__info_item">31.01.2023</li>',
        f'<li class="feeds-page__info_item">{date.today():%d.%m.%Y}</li>')
    (folder / f"bench_{round_number}.html").write_text(page, encoding="utf-8")
    news = (folder / "news.html").read_text(encoding="utf-8")
    carousel = '<div class="feeds-list__list_body feeds-list__list_body--carousel">'
    listed = (f'{carousel}\n   <div class="feeds-list__item"><h4>Сегодня</h4><span><span>09:00</span></span>'
              f'<a href="{item}">Генеральная прокуратура признала нежелательной деятельность организации</a></div>')
    (folder / "news.html").write_text(news.replace(carousel, listed, 1), encoding="utf-8")
    site.routes[item] = f"bench_{round_number}.html"
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="announcements published and timed")
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        data_dir, folder = Path(tmp) / "data", Path(tmp) / "genproc"
        with contextlib.redirect_stdout(io.StringIO()):
            run_demo(data_dir)
        shutil.copytree(FIXTURES / "genproc", folder)
        sites = {source: stack.enter_context(FakeSite(FIXTURES / source)) for source in url_settings()}
        sites["genproc"].folder = folder  # its news list and pages change between rounds
        receiver = stack.enter_context(WebhookReceiver(SECRET))
        config = Path(tmp) / "regwatch.toml"
        config.write_text(f'[[subscription]]\nname = "monitor"\nwebhook = "{receiver.url}"\n'
                          f'secret = "{SECRET}"\n', encoding="utf-8")
        env = make_env("http://127.0.0.1:9", data_dir, REGWATCH_DOWNLOAD_DELAY="1",
                       **{url_settings()[s]: site.url for s, site in sites.items()})
        command = ["announcements", "--fetch", "--config", str(config)]

        start = time.time()
        first = run_regwatch(command, env, timeout=300)
        baseline_seconds = time.time() - start
        print(f"round 0 (the fixture articles, old news): exit {first.code}, {baseline_seconds:.1f} s, "
              f"{len(receiver.calls)} alerts")
        timings = []
        for round_number in range(1, rounds + 1):
            name = publish(sites["genproc"], folder, round_number)
            start = time.time()
            result = run_regwatch(command, env, timeout=300)
            arrived = [c for c in receiver.calls if name in c.body.decode()]
            if result.code != 0 or len(arrived) != 1 or not arrived[0].signature_ok:
                print(f"round {round_number}: exit {result.code}, {len(arrived)} alerts for {name}\n{result.stderr}")
                continue
            timings.append(arrived[0].at - start)
            print(f"round {round_number}: {name} alerted after {timings[-1]:.1f} s (the job took "
                  f"{time.time() - start:.1f} s)")
    if not timings:
        print("no round delivered its alert")
        return
    print(f"\nannouncement → webhook, processing only: median {statistics.median(timings):.1f} s, "
          f"max {max(timings):.1f} s over {len(timings)} rounds")
    print_table([
        ("announcement published → signed webhook (the job's own time)", statistics.median(timings), 60.0, " s",
         f"median of {len(timings)}; eight sources, 1 s politeness delay"),
        ("the same, worst round", max(timings), 60.0, " s", ""),
        ("plus the wait for the job, shipped schedule (weekday working hours)", 150 + statistics.median(timings),
         None, " s", "average wait 2.5 min (runs every 5 min)"),
    ])


if __name__ == "__main__":
    main()
