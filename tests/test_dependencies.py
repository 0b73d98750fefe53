"""What the runtime needs and what only its extras bring: the command line and the web
app load without the demo's mail server (aiosmtpd, the `demo` extra) and without
python-multipart (nothing posts a form) and without psycopg (the `postgres` extra);
`regwatch demo --alerts` and a PostgreSQL URL without their extra say what to install."""

from __future__ import annotations

import subprocess
import sys

from pipelines.storage.data_config import DataConfig, database_url
from tests.conftest import ROOT

# A meta path finder that makes these modules missing, as in an install without the extras.
WITHOUT = """
import sys
class Missing:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("aiosmtpd", "multipart", "python_multipart", "psycopg"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Missing())
"""


def run(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT + code, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})


def test_the_command_line_and_the_web_app_need_neither_aiosmtpd_nor_multipart(tmp_path):
    done = run("from pathlib import Path\n"
               "from pipelines.storage.data_config import DataConfig\n"
               "from regwatch.cli.main import main\n"
               "from regwatch.web.app import create_app\n"
               f"app = create_app(DataConfig(Path({str(tmp_path)!r}), 'sqlite:///{tmp_path}/r.db'))\n"
               "print('/api/check' in app.openapi()['paths'])\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_the_alerts_demo_without_its_extra_names_the_package_to_install(tmp_path):
    done = run("import sys; from regwatch.cli.main import main; sys.argv = ['regwatch'] + sys.argv[1:]; main()",
               "demo", "--alerts", "--out", str(tmp_path / "demo"))
    assert done.returncode == 2, done.stderr
    assert "aiosmtpd" in done.stderr and "regwatch[demo]" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_postgresql_url_means_psycopg_3():
    assert database_url("postgresql://u:p@db.example.org/regwatch") == "postgresql+psycopg://u:p@db.example.org/regwatch"
    assert database_url("postgres://u@db/regwatch") == "postgresql+psycopg://u@db/regwatch"  # as many hosts print it
    assert database_url("postgresql+psycopg2://u@db/regwatch") == "postgresql+psycopg2://u@db/regwatch"  # a choice
    assert database_url("sqlite:///output/regwatch.db") == "sqlite:///output/regwatch.db"
    config = DataConfig.from_env({"REGWATCH_DATABASE_URL": "postgresql://u@db/regwatch"})
    assert config.database_url == "postgresql+psycopg://u@db/regwatch"


def test_postgresql_without_its_extra_names_the_extra():
    done = run("from pipelines.storage.store import Store\n"
               "try:\n"
               "    Store('postgresql://u@127.0.0.1:9/regwatch')\n"
               "except ImportError as exc:\n"
               "    print(exc)\n",
               )
    assert done.returncode == 0, done.stderr
    assert "psycopg" in done.stdout and "regwatch[postgres]" in done.stdout


def test_a_crawls_start_up_loads_neither_openpyxl_nor_the_unused_http11_handler():
    # Each was a tenth to a sixth of every poll's CPU: openpyxl (and numpy) is for a crawl
    # --via xlsx; the HTTP/1.1 handler is never used (httpx fetches) but its error was named.
    done = run("import sys\n"
               "from scrapy.crawler import Crawler\n"
               "from scrapy.utils.project import get_project_settings\n"
               "from scraper.fetching import BackoffRetryMiddleware\n"
               "from scraper.spiders.minjust_json import MinjustJsonSpider\n"
               "BackoffRetryMiddleware.from_crawler(Crawler(MinjustJsonSpider, get_project_settings()))\n"
               "print(sorted(m for m in ('openpyxl', 'scrapy.core.downloader.handlers.http11') if m in sys.modules))\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
