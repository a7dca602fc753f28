"""The site plan: columns, articles and pages, decided before any HTML is written.

Why a separate plan: every page of a story (cross-posts, the republication, print and
mobile renderings) and every list page must agree on titles, dates and docids, and
revision 2 must change a few articles while leaving every other byte identical.  The
plan is small (no bodies) and drawn from one ``random.Random(seed)`` stream (salted by
the site for sites other than lztz); revision 2 applies its changes from a second
stream afterwards, so revision 1 is never perturbed.  Sites that repost each other
(``make_plans``) draw their reposts from streams of their own, between drawing the
stories and numbering them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from liuzhou_spider.portal import content
from liuzhou_spider.portal.sites import LZTZ, SiteSpec

FIRST_DAY = datetime(2012, 3, 1)
LAST_DAY = datetime(2026, 2, 27)
REV2_FIRST_DAY = datetime(2026, 5, 4)  # after every republication
OLD_TEMPLATES = frozenset({"legacy", "table"})  # never preferred as canonical
REPOST_SHARE = (0.10, 0.04)  # of a site's stories reposted by a later / an earlier site
COLUMNS = LZTZ.columns  # the default site's columns


@dataclass
class Page:
    """One article page (one URL): a story placed in a column under a docid."""

    story: int
    docid: int
    when: datetime
    column: str
    template: str  # "current", "gov", "legacy", "topic", "table" (variants only)
    version: int = 0  # 0 = as first published, 1 = the republished edit
    encoding: str = "utf-8"  # "utf-8", "gbk" (meta charset=gbk) or "gb2312" (meta charset)
    meta: bool = False  # the government meta tags
    doubled: bool = False  # the whole article again in a legacy-like rendering
    print_link: str | None = None  # None, "script", "file" or "query"
    mobile: bool = False
    prevnext: bool = False
    date_style: int = 0
    label_style: int = 0
    source_style: int = 0
    body_style: int = 0
    chrome_inside: bool = False  # share widget / editor / print link inside the body box

    @property
    def path(self) -> str:
        day = self.when.strftime("%Y%m%d")
        return f"/{self.column}/{day[:6]}/t{day}_{self.docid}.html"

    @property
    def is_current(self) -> bool:
        return self.template not in OLD_TEMPLATES


@dataclass
class StoryPlan:
    """One distinct article and every page it is published on."""

    sid: int
    seed: int
    kind: str  # "news", "meeting", "speech"
    when: datetime
    pages: list[Page] = field(default_factory=list)
    republish: str | None = None  # "name" or "line": how the republication differs
    half_width: bool = False
    gbk_names: bool = False
    shared: tuple[int, ...] = ()  # BOILERPLATE indices (look-alikes)
    number: int = 0  # meeting number (look-alikes)
    partner: int | None = None  # the look-alike partner's sid
    edited: bool = False  # revision 2 changed its body
    repeats: int = 0  # variants: 1 = a paragraph said again later, 2 = said twice in a row
    new: bool = False  # revision 2 added it
    written: datetime | None = None  # reposts: when the text was written (the original's date)
    repost_of: tuple[str, int] | None = None  # reposts: (site key, sid) of the original
    repost_edit: str | None = None  # reposts: None, "photos", "punctuation" or "title"
    credit: str | None = None  # reposts: the source line names the original's site

    @property
    def text_when(self) -> datetime:
        """The date the text speaks of (a repost keeps its original's)."""
        return self.written or self.when


@dataclass
class SitePlan:
    """Everything the renderer needs except the texts."""

    seed: int
    revision: int
    stories: list[StoryPlan]
    deleted: list[StoryPlan] = field(default_factory=list)  # revision 2 removed these
    site: SiteSpec = LZTZ

    def pages(self) -> list[Page]:
        return [page for story in self.stories for page in story.pages]


def _random_when(rng: random.Random, first: datetime, last: datetime) -> datetime:
    """A working-hours time, recent years denser (the site publishes more lately)."""
    span = (last - first).days
    day = first + timedelta(days=int(span * rng.random() ** 0.6))
    return day.replace(hour=rng.randint(8, 21), minute=rng.randrange(60), second=rng.randrange(60))


def _article_columns(site: SiteSpec) -> tuple[list[str], list[int]]:
    columns = site.list_columns
    return [c.path for c in columns], [c.weight for c in columns]


def _template_for(site: SiteSpec, column: str, when: datetime) -> str:
    if site.column(column).kind == "topic":
        return "topic"
    return "legacy" if when < site.redesign else site.template


def _style_page(page: Page, rng: random.Random) -> None:
    """Per-page rendering choices: encoding, date and source formats, chrome, extras."""
    if page.template in OLD_TEMPLATES:
        page.encoding = rng.choices(("gb2312", "gbk", "utf-8"), (5, 3, 2))[0]
        page.meta = rng.random() < 0.1
    else:
        page.meta = rng.random() < 0.55
        page.doubled = page.template == "current" and rng.random() < 0.08
    page.print_link = rng.choices(("script", "file", "query", None), (6, 2, 1, 1))[0]
    page.mobile = rng.random() < 0.12
    page.prevnext = rng.random() < 0.4
    page.date_style = rng.randrange(5)
    page.label_style = rng.randrange(3)
    page.source_style = rng.randrange(2)
    page.body_style = rng.randrange(4)
    page.chrome_inside = rng.random() < 0.35


def _new_story(
    rng: random.Random, site: SiteSpec, sid: int, when: datetime, column: str, kind: str
) -> StoryPlan:
    story = StoryPlan(sid=sid, seed=rng.getrandbits(48), kind=kind, when=when)
    story.half_width = rng.random() < 0.2 and kind == "news"
    template = _template_for(site, column, when)
    story.gbk_names = template in OLD_TEMPLATES and rng.random() < 0.5
    page = Page(story=sid, docid=0, when=when, column=column, template=template)
    _style_page(page, rng)
    story.pages.append(page)
    return story


def _lookalikes(
    rng: random.Random, site: SiteSpec, count: int, first_sid: int
) -> list[StoryPlan]:
    """Pairs of meeting reports or speeches a week apart sharing boilerplate sentences."""
    stories: list[StoryPlan] = []
    for pair in range(count // 2):
        kind = "speech" if pair % 3 == 2 else "meeting"
        when = _random_when(rng, site.redesign, LAST_DAY - timedelta(days=8))
        shared = tuple(rng.sample(range(len(content.BOILERPLATE)), rng.randint(4, 7)))
        number = rng.randint(2, 40)
        sids = (first_sid + 2 * pair, first_sid + 2 * pair + 1)
        for offset, sid in enumerate(sids):
            story = _new_story(
                rng, site, sid, when + timedelta(days=7 * offset), site.meeting, kind
            )
            story.shared, story.number = shared, number + offset
            story.partner = sids[1 - offset]
            stories.append(story)
    return stories


def _add_cross_posts_and_republications(
    stories: list[StoryPlan], rng: random.Random, site: SiteSpec
) -> None:
    for story in stories:
        first = story.pages[0]
        target = site.column(first.column).cross_post
        if target and story.kind == "news" and rng.random() < 0.12:
            twin = replace(first, column=target, template=_template_for(site, target, first.when))
            if twin.template not in OLD_TEMPLATES:
                twin.encoding = "utf-8"
            story.pages.append(twin)
        if story.kind == "news" and rng.random() < 0.06:
            story.republish = rng.choice(("name", "line"))
            when = first.when + timedelta(days=rng.randint(2, 60), minutes=rng.randint(1, 500))
            column = rng.choice((first.column, first.column, *_article_columns(site)[0]))
            again = Page(
                story=story.sid,
                docid=0,
                when=when,
                column=column,
                template=_template_for(site, column, when),
                version=1,
            )
            _style_page(again, rng)
            story.pages.append(again)


def _assign_docids(pages: list[Page], rng: random.Random, start: int) -> int:
    """Site-wide docids increasing with time; cross-posts share their original's."""
    by_key: dict[tuple[int, int, datetime], int] = {}
    docid = start
    for page in sorted(pages, key=lambda p: (p.when, p.story, p.version)):
        key = (page.story, page.version, page.when)
        if key not in by_key:
            docid += rng.randint(1, 40)
            by_key[key] = docid
        page.docid = by_key[key]
    return docid


def _draft(size: int, seed: int, site: SiteSpec) -> tuple[list[StoryPlan], random.Random]:
    """The stories of a site before docids: what reposts are chosen from."""
    rng = random.Random(f"{seed}:{site.stream}" if site.stream else seed)
    paths, weights = _article_columns(site)
    pairs = max(1, size // 25) * 2 if size >= 8 else 0
    stories = _lookalikes(rng, site, pairs, 0)
    for sid in range(len(stories), size):
        column = rng.choices(paths, weights)[0]
        when = _random_when(rng, FIRST_DAY, LAST_DAY)
        stories.append(_new_story(rng, site, sid, when, column, "news"))
    _add_cross_posts_and_republications(stories, rng, site)
    return stories, rng


def _finish(
    stories: list[StoryPlan], rng: random.Random, seed: int, site: SiteSpec
) -> SitePlan:
    start = site.docid_start + rng.randrange(500_000)
    _assign_docids([p for s in stories for p in s.pages], rng, start)
    return SitePlan(seed=seed, revision=1, stories=stories, site=site)


def make_plan(size: int, seed: int, site: SiteSpec = LZTZ) -> SitePlan:
    """The revision-1 plan of ``size`` distinct articles of one site."""
    return _finish(*_draft(size, seed, site), seed, site)


def _repost(
    rng: random.Random, original: StoryPlan, source: SiteSpec, site: SiteSpec, sid: int
) -> StoryPlan:
    """``original`` of ``source`` published again by ``site`` a day or two later."""
    when = original.when + timedelta(
        days=rng.randint(1, 2), hours=rng.randint(0, 5), minutes=rng.randint(1, 59)
    )
    column = rng.choice(site.repost_targets)
    story = StoryPlan(
        sid=sid, seed=original.seed, kind="news", when=when, half_width=original.half_width,
        gbk_names=original.gbk_names, written=original.text_when,
        repost_of=(source.key, original.sid),
        repost_edit=rng.choices((None, "photos", "punctuation", "title"), (5, 2, 2, 2))[0],
        credit=source.short_name,
    )
    page = Page(story=sid, docid=0, when=when, column=column,
                template=_template_for(site, column, when))
    _style_page(page, rng)
    story.pages.append(page)
    return story


def make_plans(size: int, seed: int, sites: tuple[SiteSpec, ...]) -> dict[str, SitePlan]:
    """Revision-1 plans of several sites that repost each other's stories.

    Each site draws its own stories as ``make_plan`` does; then, from a stream of their
    own, every site reposts a share of every other site's plain news stories (a later
    site in ``sites`` takes ``REPOST_SHARE[0]`` of an earlier site's, an earlier one
    ``REPOST_SHARE[1]`` of a later one's, at least one each way): the same text, its own
    page, column, date (one or two days later) and docid, sometimes without its photos,
    in half-width punctuation or with a reworded title.  Reposts get their docids with
    the site's own stories.
    """
    drafts = {site.key: _draft(size, seed, site) for site in sites}
    candidates = {
        key: [s for s in stories if s.kind == "news" and not s.republish]
        for key, (stories, _) in drafts.items()
    }
    for i, source in enumerate(sites):
        for j, site in enumerate(sites):
            if i == j:
                continue
            rng = random.Random(f"{seed}:reposts:{source.key}:{site.key}")
            pool = candidates[source.key]
            share = REPOST_SHARE[0] if i < j else REPOST_SHARE[1]
            count = min(len(pool), max(1, round(share * len(pool))))
            stories = drafts[site.key][0]
            for original in sorted(rng.sample(pool, count), key=lambda s: s.sid):
                stories.append(_repost(rng, original, source, site, len(stories)))
    return {
        site.key: _finish(drafts[site.key][0], drafts[site.key][1], seed, site) for site in sites
    }


def _simple(story: StoryPlan) -> bool:
    """A story with one current-template page and no twin: safe to edit or delete."""
    return story.kind == "news" and len(story.pages) == 1 and story.pages[0].template == "current"


def apply_revision2(plan: SitePlan) -> SitePlan:
    """A few new articles, a few edited, a few deleted; nothing else changes."""
    rng = random.Random(f"{plan.seed}:revision2")
    count = max(2, len(plan.stories) // 60)
    candidates = [s for s in plan.stories if _simple(s)]
    chosen = rng.sample(candidates, min(len(candidates), 2 * count))
    deleted = {s.sid for s in chosen[:count]}
    stories = [replace(s, pages=list(s.pages)) for s in plan.stories if s.sid not in deleted]
    edited = {s.sid for s in chosen[count:]}
    for story in stories:
        story.edited = story.sid in edited
    paths, weights = _article_columns(plan.site)
    last_docid = max(p.docid for s in plan.stories for p in s.pages)
    new = []
    for offset in range(count):
        column = rng.choices(paths, weights)[0]
        when = _random_when(rng, REV2_FIRST_DAY, REV2_FIRST_DAY + timedelta(days=6))
        story = _new_story(rng, plan.site, len(plan.stories) + offset, when, column, "news")
        story.new = True
        new.append(story)
    _assign_docids([p for s in new for p in s.pages], rng, last_docid)
    return SitePlan(
        seed=plan.seed,
        revision=2,
        stories=stories + new,
        deleted=[s for s in plan.stories if s.sid in deleted],
        site=plan.site,
    )


def apply_variants(plan: SitePlan) -> SitePlan:
    """Template variants the profile does not know, drawn from a stream of their own.

    Half of the legacy pages move to an older table layout (``<title>`` holds only the
    site name, the leaf column name above the title, date and source in cells of their
    own, half of them without the site menu), and a tenth of the news stories repeat one
    of their own paragraphs: what a reader of an unseen portal copy meets.  Applied to the
    revision-1 plan, so both revisions agree; without it the portal is unchanged.
    """
    rng = random.Random(f"{plan.seed}:variants")
    for story in plan.stories:
        for page in story.pages:
            if page.template == "legacy" and rng.random() < 0.5:
                page.template = "table"
        if story.kind == "news" and rng.random() < 0.1:
            story.repeats = 1 + int(rng.random() < 0.5)
    return plan
