"""Merging: exact and near duplicates, look-alike reports, republications, canonical URLs,
re-crawls and reloads from storage."""

from __future__ import annotations

import hashlib

import pytest

from liuzhou_spider.items import CleanArticle, MergeDecision, RawArticle
from pipelines.dedup import DedupConfig, Deduplicator, known_articles
from pipelines.dedup.signature import estimate
from tests.sites import LZTZ
from tests.test_dedup_texts import edit, meeting_report

BASE = "https://www.lztz.gov.cn"
DAY = "2026-02-25T17:44:00+08:00"
TITLE = "市委统战部召开工作例会 部署近期重点工作"

# The settings the crawl of lztz merges with: its current templates preferred as canonical.
SITE = DedupConfig(current_templates=LZTZ.current_templates)


def page(
    path: str,
    body: str,
    *,
    title: str = TITLE,
    published: str | None = DAY,
    docid: str | None = None,
    rendering: str = "article",
    template: str = "current",
    url: str | None = None,
) -> CleanArticle:
    """One fetched page as cleaning hands it over; the docid is read off the path."""
    canonical = BASE + path
    if docid is None and "_" in path:
        docid = path.rsplit("_", 1)[1].split(".")[0]
    raw = RawArticle(
        url=url or canonical,
        canonical_url=canonical,
        fetched_at="2026-03-01T08:00:00+00:00",
        status=200,
        template=template,
        rendering=rendering,  # type: ignore[arg-type]
        docid=docid,
        title=title,
        published_at=published,
    )
    return CleanArticle(
        raw=raw,
        title=title,
        published_at=published,
        published_precision="datetime",
        source=None,
        column=[],
        body_text=body,
        body_html="",
    )


REPORT = meeting_report(12, 0.6)


def test_new_article_fills_every_field() -> None:
    dedup = Deduplicator(SITE)
    d = dedup.assign(page("/gzsx/202602/t20260225_3712345.html", REPORT))
    url = BASE + "/gzsx/202602/t20260225_3712345.html"
    assert d.article_id == hashlib.sha256(url.encode()).hexdigest()[:16]
    assert (d.is_new_article, d.is_canonical, d.body_replaced, d.similarity) == (
        True,
        True,
        True,
        1.0,
    )
    assert len(d.signature) == 13 + 4 * 128 + 3 and len(d.body_hash) == 32
    assert dedup.memory_bytes() > 0


def test_exact_copy_under_another_docid_merges_on_the_hash() -> None:
    dedup = Deduplicator(SITE)
    first = dedup.assign(page("/gzsx/202602/t20260225_3712345.html", REPORT))
    copy = dedup.assign(
        page("/xshjc/gzdt/202602/t20260225_3712399.html", REPORT.replace("，", ","))
    )
    assert copy.article_id == first.article_id and not copy.is_new_article
    assert copy.similarity == 1.0 and copy.body_hash == first.body_hash


