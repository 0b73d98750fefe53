"""Bad replies from the official service: each is refused with one clear line on stderr,
a non-zero exit, the full detail in the log, and the stored data and exports untouched."""

from __future__ import annotations

import json
import shutil
import socket

import pytest

from regwatch.fakes import states
from regwatch.fakes.minjust import FakeMinjust
from tests.conftest import FIRST_DAY, REGISTERS, Workspace, load_state


@pytest.fixture(params=list(REGISTERS))
def crawled_register(request, tmp_path, register_baselines):
    """Each register on the JSON service, its first recorded state crawled: the same bad
    replies are refused the same way for every one of them."""
    register = REGISTERS[request.param]
    data_dir = tmp_path / "out"
    shutil.copytree(register_baselines[register.source], data_dir)
    with FakeMinjust(register.state(register.first), registry_id=register.registry_id) as fake:
        yield Workspace(fake, data_dir, source=register.source), register


def assert_refused(workspace, result, before: dict, *fragments: str) -> None:
    assert result.code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{workspace.source}: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert workspace.fingerprint() == before
    # no change stored (what `regwatch changes` lists), read here, not by one more child process
    assert workspace.query("select count(*) from changes where source = :source", source=workspace.source) == [(0,)]
    log = (workspace.data_dir / "regwatch.log").read_text(encoding="utf-8")
    assert lines[0] in log  # the log has the same reason, with the detail around it
    status = json.loads((workspace.exports / "status.json").read_text(encoding="utf-8"))
    assert (status["outcome"], status["message"]) == ("refused", lines[0])
    assert status["exports_show"]["entries"] == len(workspace.fake.state.rows)  # the last good data, still served


# How the service fails (a status, a wrong size, a stall) does not depend on the register
# asked: those run on the first register only; every register gets the faults in its data.
SERVICE_FAULTS = ("size_mismatch", "status_403", "status_500", "timeout")
REGISTERS_FIRST = next(iter(REGISTERS))


# 367 rows of the first register's first state: 183 in a truncated first page, 374 announced
# with a wrong size; the other registers' counts follow from their states the same way.
BAD_REPLIES = [
    ("truncated", ["reply has {half} of {rows} rows"]),
    ("broken_json", ["/values at offset 0 reply is not valid JSON"]),
    ("html_200", ["/values at offset 0 returned an HTML page instead of JSON (HTTP 200)"]),
    ("size_mismatch", ["reply has {rows} of {more} rows"]),
    ("status_403", ["answered HTTP 403"]),
    ("status_500", ["answered HTTP 500"]),
    ("reset", ["cannot reach", "REGWATCH_PROXY"]),
    ("timeout", ["cannot reach", "REGWATCH_PROXY"]),
]


