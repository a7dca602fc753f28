"""Field-quality monitoring: anomalies of one article, coverage of a run, the verdict,
and a crawl in which one column's pages lose their titles."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import pytest_twisted

from liuzhou_spider.field_quality import (
    FieldTally,
    Thresholds,
    anomalies,
    column_key,
    failures,
    summary_lines,
)
from liuzhou_spider.health import ExitCode, assess
from liuzhou_spider.items import Attachment, CleanArticle, Image, RawArticle
from liuzhou_spider.portal.generate import build_site
from tests.crawling import crawl_options, query, run_crawl_deferred
from tests.portal_fixture import serve_portal

URL = "https://www.lztz.gov.cn/tzdt/szjj/bs/202602/t20260225_3712345.html"
BODY = "2月24日，市委、市政府召开推动高质量发展大会，部署全年工作任务。" * 2
SITES = ("柳州统战网", "柳州统一战线")
FLOORS = Thresholds(floors={"title": 0.9, "date": 0.8, "column": 0.8, "body": 0.8},
                    min_articles=3)


def article(url: str = URL, **fields: object) -> CleanArticle:
    raw = RawArticle(url=url, canonical_url=url, fetched_at="2026-02-26T00:00:00+00:00",
                     status=200, template="current", column_heading="本市")
    base = CleanArticle(
        raw=raw, title="张壮在柳州市2026年新春第一会上强调",
        published_at="2026-02-25T17:44:00+08:00", published_precision="datetime",
        source="柳州1号", column=["统战动态", "时政聚焦", "本市"], body_text=BODY,
        body_html=f"<p>{BODY}</p>", images=[], attachments=[], extractor="template",
        chrome_leaks=[],
    )
    return replace(base, **fields)


def test_a_complete_article_has_no_anomaly() -> None:
    assert anomalies(article(), site_names=SITES) == []


@pytest.mark.parametrize(("fields", "expected"), [
    ({"title": ""}, ["no_title"]),
    ({"title": "- 柳州统战网"}, ["title_is_site_name"]),
    ({"title": "本市"}, ["title_is_column_name"]),
    ({"column": []}, ["empty_column"]),
    ({"published_at": None, "published_precision": None}, ["no_date"]),
    ({"published_precision": "date"}, ["date_only"]),
    ({"source": None}, ["no_source"]),
    ({"body_text": "见附件。"}, ["short_body"]),
])
def test_each_anomaly(fields: dict[str, object], expected: list[str]) -> None:
    assert anomalies(article(**fields), site_names=SITES) == expected


def test_a_photo_story_or_a_notice_of_attachments_is_no_short_body() -> None:
    photo = article(body_text="", images=[Image("https://www.lztz.gov.cn/a.jpg", "大会现场")])
    notice = article(body_text="详见附件。",
                     attachments=[Attachment("https://www.lztz.gov.cn/a.pdf", "名单")])
    assert anomalies(photo) == anomalies(notice) == []


def test_a_title_that_is_another_column_name() -> None:
    assert anomalies(article(title="工作视线"), column_names=["统战动态", "工作视线"]) == [
        "title_is_column_name"]


def test_a_title_that_disagrees_with_the_list_link_text() -> None:
    clean = article()
    assert anomalies(clean, list_title="张壮在柳州市2026年新春第一会…") == []
    assert anomalies(clean, list_title="市委统战部召开座谈会") == ["title_not_list_text"]


def tally_of(articles: list[CleanArticle]) -> dict:
    tally = FieldTally()
    for clean in articles:
        tally.add(clean, anomalies(clean, site_names=SITES))
    return tally.to_json()


def test_coverage_per_field_and_column_and_the_floor_names_the_field() -> None:
    other = URL.replace("/tzdt/szjj/bs/", "/gzsx/")
    good = [article(url=f"{other[:-5]}{i}.html") for i in range(30)]
    broken = [article(title="柳州统战网") for _ in range(4)]
    quality = tally_of(good + broken)
    assert quality["articles"] == 34
    assert quality["coverage"]["title"] == round(30 / 34, 4)
    assert quality["columns"]["tzdt/szjj/bs"]["coverage"]["title"] == 0.0
    assert quality["anomalies"] == {"title_is_site_name": 4}
    assert quality["examples"]["title_is_site_name"] == [URL] * 4
    found = failures(quality, None, FLOORS)
    assert found == ["title coverage 88% (floor 90%)",
                     "title coverage 0% in column tzdt/szjj/bs (floor 90%)"]
    assert json.loads(json.dumps(quality)) == quality  # stored as JSON with the run
    assert summary_lines(quality)[0].startswith("field coverage: title 88%, date 100%")


def test_far_below_the_last_run_fails_and_small_samples_are_not_judged() -> None:
    before = tally_of([article() for _ in range(10)])
    now = tally_of([article(source=None) for _ in range(6)] + [article() for _ in range(4)])
    assert failures(now, before, FLOORS) == [
        "source coverage 40% (last run 100%)",
        "source coverage 40% in column tzdt/szjj/bs (last run 100%)",
    ]
    assert failures(now, before, replace(FLOORS, min_articles=11)) == []
    assert failures({}, before, FLOORS) == []


def test_failed_field_quality_makes_the_run_unhealthy() -> None:
    stats = {"liuzhou/pages": 50, "liuzhou/field_failures": ["title coverage 0% in column x"]}
    outcome = assess(stats, "finished")
    assert outcome.exit_code == ExitCode.UNHEALTHY
    assert "title coverage 0% in column x" in outcome.reason


def test_column_key_drops_the_month_folder() -> None:
    assert column_key(URL) == "tzdt/szjj/bs"
    assert column_key("https://x.gov.cn/a/t20200101_1.html") == "a"
    assert column_key("https://x.gov.cn/t20200101_1.html") == "/"


@pytest.mark.crawl
@pytest_twisted.inlineCallbacks
def test_a_column_that_loses_its_titles_fails_the_run_naming_the_field(  # type: ignore[no-untyped-def]
    tmp_path: Path,
):
    build_site(tmp_path / "portal", size=150, seed=0, untitled_column="tzdt/szjj/bs")
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with serve_portal(tmp_path / "portal") as portal:
        crawler = yield run_crawl_deferred(crawl_options(portal, db_url))
    stats = crawler.stats.get_stats()
    outcome = assess(stats, stats["finish_reason"])
    assert outcome.exit_code == ExitCode.UNHEALTHY, outcome
    assert "title coverage 0% in column tzdt/szjj/bs" in outcome.reason
    (status, checks), = query(db_url, "SELECT status, checks FROM crawl_runs")
    stored = json.loads(checks)
    assert status == "unhealthy"
    assert stored["field_quality"]["columns"]["tzdt/szjj/bs"]["coverage"]["title"] == 0.0
    assert stored["field_quality"]["coverage"]["body"] == 1.0