def test_same_docid_merges_across_columns_hosts_and_renderings() -> None:
    dedup = Deduplicator(SITE)
    a = dedup.assign(page("/gzsx/202602/t20260225_3712345.html", REPORT))
    cross = dedup.assign(page("/tzdt/szjj/202602/t20260225_3712345.html", REPORT))
    alias = dedup.assign(
        page(
            "/gzsx/202602/t20260225_3712345.html",
            REPORT,
            url="http://lztz.gov.cn/gzsx/202602/t20260225_3712345.html?from=timeline",
        )
    )
    printed = dedup.assign(
        page(
            "/gzsx/202602/t20260225_3712345.html",
            REPORT[: len(REPORT) // 2],  # the print page cut short: the docid still decides
            rendering="print",
            url=BASE + "/gzsx/202602/t20260225_3712345_print.html",
        )
    )
    assert {cross.article_id, alias.article_id, printed.article_id} == {a.article_id}
    assert len(dedup) == 1
    assert not printed.is_canonical and not printed.body_replaced and printed.similarity < 1.0


def test_near_duplicates_merge_at_small_edit_rates() -> None:
    dedup = Deduplicator(SITE)
    first = dedup.assign(page("/gzsx/202602/t20260225_3712345.html", REPORT))
    for i, rate in enumerate((0.005, 0.01, 0.02)):
        # Older docids: the copies join without becoming the content.
        d = dedup.assign(page(f"/a{i}/202602/t20260225_37120{i}0.html", edit(REPORT, rate, seed=i)))
        assert d.article_id == first.article_id, rate
        assert not d.body_replaced and 0.7 <= d.similarity < 1.0


def test_lookalike_weekly_reports_stay_apart() -> None:
    """Two meetings sharing 60% of their sentences (要统一思想抓落实…): body alone decides."""
    dedup = Deduplicator(SITE)
    w12, w13 = meeting_report(12, 0.6), meeting_report(13, 0.6)
    a = dedup.assign(
        page("/gzsx/202603/t20260320_3720001.html", w12, title="市委统战部召开工作例会")
    )
    b = dedup.assign(
        page("/gzsx/202603/t20260327_3720101.html", w13, title="市委统战部召开工作例会")
    )
    assert b.is_new_article and b.article_id != a.article_id
    assert (
        estimate(dedup.signature_from_bytes(a.signature), dedup.signature_from_bytes(b.signature))
        < 0.7
    )


def test_lookalikes_with_numbered_titles_stay_apart_even_on_one_day() -> None:
    """90% shared sentences (body estimate ~0.75): the titles' week numbers disagree."""
    dedup = Deduplicator(SITE)
    w12, w13 = meeting_report(12, 0.9), meeting_report(13, 0.9)
    a = dedup.assign(
        page("/gzsx/202603/t20260320_3720001.html", w12, title="市委统战部召开第12周工作例会")
    )
    b = dedup.assign(
        page("/gzsx/202603/t20260320_3720002.html", w13, title="市委统战部召开第13周工作例会")
    )
    assert b.article_id != a.article_id


def test_lookalikes_on_different_days_need_a_near_identical_body() -> None:
    dedup = Deduplicator(SITE)
    w12, w13 = meeting_report(12, 0.9), meeting_report(13, 0.9)
    a = dedup.assign(page("/gzsx/202603/t20260320_3720001.html", w12, published="2026-03-20"))
    b = dedup.assign(page("/gzsx/202603/t20260327_3720101.html", w13, published="2026-03-27"))
    assert b.article_id != a.article_id


def test_republication_with_title_suffix_and_later_day_merges() -> None:
    dedup = Deduplicator(SITE)
    a = dedup.assign(page("/gzsx/202602/t20260225_3712345.html", REPORT))
    corrected = REPORT.replace("市委统战部召开", "中共柳州市委统战部召开", 1) + "\n（本文有更正）"
    b = dedup.assign(
        page(
            "/gzsx/202602/t20260226_3712999.html",
            corrected,
            title=TITLE + " - 柳州统战网",
            published="2026-02-26T09:00:00+08:00",
        )
    )
    assert b.article_id == a.article_id and b.body_replaced and not b.is_canonical


def _republication(order: list[int]) -> tuple[Deduplicator, list[MergeDecision]]:
    old = page("/gzsx/202602/t20260225_3712345.html", REPORT)
    new = page(
        "/gzsx/202602/t20260301_3713000.html",
        REPORT.replace("主持会议", "主持会议并作总结", 1) + "\n会后，与会人员参观了同心实践基地。",
        published="2026-03-01T10:00:00+08:00",
    )
    dedup = Deduplicator(SITE)
    pages = [old, new]
    return dedup, [dedup.assign(pages[i]) for i in order]


def test_republication_order_gives_one_final_canonical() -> None:
    dedup_a, (old_a, new_a) = _republication([0, 1])
    dedup_b, (new_b, old_b) = _republication([1, 0])
    assert new_a.body_replaced and not old_b.body_replaced
    summary_a = dedup_a.summary(old_a.article_id)
    summary_b = dedup_b.summary(new_b.article_id)
    # Content from the newest complete version; the URL from the oldest docid.
    assert summary_a.content_docid == summary_b.content_docid == "3713000"
    assert (
        summary_a.canonical_url
        == summary_b.canonical_url
        == (BASE + "/gzsx/202602/t20260225_3712345.html")
    )
    assert summary_a.body_hash == summary_b.body_hash == new_a.body_hash
    assert old_b.is_canonical and not new_a.is_canonical


def test_excerpt_with_newer_docid_does_not_replace_the_full_body() -> None:
    dedup = Deduplicator(SITE)
    full = dedup.assign(page("/gzsx/202602/t20260225_3712345.html", REPORT))
    longer_half = REPORT[: int(len(REPORT) * 0.8)]
    d = dedup.assign(page("/gzsx/202602/t20260225_3712346.html", longer_half))
    if d.article_id == full.article_id:  # whether it merges or not, it is not the content
        assert not d.body_replaced
    assert dedup.summary(full.article_id).content_docid == "3712345"


def test_canonical_url_rule() -> None:
    dedup = Deduplicator(SITE)
    p = dedup.assign(
        page(
            "/gzsx/202602/t20260225_3712345.html",
            REPORT,
            rendering="print",
            url=BASE + "/gzsx/202602/t20260225_3712345_print.html",
        )
    )
    assert p.is_new_article and p.is_canonical  # alone, the print page stands for it
    legacy = dedup.assign(
        page("/xshjc/gzdt/202602/t20260225_3712345.html", REPORT, template="legacy")
    )
    assert legacy.is_canonical and legacy.body_replaced  # an article rendering beats print
    longer = dedup.assign(page("/tzdt/szjj/bs/202602/t20260225_3712345.html", REPORT))
    assert longer.is_canonical  # the current template beats legacy
    short = dedup.assign(page("/gzsx/202602/t20260225_3712345.html", REPORT))
    assert short.is_canonical  # same docid and template: the shorter path
    summary = dedup.summary(p.article_id)
    assert summary.canonical_url == BASE + "/gzsx/202602/t20260225_3712345.html"
    assert summary.article_id == p.article_id  # the id never changes


def test_recrawl_creates_nothing_new() -> None:
    dedup = Deduplicator(SITE)
    pages = [
        page("/gzsx/202602/t20260225_3712345.html", REPORT),
        page("/gzsx/202602/t20260301_3713000.html", edit(REPORT, 0.01)),
        page("/gzsx/202603/t20260320_3720001.html", meeting_report(20, 0.6)),
    ]
    first = [dedup.assign(p) for p in pages]
    again = [dedup.assign(p) for p in pages]
    assert [d.article_id for d in again] == [d.article_id for d in first]
    assert not any(d.is_new_article for d in again)
    assert not any(d.body_replaced for d in again)
    assert len(dedup) == 2


def test_short_bodies_need_hash_title_and_day() -> None:
    dedup = Deduplicator(SITE)
    a = dedup.assign(page("/tp/202602/t20260225_3712001.html", "图片新闻", title="春节慰问"))
    b = dedup.assign(page("/tp/202602/t20260225_3712002.html", "图片新闻", title="新春座谈"))
    c = dedup.assign(page("/tp/202602/t20260225_3712003.html", "图片新闻", title="春节慰问"))
    d = dedup.assign(
        page(
            "/tp/202602/t20260226_3712004.html",
            "图片新闻",
            title="春节慰问",
            published="2026-02-26",
        )
    )
    assert b.article_id != a.article_id and c.article_id == a.article_id
    assert d.article_id != a.article_id


def test_reload_from_storage_gives_the_same_decisions() -> None:
    config = SITE
    run1 = [
        page("/gzsx/202602/t20260225_3712345.html", REPORT),
        page("/gzsx/202602/t20260301_3713000.html", edit(REPORT, 0.01), published="2026-03-01"),
        page(
            "/gzsx/202603/t20260320_3720001.html", meeting_report(20, 0.6), published="2026-03-20"
        ),
        page("/tp/202602/t20260225_3712001.html", "图片新闻", title="春节慰问"),
    ]
    run2 = [
        *run1,
        page("/tzdt/202602/t20260225_3712345.html", REPORT),  # cross-post
        page("/x/202603/t20260305_3714000.html", edit(REPORT, 0.005, seed=9)),  # near-dup
        page(
            "/gzsx/202603/t20260327_3720101.html", meeting_report(21, 0.6), published="2026-03-27"
        ),
        page("/tp/202602/t20260225_3712009.html", "图片新闻", title="春节慰问"),
    ]
    live = Deduplicator(config)
    first = [live.assign(p) for p in run1]
    reloaded = Deduplicator(config)
    reloaded.load(known_articles(first, config.current_templates))
    assert len(reloaded) == len(live) == 3
    expected = [live.assign(p) for p in run2]
    got = [reloaded.assign(p) for p in run2]
    assert [(d.article_id, d.is_new_article) for d in got] == [
        (d.article_id, d.is_new_article) for d in expected
    ]
    assert [d.is_new_article for d in got] == [False] * 4 + [False, False, True, False]
    assert len(reloaded) == 4


def _republication_estimated_low(config: DedupConfig) -> tuple[str, str, float, float]:
    """A report and a republication of it whose estimate falls below their exact Jaccard."""
    from pipelines.dedup.normalize import normalize
    from pipelines.dedup.signature import exact_jaccard

    signer = config.signer()
    for seed in range(50):
        copy = edit(REPORT, 0.01, seed=seed)
        a, b = normalize(REPORT), normalize(copy)
        guess = estimate(signer.sign(a), signer.sign(b))
        exact = exact_jaccard(a, b, config.ngram)
        if guess < exact - 0.02:
            return REPORT, copy, guess, exact
    raise AssertionError("no pair estimated low in 50 seeds")


def test_articles_signed_with_other_settings_are_refused_on_reload() -> None:
    """Stored 3-gram signatures would match no 5-gram one: loading them fails, naming
    the article and the way out, instead of merging nothing."""
    stored = known_articles([Deduplicator(DedupConfig(ngram=3)).assign(
        page("/gzsx/202602/t20260225_3712345.html", REPORT))], DedupConfig().current_templates)
    with pytest.raises(ValueError, match=r"article \w+ cannot be compared: .*3-grams.*reprocess"):
        Deduplicator(DedupConfig()).load(stored)


def test_the_settings_follow_from_threshold_and_strong() -> None:
    """The measured values (docs/dedup.md) are what the derivation gives, and they move
    together with the similarities they follow from."""
    config = DedupConfig()
    assert (config.accept, config.recheck, config.bands, config.rows) == (0.7, 0.75, 25, 5)
    stricter = DedupConfig(threshold=0.85, strong=0.9)
    assert (stricter.accept, stricter.recheck) == (0.75, 0.8)
    assert (stricter.bands, stricter.rows) == (21, 6)  # datasketch's optimum for 0.75
    given = DedupConfig(accept=0.6, recheck=0.7)
    assert (given.accept, given.recheck) == (0.6, 0.7)
    # A pair at the accepted similarity becomes a candidate 99 times in a hundred.
    candidate = 1 - (1 - config.accept ** config.rows) ** config.bands
    assert candidate > 0.98


def test_an_estimate_just_under_strong_is_settled_by_the_exact_bodies() -> None:
    probe = DedupConfig()
    original, copy, guess, exact = _republication_estimated_low(probe)
    # ``strong`` between the two: only the exact Jaccard can merge this pair.
    config = DedupConfig(strong=(guess + exact) / 2, recheck=guess - 0.05, accept=guess - 0.1)
    later = {"title": TITLE + "（转载）", "published": "2026-03-02T09:00:00+08:00"}
    first = page("/gzsx/202602/t20260225_3712345.html", original)
    again = page("/tzdt/202603/t20260302_3713999.html", copy, **later)  # type: ignore[arg-type]

    live = Deduplicator(config)  # the first body is still in its recent bodies
    a = live.assign(first)
    assert live.assign(again).article_id == a.article_id

    stored = known_articles([a], config.current_templates)
    unread = Deduplicator(config)  # reloaded, and no way to read the stored body
    unread.load(stored)
    assert unread.assign(again).is_new_article

    reread = Deduplicator(config, bodies={a.article_id: original}.get)
    reread.load(stored)
    assert reread.assign(again).article_id == a.article_id


def test_the_exact_check_never_overrides_conflicting_title_numbers() -> None:
    probe = DedupConfig()
    original, copy, guess, exact = _republication_estimated_low(probe)
    config = DedupConfig(strong=(guess + exact) / 2, recheck=guess - 0.05, accept=guess - 0.1)
    dedup = Deduplicator(config)
    a = dedup.assign(page("/gzsx/202602/t20260225_3712345.html", original,
                          title="第12周工作例会"))
    b = dedup.assign(page("/gzsx/202603/t20260302_3713999.html", copy,
                          title="第13周工作例会", published="2026-03-02T09:00:00+08:00"))
    assert b.article_id != a.article_id


def test_band_keys_from_the_reading_worker_give_the_same_decisions() -> None:
    from pipelines.dedup.index import BandIndex
    from pipelines.dedup.sketch import sketch_body

    config = SITE
    pages = [
        page("/gzsx/202602/t20260225_3712345.html", REPORT),
        page("/x/202603/t20260305_3714000.html", edit(REPORT, 0.005, seed=9)),
        page("/gzsx/202603/t20260320_3720001.html", meeting_report(20, 0.6),
             published="2026-03-20"),
        page("/tzdt/202602/t20260225_3712345.html", REPORT),
    ]
    banding = (config.bands, config.rows)
    sketches = [sketch_body(p.body_text, config.signer(), banding) for p in pages]
    index = BandIndex(config.num_perm, *banding)
    for s in sketches:
        assert s.band_keys is not None and s.banding == banding
        assert (s.band_keys == index.band_keys(s.signature)).all()
    by_worker, by_self = Deduplicator(config), Deduplicator(config)
    worker = [by_worker.assign(p, s) for p, s in zip(pages, sketches, strict=True)]
    itself = [by_self.assign(p) for p in pages]
    assert [(d.article_id, d.is_new_article, d.similarity) for d in worker] == [
        (d.article_id, d.is_new_article, d.similarity) for d in itself
    ]
    assert [d.is_new_article for d in worker] == [True, False, True, False]
