"""The site plan: columns, articles and pages, decided before any HTML is written.

Why a separate plan: every page of a story (cross-posts, the republication, print and
mobile renderings) and every list page must agree on titles, dates and docids, and
revision 2 must change a few articles while leaving every other byte identical.  The
plan is small (no bodies) and drawn from one ``random.Random(seed)`` stream; revision 2
applies its changes from a second stream afterwards, so revision 1 is never perturbed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from liuzhou_spider.portal import content

FIRST_DAY = datetime(2012, 3, 1)
LAST_DAY = datetime(2026, 2, 27)
REDESIGN = datetime(2019, 7, 1)  # older articles keep the legacy template
REV2_FIRST_DAY = datetime(2026, 5, 4)  # after every republication
OLD_TEMPLATES = frozenset({"legacy", "table"})  # never preferred as canonical


@dataclass(frozen=True)
class Column:
    """A column (栏目): ``path`` without slashes, e.g. ``tzdt/szjj/bs``."""

    path: str
    names: tuple[str, ...]  # the breadcrumb after 首页
    kind: str  # "list" (its own articles), "parent" (lists sub-columns), "topic"
    weight: int = 0  # share of the articles
    cross_post: str | None = None  # the column its articles are sometimes cross-posted to

    @property
    def name(self) -> str:
        return self.names[-1]

    @property
    def url(self) -> str:
        return f"/{self.path}/"

    @property
    def parent(self) -> str | None:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else None


COLUMNS: tuple[Column, ...] = (
    Column("tzdt", ("统战动态",), "parent"),
    Column("tzdt/szjj", ("统战动态", "时政聚焦"), "list", 14, "tzdt/szjj/bs"),
    Column("tzdt/szjj/bs", ("统战动态", "时政聚焦", "本市"), "list", 12, "tzdt/szjj"),
    Column("tzdt/xqdt", ("统战动态", "县区动态"), "list", 10, "xshjc/gzdt"),
    Column("gzsx", ("工作实务",), "list", 10, "tzdt/szjj"),
    Column("dptt", ("党派团体",), "parent"),
    Column("dptt/mzdp", ("党派团体", "民主党派"), "list", 8, "tzdt/szjj"),
    Column("dptt/gsl", ("党派团体", "工商联"), "list", 7, None),
    Column("mzzj", ("民族宗教",), "parent"),
    Column("mzzj/mzgz", ("民族宗教", "民族工作"), "list", 8, "zt/zlgt"),
    Column("mzzj/zjgz", ("民族宗教", "宗教工作"), "list", 6, None),
    Column("gatq", ("港澳台侨",), "list", 7, None),
    Column("xshjc", ("县市和基层",), "parent"),
    Column("xshjc/gzdt", ("县市和基层", "工作动态"), "list", 6, "tzdt/xqdt"),
    Column("zt", ("专题专栏",), "parent"),
    *(
        Column(f"zt/{slug}", ("专题专栏", name), "topic", 3, None)
        for slug, name in content.TOPIC_PAGES
    ),
)
COLUMN_BY_PATH = {column.path: column for column in COLUMNS}
MEETING_COLUMN = "gzsx"
MOVED_COLUMN = ("tzdt/bs", "tzdt/szjj/bs")  # old path answering 301, still linked once


@dataclass
class Page:
    """One article page (one URL): a story placed in a column under a docid."""

    story: int
    docid: int
    when: datetime
    column: str
    template: str  # "current", "legacy", "topic", "table" (variants only)
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


@dataclass
class SitePlan:
    """Everything the renderer needs except the texts."""

    seed: int
    revision: int
    stories: list[StoryPlan]
    deleted: list[StoryPlan] = field(default_factory=list)  # revision 2 removed these

    def pages(self) -> list[Page]:
        return [page for story in self.stories for page in story.pages]


def _random_when(rng: random.Random, first: datetime, last: datetime) -> datetime:
    """A working-hours time, recent years denser (the site publishes more lately)."""
    span = (last - first).days
    day = first + timedelta(days=int(span * rng.random() ** 0.6))
    return day.replace(hour=rng.randint(8, 21), minute=rng.randrange(60), second=rng.randrange(60))


def _article_columns() -> tuple[list[str], list[int]]:
    columns = [c for c in COLUMNS if c.weight]
    return [c.path for c in columns], [c.weight for c in columns]


def _template_for(column: str, when: datetime) -> str:
    if COLUMN_BY_PATH[column].kind == "topic":
        return "topic"
    return "legacy" if when < REDESIGN else "current"


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


def _new_story(rng: random.Random, sid: int, when: datetime, column: str, kind: str) -> StoryPlan:
    story = StoryPlan(sid=sid, seed=rng.getrandbits(48), kind=kind, when=when)
    story.half_width = rng.random() < 0.2 and kind == "news"
    template = _template_for(column, when)
    story.gbk_names = template in OLD_TEMPLATES and rng.random() < 0.5
    page = Page(story=sid, docid=0, when=when, column=column, template=template)
    _style_page(page, rng)
    story.pages.append(page)
    return story


def _lookalikes(rng: random.Random, count: int, first_sid: int) -> list[StoryPlan]:
    """Pairs of meeting reports or speeches a week apart sharing boilerplate sentences."""
    stories: list[StoryPlan] = []
    for pair in range(count // 2):
        kind = "speech" if pair % 3 == 2 else "meeting"
        when = _random_when(rng, REDESIGN, LAST_DAY - timedelta(days=8))
        shared = tuple(rng.sample(range(len(content.BOILERPLATE)), rng.randint(4, 7)))
        number = rng.randint(2, 40)
        sids = (first_sid + 2 * pair, first_sid + 2 * pair + 1)
        for offset, sid in enumerate(sids):
            story = _new_story(rng, sid, when + timedelta(days=7 * offset), MEETING_COLUMN, kind)
            story.shared, story.number = shared, number + offset
            story.partner = sids[1 - offset]
            stories.append(story)
    return stories


def _add_cross_posts_and_republications(stories: list[StoryPlan], rng: random.Random) -> None:
    for story in stories:
        first = story.pages[0]
        target = COLUMN_BY_PATH[first.column].cross_post
        if target and story.kind == "news" and rng.random() < 0.12:
            twin = replace(first, column=target, template=_template_for(target, first.when))
            if twin.template not in OLD_TEMPLATES:
                twin.encoding = "utf-8"
            story.pages.append(twin)
        if story.kind == "news" and rng.random() < 0.06:
            story.republish = rng.choice(("name", "line"))
            when = first.when + timedelta(days=rng.randint(2, 60), minutes=rng.randint(1, 500))
            column = rng.choice((first.column, first.column, *_article_columns()[0]))
            again = Page(
                story=story.sid,
                docid=0,
                when=when,
                column=column,
                template=_template_for(column, when),
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


def make_plan(size: int, seed: int) -> SitePlan:
    """The revision-1 plan of ``size`` distinct articles."""
    rng = random.Random(seed)
    paths, weights = _article_columns()
    pairs = max(1, size // 25) * 2 if size >= 8 else 0
    stories = _lookalikes(rng, pairs, 0)
    for sid in range(len(stories), size):
        column = rng.choices(paths, weights)[0]
        stories.append(_new_story(rng, sid, _random_when(rng, FIRST_DAY, LAST_DAY), column, "news"))
    _add_cross_posts_and_republications(stories, rng)
    _assign_docids([p for s in stories for p in s.pages], rng, 1_000_000 + rng.randrange(500_000))
    return SitePlan(seed=seed, revision=1, stories=stories)


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
    paths, weights = _article_columns()
    last_docid = max(p.docid for s in plan.stories for p in s.pages)
    new = []
    for offset in range(count):
        column = rng.choices(paths, weights)[0]
        when = _random_when(rng, REV2_FIRST_DAY, REV2_FIRST_DAY + timedelta(days=6))
        story = _new_story(rng, len(plan.stories) + offset, when, column, "news")
        story.new = True
        new.append(story)
    _assign_docids([p for s in new for p in s.pages], rng, last_docid)
    return SitePlan(
        seed=plan.seed,
        revision=2,
        stories=stories + new,
        deleted=[s for s in plan.stories if s.sid in deleted],
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
