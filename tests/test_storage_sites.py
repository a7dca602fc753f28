"""Several sites in one database: each site's records, dedup and filing numbers stay its
own; an article another portal republished is linked to it as one story (``v_reposts``).

Records are merged by the real deduplicator (real MinHash signatures), so the story
links use the same rule the crawl does; every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text

from liuzhou_spider.items import CleanArticle, MergeDecision, RawArticle
from pipelines.dedup import Deduplicator
from pipelines.dedup.normalize import normalize
from pipelines.dedup.signature import exact_jaccard
from pipelines.page_reading import DEDUP_CONFIG
from pipelines.reconcile import reconcile
from pipelines.stories import link_stories
from storage.batch import SiteConflict
from storage.migrate import upgrade
from storage.repository import Repository
from tests.conftest_db import make_fetch
from tests.sites import LZTZ as LZTZ_PROFILE

T1, T2, T3 = "2026-03-01T02:00:00+00:00", "2026-03-01T03:00:00+00:00", "2026-03-08T02:00:00+00:00"
LZTZ, LZGOV = "https://www.lztz.gov.cn", "https://www.liuzhou.gov.cn"

MEETING = (
    "3月1日，市委统战部召开2026年全市统战工作会议，深入学习贯彻党的二十届四中全会精神，"
    "总结2025年全市统战工作，部署2026年重点任务。会议指出，过去一年全市统一战线围绕中心、"
    "服务大局，在凝聚共识、助力发展、维护稳定等方面取得新成效。会议强调，要坚持把政治建设"
    "摆在首位，不断巩固和发展最广泛的爱国统一战线，为奋力谱写中国式现代化柳州篇章汇聚智慧"
    "和力量。"
)
FLOOD = (
    "2月20日，市民族宗教事务局组织开展防汛安全专项检查，深入全市十二处宗教活动场所，"
    "逐一查看房屋结构、排水设施和消防器材，督促场所负责人落实安全主体责任。检查组要求，"
    "要把安全隐患排查整改作为当前重点工作，建立问题清单，明确整改时限，确保汛期平稳有序。"
)
# The same boilerplate, other facts: a look-alike report, not the same story.
TEMPLATE = (
    "{date}，{who}召开{what}，深入学习贯彻党的二十届四中全会精神，总结2025年工作，部署2026年"
    "重点任务。{detail}会议强调，要坚持把政治建设摆在首位，不断巩固和发展最广泛的爱国统一战线。"
)
LOOK_A = TEMPLATE.format(
    date="3月2日", who="市工商联", what="十四届三次执委会议",
    detail="会议审议通过了常委会工作报告，表彰了一批助力乡村振兴的优秀民营企业和企业家，"
           "并就进一步优化营商环境、推动民营经济高质量发展听取了意见建议。")
LOOK_B = TEMPLATE.format(
    date="3月2日", who="市侨联", what="十届二次全委会议",
    detail="会议选举产生了新一届常委，通报了归侨侨眷关爱服务工作情况，研究部署了海外联谊、"
           "侨界人才引进和侨资企业服务等方面的具体举措。")


def page(base: str, docid: str, title: str, body: str, published: str,
         fetched: str = T1) -> CleanArticle:
    url = f"{base}/tzdt/202603/t20260301_{docid}.html"
    raw = RawArticle(url=url, canonical_url=url, fetched_at=fetched, status=200,
                     template="current", rendering="article", docid=docid)
    return CleanArticle(raw=raw, title=title, published_at=published,
                        published_precision="datetime", source="柳州1号", column=["统战动态"],
                        body_text=body, body_html=f"<p>{body}</p>")


def crawl(repo: Repository, site: str, pages: list[CleanArticle]) -> list[MergeDecision]:
    """One run of ``site`` as the crawl makes it: its own dedup state, then the links."""
    dedup = Deduplicator(DEDUP_CONFIG, bodies=repo.article_body)
    dedup.load(repo.load_known_articles(site=site))
    run = repo.start_run({}, site=site)
    decisions = [dedup.assign(p) for p in pages]
    repo.write_batch(run, [], decisions)
    repo.finish_run(run, "success", {})
    link_stories(repo, site, DEDUP_CONFIG)
    return decisions


def reposts(repo: Repository) -> list[tuple]:
    with repo.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            "SELECT story_id, position, is_first, site, article_id, title, story_size "
            "FROM v_reposts ORDER BY story_id, position"))]


def two_sites(repo: Repository) -> dict[str, list[MergeDecision]]:
    """lztz publishes the meeting, the flood check and a look-alike; lzgov reposts the
    meeting two hours later, published the flood check first, and has its own look-alike."""
    return {
        "lztz": crawl(repo, "lztz", [
            page(LZTZ, "1001", "全市统战工作会议召开", MEETING, "2026-03-01T09:00:00+08:00"),
            page(LZTZ, "1002", "开展宗教场所防汛安全检查", FLOOD, "2026-02-20T16:00:00+08:00"),
            page(LZTZ, "1003", "市工商联召开执委会议", LOOK_A, "2026-03-02T10:00:00+08:00"),
        ]),
        "lzgov": crawl(repo, "lzgov", [
            page(LZGOV, "2001", "全市统战工作会议召开", MEETING + "（来源：柳州1号）",
                 "2026-03-01T11:00:00+08:00", fetched=T2),
            page(LZGOV, "2002", "开展宗教场所防汛安全检查", FLOOD, "2026-02-20T08:30:00+08:00",
                 fetched=T2),
            page(LZGOV, "2003", "市侨联召开全委会议", LOOK_B, "2026-03-02T10:00:00+08:00",
                 fetched=T2),
        ]),
    }


def test_a_repost_stays_its_sites_record_and_is_linked_first_publisher_first(repo):
    decisions = two_sites(repo)
    meeting, flood, look_a = (d.article_id for d in decisions["lztz"])
    meeting2, flood2, look_b = (d.article_id for d in decisions["lzgov"])
    # Deduplication of lzgov never saw lztz's articles: every page is a new record.
    assert all(d.is_new_article for d in decisions["lzgov"])
    assert repo.sites() == ["lzgov", "lztz"]
    assert reposts(repo) == sorted([
        (meeting, 1, 1, "lztz", meeting, "全市统战工作会议召开", 2),
        (meeting, 2, 0, "lzgov", meeting2, "全市统战工作会议召开", 2),
        # lzgov published the flood check first: it heads the story.
        (flood2, 1, 1, "lzgov", flood2, "开展宗教场所防汛安全检查", 2),
        (flood2, 2, 0, "lztz", flood, "开展宗教场所防汛安全检查", 2),
    ])
    # The look-alikes share their boilerplate, not their story.
    assert 0.2 < exact_jaccard(normalize(LOOK_A), normalize(LOOK_B), DEDUP_CONFIG.ngram) < 0.7
    assert {look_a, look_b}.isdisjoint(row[4] for row in reposts(repo))


def test_linking_again_changes_nothing_and_an_edit_relinks(repo):
    decisions = two_sites(repo)
    before = reposts(repo)
    for site in ("lztz", "lzgov", "lztz"):
        link_stories(repo, site, DEDUP_CONFIG)
    assert reposts(repo) == before
    # lzgov rewrites its copy of the meeting into another report: the link goes.
    edited = page(LZGOV, "2001", "市侨联召开全委会议（更正）", LOOK_B + "补充说明。",
                  "2026-03-01T11:00:00+08:00", fetched=T3)
    dedup = Deduplicator(DEDUP_CONFIG, bodies=repo.article_body)
    dedup.load(repo.load_known_articles(site="lzgov"))
    decision = dedup.assign(edited)
    assert decision.article_id == decisions["lzgov"][0].article_id and decision.body_replaced
    run = repo.start_run({}, site="lzgov")
    repo.write_batch(run, [], [decision])
    link_stories(repo, "lzgov", DEDUP_CONFIG)
    assert [row[3] for row in reposts(repo)] == ["lzgov", "lztz"]  # the flood check only


def test_a_batch_never_moves_another_sites_rows(repo):
    decisions = two_sites(repo)
    run = repo.start_run({}, site="lzgov")
    stolen = replace(decisions["lzgov"][0], article_id=decisions["lztz"][0].article_id)
    with pytest.raises(SiteConflict, match="stored for site 'lztz'"):
        repo.write_batch(run, [], [stolen])
    with pytest.raises(SiteConflict, match="urls row"):
        repo.write_batch(run, [make_fetch(decisions["lztz"][0].article.raw.url,
                                          fetched_at=T3)], [])


def test_reads_and_counts_are_per_site(repo):
    from storage.stats import collect

    two_sites(repo)
    assert {k.canonical_url.split("/tzdt")[0]
            for k in repo.load_known_articles(site="lzgov")} == {LZGOV}
    assert all(url.startswith(LZTZ) for url in repo.url_memory(site="lztz"))
    assert repo.has_completed_run(site="lztz") and not repo.has_completed_run(site="other")
    every, lzgov = collect(repo.engine), collect(repo.engine, "lzgov")
    assert (every["articles"], lzgov["articles"]) == (6, 3)
    assert every["sites"] == {
        "lzgov": {"articles": 3, "urls": 3, "article_urls": 3, "duplicates_merged": 0,
                  "in_stories": 2},
        "lztz": {"articles": 3, "urls": 3, "article_urls": 3, "duplicates_merged": 0,
                 "in_stories": 2},
    }
    assert [run["site"] for run in lzgov["last_runs"]] == ["lzgov"]


def test_filing_numbers_are_reconciled_per_site(repo):
    own = {"lztz": ("桂ICP备19011773号", "桂ICP备05009280号"), "lzgov": ("桂ICP备05000001号",)}
    for site, values in own.items():
        run = repo.start_run({}, site=site)
        base = LZTZ if site == "lztz" else LZGOV
        repo.write_batch(run, [
            make_fetch(f"{base}/", fetched_at=T1, kind="column",
                       registrations=tuple(("icp", v) for v in values)),
            make_fetch(f"{base}/list/", fetched_at=T1, kind="column",
                       registrations=(("icp", values[0]),)),
        ], [])
        verdicts = reconcile(repo.registration_observations(site=site),
                             LZTZ_PROFILE.current_templates)
        repo.set_registration_verdicts(verdicts, site=site)
    with repo.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT site, value, page_count, is_canonical FROM v_registrations "
            "ORDER BY site, value")).all()
    assert [tuple(row) for row in rows] == [
        ("lzgov", "桂ICP备05000001号", 2, 1),
        ("lztz", "桂ICP备05009280号", 1, 0),
        ("lztz", "桂ICP备19011773号", 2, 1),
    ]


def test_both_databases_list_the_same_reposts(sqlite_and_pg):
    answers = []
    for engine in sqlite_and_pg:
        repo = Repository(engine)
        two_sites(repo)
        answers.append(reposts(repo))
    assert answers[0] == answers[1] and len(answers[0]) == 4


def test_upgrade_from_0006_keeps_the_data_as_the_first_sites(db_url):
    from storage.db import make_engine

    engine = make_engine(db_url)
    try:
        upgrade(engine, "0006")
        with engine.begin() as connection:
            for statement in (
                "INSERT INTO crawl_runs (id, started_at, status, options, pages_fetched, "
                "articles_new, articles_updated, duplicates_merged, errors, counts, checks) "
                "VALUES (1, '2026-03-01T02:00:00+00:00', 'success', '{}', 2, 1, 0, 0, 0, "
                "'{}', '{}')",
                "INSERT INTO articles (id, canonical_url, title, column_path, body_text, "
                "body_html, images, attachments, extractor, body_hash, signature, body_len, "
                "content_url, first_seen_at, last_seen_at, created_run_id) VALUES ('a1', "
                "'https://www.lztz.gov.cn/a.html', '标题', '', '正文', '<p>正文</p>', '[]', "
                "'[]', 'template', 'h', :sig, 2, 'https://www.lztz.gov.cn/a.html', "
                "'2026-03-01T02:00:00+00:00', '2026-03-01T02:00:00+00:00', 1)",
                "INSERT INTO urls (url, canonical_url, kind, article_id, is_canonical, "
                "first_seen_at, last_seen_at) VALUES ('https://www.lztz.gov.cn/a.html', "
                "'https://www.lztz.gov.cn/a.html', 'article', 'a1', true, "
                "'2026-03-01T02:00:00+00:00', '2026-03-01T02:00:00+00:00')",
                "INSERT INTO registration_observations (kind, value, url, first_seen_at, "
                "last_seen_at) VALUES ('icp', '桂ICP备19011773号', "
                "'https://www.lztz.gov.cn/a.html', '2026-03-01T02:00:00+00:00', "
                "'2026-03-01T02:00:00+00:00')",
                "INSERT INTO registration_verdicts (kind, value, is_canonical, conflicting, "
                "decided_at) VALUES ('icp', '桂ICP备19011773号', true, false, "
                "'2026-03-01T02:00:00+00:00')",
            ):
                connection.execute(text(statement), {"sig": b"\x00"})
        upgrade(engine)
        with engine.connect() as connection:
            def one(sql: str) -> tuple:
                return tuple(connection.execute(text(sql)).one())

            assert one("SELECT article_id, title, site FROM v_articles") == ("a1", "标题", "lztz")
            assert one("SELECT url, site FROM v_article_urls")[1] == "lztz"
            assert one("SELECT value, is_canonical, site FROM v_registrations") == (
                "桂ICP备19011773号", 1, "lztz")
            assert one("SELECT run_id, status, site FROM v_crawl_runs") == (1, "success", "lztz")
            assert connection.execute(text("SELECT count(*) FROM v_reposts")).scalar() == 0
        assert [k.article_id for k in Repository(engine).load_known_articles(site="lztz")] == [
            "a1"]
    finally:
        engine.dispose()


def test_export_and_stats_filter_by_site(repo):
    import json

    from click.testing import CliRunner

    from liuzhou_spider.cli import main

    two_sites(repo)
    db = repo.engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    every = runner.invoke(main, ["export", "--db", db, "--format", "jsonl"])
    assert every.exit_code == 0, every.output
    records = [json.loads(line) for line in every.stdout.splitlines()]
    assert sorted(r["site"] for r in records) == ["lzgov"] * 3 + ["lztz"] * 3
    assert list(records[0])[-1] == "site"  # appended after the promised fields
    one = runner.invoke(main, ["export", "--db", db, "--format", "csv", "--site", "lzgov"])
    header, *rows = one.stdout.splitlines()
    assert header.endswith(",site") and len(rows) == 3
    assert all(row.endswith(",lzgov") and LZGOV in row for row in rows)
    stats = runner.invoke(main, ["stats", "--db", db, "--json", "--site", "lztz"])
    data = json.loads(stats.stdout)
    assert (data["articles"], list(data["sites"])) == (3, ["lztz"])
    assert {run["site"] for run in data["last_runs"]} == {"lztz"}
    for command in ("export", "stats"):
        wrong = runner.invoke(main, [command, "--db", db, "--site", "lztx"])
        assert wrong.exit_code == 2
        assert "--site 'lztx': no article of that site is stored; sites: lzgov, lztz" in (
            wrong.output)


def test_the_report_covers_one_site_or_all(repo):
    from storage.report_data import collect_report

    two_sites(repo)
    every, lzgov = collect_report(repo.engine), collect_report(repo.engine, site="lzgov")
    assert (every.articles, lzgov.articles, lzgov.site) == (6, 3, "lzgov")
    assert [run["run_id"] for run in lzgov.runs] == [2]
    assert {row["article_id"] for row in lzgov.latest} == {
        k.article_id for k in repo.load_known_articles(site="lzgov")}


def test_settled_ids_keep_their_stories(repo):
    from pipelines.dedup import article_id_for

    lztz = crawl(repo, "lztz", [
        page(LZTZ, "1001", "全市统战工作会议召开", MEETING, "2026-03-01T09:00:00+08:00")])
    # lzgov's copy is stored first under the id of a page that later turns out not to be
    # canonical, as a concurrent crawl may do; settling the run renames it.
    dedup = Deduplicator(DEDUP_CONFIG)
    decision = dedup.assign(page(LZGOV, "2001", "全市统战工作会议召开", MEETING,
                                 "2026-03-01T11:00:00+08:00", fetched=T2))
    run = repo.start_run({}, site="lzgov")
    repo.write_batch(run, [], [replace(decision, article_id="0123456789abcdef")])
    link_stories(repo, "lzgov", DEDUP_CONFIG)
    assert [row[4] for row in reposts(repo)] == [lztz[0].article_id, "0123456789abcdef"]
    assert repo.settle_article_ids(run, article_id_for) == 1
    assert [row[4] for row in reposts(repo)] == [lztz[0].article_id, decision.article_id]
    with repo.engine.connect() as connection:
        assert connection.execute(text(
            "SELECT count(*) FROM story_links WHERE article_id = '0123456789abcdef' "
            "OR linked_id = '0123456789abcdef'")).scalar() == 0