# Left out when collected, not skipped once set up: a skip would still copy the register.
@pytest.mark.parametrize(
    ("crawled_register", "fault", "fragments"),
    [pytest.param(source, fault, fragments, id=f"{source}-{fault}") for source in REGISTERS
     for fault, fragments in BAD_REPLIES if source == REGISTERS_FIRST or fault not in SERVICE_FAULTS],
    indirect=["crawled_register"],
)
def test_a_bad_reply_is_refused_and_nothing_is_lost(crawled_register, fault, fragments):
    crawled, _ = crawled_register
    rows = len(crawled.fake.state.rows)
    counts = {"rows": rows, "half": min(rows, 1000) // 2, "more": rows + 7}
    before = crawled.fingerprint()
    crawled.fake.fail(fault, delay=4)
    result = crawled.crawl(REGWATCH_TIMEOUT="1")
    assert_refused(crawled, result, before, *(f.format(**counts) for f in fragments))


def test_the_first_registers_counts_are_the_ones_it_always_gave(crawled):
    assert len(crawled.fake.state.rows) == 367  # the figures in the comment above


def test_a_bad_info_reply_is_refused(crawled_register):
    crawled, _ = crawled_register
    before = crawled.fingerprint()
    crawled.fake.fail("html_200", route="info")
    result = crawled.crawl()
    assert_refused(crawled, result, before, "/info returned an HTML page")


def test_a_missing_required_column_is_refused(crawled_register):
    crawled, register = crawled_register
    before = crawled.fingerprint()
    crawled.fake.serve(states.without_column(register.state(register.first), register.name_key))
    result = crawled.crawl()
    assert_refused(crawled, result, before, "missing required column(s) name")


def test_an_unrecognised_title_falls_back_to_the_field_number_with_a_warning(crawled_register):
    crawled, register = crawled_register
    crawled.fake.serve(states.with_column_title(register.state(register.first), register.name_key, "Организация"))
    result = crawled.crawl()
    assert result.code == 0, result.output
    assert "unchanged" in result.stdout
    log = (crawled.data_dir / "regwatch.log").read_text(encoding="utf-8")
    assert f"column name found by its field number {register.name_key} only" in log


def test_a_transient_reset_is_retried_with_backoff(crawled):
    crawled.fake.fail("reset", times=1)
    result = crawled.crawl()
    assert result.code == 0, result.output
    values = [r for r in crawled.fake.requests if r.path.endswith("/values")]
    assert len(values) == 2
    log = (crawled.data_dir / "regwatch.log").read_text(encoding="utf-8")
    assert "waiting 0.1 s before retry 1" in log


def test_empty_names_and_duplicate_numbers_are_refused_naming_the_row(crawled):
    before = crawled.fingerprint()
    crawled.fake.serve(states.with_name(load_state(FIRST_DAY), 7, "  "))
    assert_refused(crawled, crawled.crawl(), before, "row 7: name: empty name")

    duplicate = states._copy(load_state(FIRST_DAY))
    duplicate.rows[9]["field_1_i"] = 9
    crawled.fake.serve(duplicate)
    assert_refused(crawled, crawled.crawl(), before, "row 9: number: appears 2 times")


def test_a_bad_date_is_refused_naming_the_row_never_a_change_to_empty(crawled):
    before = crawled.fingerprint()
    state = states._copy(load_state(FIRST_DAY))
    state.rows[4]["field_4_s"] = "31.02.2016"
    crawled.fake.serve(state)
    assert_refused(crawled, crawled.crawl(), before,
                   "row 5: designated_on: not a valid date: '31.02.2016' (day is out of range for month)")
    row = next(r for r in crawled.latest_rows() if r["number"] == 5)
    assert row["designated_on"] == "2016-03-10"  # the stored value, not "(empty)"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_service_names_the_proxy_setting(workspace):
    result = workspace.crawl(REGWATCH_MINJUST_URL=f"http://127.0.0.1:{_closed_port()}")
    assert result.code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot reach" in result.stderr and "REGWATCH_PROXY" in result.stderr


def test_proxy_credentials_never_reach_the_output_or_the_log(workspace):
    proxy = f"http://alice:pr0xy-s3cret@127.0.0.1:{_closed_port()}"
    result = workspace.crawl(REGWATCH_PROXY=proxy)
    assert result.code == 1
    log = (workspace.data_dir / "regwatch.log").read_text(encoding="utf-8")
    for text in (result.stdout, result.stderr, log):
        assert "pr0xy-s3cret" not in text
    assert "fetching through proxy http://***@127.0.0.1" in log
    assert "through the proxy http://***@127.0.0.1" in result.stderr and "REGWATCH_PROXY" in result.stderr


def test_a_malformed_proxy_url_is_a_clear_error(workspace):
    result = workspace.crawl(REGWATCH_PROXY="ftp://bob:hunter22@proxy.example:21")
    assert result.code == 1
    assert "REGWATCH_PROXY must be an http://, https:// or socks5:// URL" in result.stderr
    assert "hunter22" not in result.output
    # the refusal is the crawl's outcome, not an error Twisted finds unhandled afterwards
    assert "Unhandled error" not in result.stderr and "without a result" not in result.stderr
