"""Build the offline portal: every page as a file under ``out_dir/site/``, plus
``out_dir/ground_truth.json`` (what a perfect crawl stores) and ``out_dir/manifest.json``
(what the server needs beyond the files: Last-Modified overrides, redirects).

Why files: the server then only serves bytes, tests can read any page directly, and two
builds can be compared byte for byte.  Stories are rendered one at a time from their
own seed, so memory stays flat while 20,000 articles are written.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from liuzhou_spider.portal import assets, content, render
from liuzhou_spider.portal.links import LinkBook, crc
from liuzhou_spider.portal.plan import (
    OLD_TEMPLATES,
    Page,
    SitePlan,
    StoryPlan,
    apply_revision2,
    apply_variants,
    make_plan,
    make_plans,
)
from liuzhou_spider.portal.sites import LZGOV, LZTZ, SiteSpec
from liuzhou_spider.portal.truth import GroundTruth, PageRef, canonical_page, content_page

BUILD_TIME = {1: datetime(2026, 4, 30, 9, 0), 2: datetime(2026, 5, 11, 9, 0)}
RELATED_FORMS = ("abs", "abs+track", "track", "root", "rel", "abs")
FEATURED_FORMS = ("abs", "abs+track", "track", "rel", "root")


def story_id(sid: int) -> str:
    return f"a{sid:06d}"


def _dead_link(column: str, n: int) -> str:
    return f"/{column}/201001/t2010010{n}_{999000 + n}.html"


class Titles:
    """Every page's title, known before any body is generated (lists need them)."""

    def __init__(self, stories: Iterable[StoryPlan]) -> None:
        self.by_page: dict[tuple[int, int], str] = {}
        for story in stories:
            title, person = _headline(story)
            self.by_page[(story.sid, 0)] = title
            if story.republish == "name":
                right = content.renamed(person, random.Random(story.seed + 1))
                title = title.replace(person, right)
            self.by_page[(story.sid, 1)] = title

    def __getitem__(self, page: Page) -> str:
        return self.by_page[(page.story, page.version)]


def _headline(story: StoryPlan) -> tuple[str, str]:
    """The title and the main person of a story, from the first draws of its stream."""
    rng = random.Random(story.seed)
    year = story.text_when.year
    if story.kind == "news":
        writer, title = content.news_headline(rng, year, gbk_names=story.gbk_names)
    else:
        writer, title = content.meeting_headline(
            rng, year, story.number, speech=story.kind == "speech"
        )
    if story.repost_edit == "title":
        title = content.repost_title(title)
    return title, writer.people[0]


def repeat_paragraph(text: content.Story, repeats: int) -> content.Story:
    """The story saying one of its paragraphs again at its end: a middle one (1), or its
    last one twice in a row (2).  Content, not a body printed twice."""
    said = text.paragraphs[len(text.paragraphs) // 2] if repeats == 1 else text.paragraphs[-1]
    return replace(text, paragraphs=[*text.paragraphs, said])


def story_versions(story: StoryPlan) -> dict[int, content.Story]:
    """The text of each version: 0 as first published, 1 as republished.

    A repost has its original's seed and date, so it says the same; then its site's
    credit as the source and its edit (no photos, half-width punctuation or a reworded
    title), small enough for deduplication's rule to link it to its original.
    """
    rng = random.Random(story.seed)
    when = story.text_when
    if story.kind == "news":
        text = content.news_story(
            rng,
            when.year,
            when.month,
            when.day,
            gbk_names=story.gbk_names,
            min_len=800 if story.republish else 300,
        )
    else:
        shared = [content.BOILERPLATE[i] for i in story.shared]
        text = content.meeting_story(
            rng,
            when.year,
            when.month,
            when.day,
            story.number,
            shared,
            speech=story.kind == "speech",
        )
    if story.repeats:
        text = repeat_paragraph(text, story.repeats)
    if story.credit:
        text = replace(text, source=story.credit)
    if story.repost_edit == "photos":
        text = content.without_photos(text)
    elif story.repost_edit == "punctuation":
        text = content.half_width(text)
    elif story.repost_edit == "title":
        text = replace(text, title=content.repost_title(text.title))
    if story.edited:
        text = content.add_line(text, content.closing_line(random.Random(story.seed + 2)))
    versions = {0: text}
    if story.republish == "name":
        versions[1] = content.correct_name(text, random.Random(story.seed + 1))
    elif story.republish == "line":
        versions[1] = content.add_line(text, content.closing_line(random.Random(story.seed + 3)))
    if story.half_width:
        versions = {k: content.half_width(v) for k, v in versions.items()}
    return versions


def _encoding(page: Page) -> str:
    """The codec a page is written in: GBK for legacy pages declared gb2312 or gbk."""
    return "gbk" if page.template in OLD_TEMPLATES and page.encoding != "utf-8" else "utf-8"


def _file_path(path: str) -> str:
    return path + "index.html" if path.endswith("/") else path


def _sorted_pages(pages: Iterable[Page]) -> list[Page]:
    """Newest first, as list pages show them."""
    return sorted(pages, key=lambda p: (p.when, p.docid, p.column), reverse=True)


def _unique_docids(pages: Iterable[Page]) -> list[Page]:
    seen: set[int] = set()
    out = []
    for page in pages:
        if page.docid not in seen:
            seen.add(page.docid)
            out.append(page)
    return out


class SiteBuilder:
    """Renders one revision of a plan into a folder."""

    def __init__(
        self, site_dir: Path, plan: SitePlan, base: SitePlan, untitled_column: str | None = None
    ) -> None:
        self.site_dir = site_dir
        self.untitled_column = untitled_column
        self.plan = plan
        self.site = plan.site
        self.base = base
        self.base_pages = sorted(base.pages(), key=lambda p: (p.docid, p.column))
        self.titles = Titles([*base.stories, *(s for s in plan.stories if s.new)])
        self.book = LinkBook()
        self.neighbours = self._neighbours(self.base_pages)
        self.dirs: set[str] = set()
        self.records: list[dict[str, Any]] = []
        self.page_rows: list[dict[str, Any]] = []
        self.dead: list[str] = []

    # ------------------------------------------------------------ files
    def write(self, path: str, data: bytes | str, encoding: str = "utf-8") -> None:
        """Write one file by its URL path.

        ``os.open``/``os.write`` rather than ``Path.write_bytes``: buffered file objects
        cost six times more per file here, and a large site is 60,000 small files.
        """
        target = os.path.join(self.site_dir, _file_path(path).lstrip("/"))
        folder = os.path.dirname(target)
        if folder not in self.dirs:
            os.makedirs(folder, exist_ok=True)
            self.dirs.add(folder)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data.encode(encoding) if isinstance(data, str) else data)
        finally:
            os.close(fd)

    def asset(self, path: str, ext: str) -> None:
        """Place a tiny image or document at ``path``: a hard link to one shared file.

        Creating a file costs 30 times more than linking one here, and photos and
        attachments are half the files of a site; falls back to writing a copy.
        """
        source = os.path.join(os.path.dirname(self.site_dir), ".assets", "blank" + ext)
        if not os.path.exists(source):
            os.makedirs(os.path.dirname(source), exist_ok=True)
            Path(source).write_bytes(assets.FILE_BYTES[ext])
        target = os.path.join(self.site_dir, path.lstrip("/"))
        folder = os.path.dirname(target)
        if folder not in self.dirs:
            os.makedirs(folder, exist_ok=True)
            self.dirs.add(folder)
        try:
            os.link(source, target)
        except OSError:
            self.write(path, assets.FILE_BYTES[ext])

    # ------------------------------------------------------------ links
    @staticmethod
    def _neighbours(pages: list[Page]) -> dict[str, tuple[Page | None, Page | None]]:
        by_column: dict[str, list[Page]] = defaultdict(list)
        for page in pages:
            by_column[page.column].append(page)
        out: dict[str, tuple[Page | None, Page | None]] = {}
        for column_pages in by_column.values():
            column_pages.sort(key=lambda p: (p.when, p.docid))
            for i, page in enumerate(column_pages):
                older = column_pages[i - 1] if i else None
                newer = column_pages[i + 1] if i + 1 < len(column_pages) else None
                out[page.path] = (older, newer)
        return out

    def _prevnext(self, page: Page) -> str:
        older, newer = self.neighbours.get(page.path, (None, None))
        if not page.prevnext or not (older or newer):
            return ""
        parts = []
        for label, other in (("上一篇", newer), ("下一篇", older)):
            if other is None:
                parts.append(f"<p>{label}：没有了</p>")
            else:
                href = self.book.article(page.path, other.path)
                parts.append(
                    f'<p>{label}：<a href="{href}">{render.esc(self.titles[other])}</a></p>'
                )
        return f'<div class="prev-next">{"".join(parts)}</div>'

    def _related(self, page: Page) -> str:
        if crc(page.path, "related") % 10 >= 3 or len(self.base_pages) < 3:
            return ""
        rng = random.Random(f"{self.plan.seed}:{page.path}")
        items = []
        for slot in range(2):
            other = self.base_pages[rng.randrange(len(self.base_pages))]
            if other.path == page.path:
                continue
            href = self.book.article(page.path, other.path, forms=RELATED_FORMS, slot=str(slot))
            items.append(
                f'<li><a href="{render.attr(href)}" target="_blank">'
                f"{render.esc(self.titles[other])}</a></li>"
            )
        if page.docid % 97 == 0:
            dead = _dead_link(page.column, 3)
            self.dead.append(dead)
            items.append(f'<li><a href="{dead}">往期回顾</a></li>')
        return (
            '<div class="related"><div class="related-title">相关阅读</div>'
            f"<ul>{''.join(items)}</ul></div>"
        )

    # ------------------------------------------------------------ articles
    def article_pages(self, story: StoryPlan) -> None:
        """Write every page of one story and keep its ground-truth record."""
        versions = story_versions(story)
        refs, truths = [], {}
        for page in story.pages:
            text = versions[page.version]
            view = render.ArticleView(
                page=page, story=text, prevnext=self._prevnext(page), related=self._related(page),
                site=self.site,
            )
            print_url, mobile_url = self._renderings(view)
            encoding = _encoding(page)
            markup = render.render_article(view)
            if page.column == self.untitled_column:  # a broken template: no title anywhere
                markup = markup.replace(render.esc(text.title), "")
            self.write(page.path, markup, encoding)
            self._files(view)
            truth = render.page_truth(view)
            truths[page.path] = truth
            refs.append(PageRef(page.path, page.docid, page.is_current, len(truth.body_text)))
            self.page_rows.append(
                {
                    "url": page.path,
                    "id": story_id(story.sid),
                    "docid": str(page.docid),
                    "template": page.template,
                    "encoding": page.encoding if encoding == "gbk" else "utf-8",
                    "doubled": page.doubled,
                    "meta": page.meta,
                    "print_url": print_url,
                    "mobile_url": mobile_url,
                }
            )
        canonical = canonical_page(refs)
        chosen = truths[content_page(refs).path]
        others = sorted((r for r in refs if r is not canonical), key=lambda r: (r.docid, r.path))
        urls = [canonical.path, *(r.path for r in others)]
        self.records.append(
            {
                "id": story_id(story.sid),
                "canonical_url": canonical.path,
                "urls": urls,
                "title": chosen.title,
                "published_at": chosen.published_at,
                "published_precision": chosen.precision,
                "source": chosen.source,
                "column": chosen.column,
                "body_text": chosen.body_text,
                "images": chosen.images,
                "attachments": chosen.attachments,
                "variant_urls": [],
                "docids": sorted({str(r.docid) for r in refs}),
                "kind": story.kind,
            }
        )

    def _renderings(self, view: render.ArticleView) -> tuple[str | None, str | None]:
        """Print and mobile renderings of the same article, with less chrome.

        Returns the URLs (paths) that reach them; a ``?print=1`` link is answered by the
        server with the ``_print.html`` file.
        """
        page = view.page
        print_url = None
        if page.print_link in ("file", "query"):
            print_path = page.path[:-5] + "_print.html"
            if page.print_link == "file":
                view.print_href = "./" + print_path.rsplit("/", 1)[1]
                print_url = self.book.variant(page.path, print_path)
            else:
                view.print_href = "?print=1"
                print_url = self.book.variant(page.path, page.path + "?print=1")
            self.write(print_path, render.article_print(view), _encoding(page))
        if page.mobile:
            view.mobile_href = self.book.variant(page.path, "/m" + page.path)
            self.write(view.mobile_href, render.article_mobile(view))
        return print_url, view.mobile_href

    def _files(self, view: render.ArticleView) -> None:
        story, page = view.story, view.page
        count = sum(len(c) for c in story.captions.values())
        for n in range(count):
            self.asset(view.dir + render.image_name(page, n), ".jpg")
        for n, title in enumerate(story.attachments):
            name = render.attachment_name(page, n, title)
            self.asset(view.dir + name, name[name.rfind(".") :])

    # ------------------------------------------------------------ lists
    def _featured(self, source: str, book: LinkBook) -> str:
        """A "热点推荐" box of older articles linked in absolute and tracking forms."""
        rng = random.Random(f"{self.plan.seed}:featured:{source}")
        picks = [self.base_pages[rng.randrange(len(self.base_pages))] for _ in range(4)]
        hrefs = [
            book.article(source, p.path, forms=FEATURED_FORMS, slot=str(i))
            for i, p in enumerate(picks)
        ]
        items = "".join(
            f'<li><a href="{render.attr(href)}">{render.esc(self.titles[p])}</a></li>'
            for href, p in zip(hrefs, picks, strict=True)
        )
        return (
            '<div class="featured"><div class="featured-title">热点推荐</div>'
            f"<ul>{items}</ul></div>"
        )

    def list_pages(self, plan: SitePlan, book: LinkBook) -> dict[str, str]:
        """Every column, parent, topic and home page of ``plan``: path → HTML."""
        by_column: dict[str, list[Page]] = defaultdict(list)
        for page in plan.pages():
            by_column[page.column].append(page)
        for pages in by_column.values():
            pages[:] = _sorted_pages(pages)
        out: dict[str, str] = {}

        def items(
            source: str,
            pages: list[Page],
            *,
            pager: bool = False,
            forms: tuple[str, ...] = ("rel",),
        ) -> list[render.ListItem]:
            return [
                render.ListItem(
                    book.article(source, p.path, forms=forms, pager=pager), self.titles[p], p.when
                )
                for p in pages
            ]

        def latest(prefix: str, count: int) -> list[Page]:
            pages = (
                p
                for path, ps in by_column.items()
                if path == prefix or path.startswith(prefix + "/")
                for p in ps
            )
            return _unique_docids(_sorted_pages(pages))[:count]

        site = self.site
        for column in site.columns:
            pages = by_column.get(column.path, [])
            if column.kind == "parent":
                children = site.children(column.path)
                sections = [(c, items(column.url, latest(c.path, 5))) for c in children]
                out[column.url] = render.parent_page(site, column, sections)
                continue
            per_page = 15 + crc(column.path) % 6
            count = max(1, -(-len(pages) // per_page))
            for number in range(count):
                source = render.list_page_path(column, number)
                chunk = pages[number * per_page : (number + 1) * per_page]
                extra = self._featured(source, book) if number == 0 else ""
                if number == 0 and column.path == site.meeting:
                    extra += f'<a href="{self._dead_links()[0]}">往期回顾</a>'
                out[source] = render.list_page(
                    site, column, number, count, items(source, chunk, pager=number > 0), extra,
                    records=len(pages),
                )
        news = items("/", _unique_docids(_sorted_pages(plan.pages()))[:8], forms=FEATURED_FORMS)
        sections = [(c, items("/", latest(c.path, 6))) for c in site.tops]
        extra = self._featured("/index.html", book) + (
            f'<a href="{self._dead_links()[1]}">往期回顾</a>'
        )
        out["/index.html"] = render.home_page(site, news, sections, extra)
        return out

    def _dead_links(self) -> tuple[str, str]:
        """The old links on the meeting column's first page and on the home page."""
        return _dead_link(self.site.meeting, 1), _dead_link(self.site.list_columns[0].path, 2)

    def _redirects(self) -> dict[str, str]:
        """The moved column's old path → its new one (a 301 on the server)."""
        if not self.site.moved_column:
            return {}
        old, new, _ = self.site.moved_column
        return {f"/{old}/": f"/{new}/"}

    # ------------------------------------------------------------ whole site
    def static_files(self) -> None:
        self.write("/robots.txt", assets.ROBOTS_TXT)
        self.write("/js/common.js", assets.COMMON_JS)
        self.write("/css/style.css", assets.CSS)
        for name in ("logo.png", "gongan.png"):
            self.write(f"/images/{name}", assets.FILE_BYTES[".png"])
        for column in self.site.columns:
            if column.kind == "topic":
                self.write(f"/{column.path}/images/banner.jpg", assets.FILE_BYTES[".jpg"])
        for path, title in (
            ("/search/index.html", "站内搜索"),
            ("/search/advanced.html", "高级搜索"),
            ("/hdjl/index.html", "互动交流"),
            ("/was5/web/search.jsp", "检索结果"),
        ):
            self.write(path, render.dynamic_page(title))

    def build(self) -> tuple[GroundTruth, dict[str, Any]]:
        for story in self.plan.stories:
            self.article_pages(story)
        lists = self.list_pages(self.plan, self.book)
        for path, page in lists.items():
            self.write(path, page)
        self.static_files()
        return self._truth(lists), self._manifest(lists)

    def _manifest(self, lists: dict[str, str]) -> dict[str, Any]:
        revision = self.plan.revision
        stamp = BUILD_TIME[revision].isoformat() + "+08:00"
        last_modified = {}
        if revision > 1:
            before = self.list_pages(self.base, LinkBook())
            last_modified = {
                _file_path(p): stamp for p, html in lists.items() if before.get(p) != html
            }
            for story in self.plan.stories:
                if story.edited:
                    for page in story.pages:
                        for path in (page.path, page.path[:-5] + "_print.html", "/m" + page.path):
                            last_modified[path] = stamp
        redirects = self._redirects()
        for old, new in list(redirects.items()):
            redirects[old + "index.html"] = new + "index.html"
        return {
            "revision": revision,
            "default_last_modified": BUILD_TIME[1].isoformat() + "+08:00",
            "last_modified": last_modified,
            "redirects": redirects,
        }

    def _truth(self, lists: dict[str, str]) -> GroundTruth:
        all_pages = {row["url"] for row in self.page_rows}
        for record in self.records:
            record["variant_urls"] = sorted(
                {v for u in record["urls"] for v in self.book.variants.get(u, ())}
            )
        present = {s.sid for s in self.plan.stories}
        pairs = sorted(
            {
                tuple(sorted((story_id(s.sid), story_id(s.partner))))
                for s in self.plan.stories
                if s.partner in present
            }
        )
        changes = None
        if self.plan.revision > 1:
            changes = {
                "new": [p.path for s in self.plan.stories if s.new for p in s.pages],
                "edited": [p.path for s in self.plan.stories if s.edited for p in s.pages],
                "deleted": [p.path for s in self.plan.deleted for p in s.pages],
            }
        params: dict[str, Any] = {
            "size": len(self.plan.stories),
            "seed": self.plan.seed,
            "revision": self.plan.revision,
        }
        if self.site != LZTZ:
            params["site"] = self.site.key
        icp, psb = self.site.icp, [v.replace(" ", "") for v in self.site.psb]
        return GroundTruth(
            params=params,
            articles=self.records,
            pages=self.page_rows,
            lookalike_pairs=[list(p) for p in pairs],
            registrations={
                "icp": {"canonical": icp[0], "values": sorted(set(icp))},
                "psb": {"canonical": psb[0], "values": sorted(set(psb))},
            },
            robots_disallowed=list(assets.ROBOTS_DISALLOWED),
            column_urls=[c.url for c in self.site.columns],
            list_page_urls=sorted(p.removesuffix("index.html") for p in lists),
            pager_only_article_urls=sorted(all_pages - self.book.linked),
            # fixed dead links, and (revision 2) links to deleted articles left on old pages
            dead_links=sorted({*self.dead, *self._dead_links()} | (self.book.linked - all_pages)),
            redirects=self._redirects(),
            changes=changes,
        )


SPEC_FILE = "site_spec.json"  # next to a non-default site's ground truth
SITES_TRUTH = "sites.json"  # the combined truth of ``build_sites``


def _plans(size: int, seed: int, revision: int, variants: bool = False,
           site: SiteSpec = LZTZ) -> tuple[SitePlan, SitePlan]:
    """(plan of ``revision``, plan of revision 1)."""
    base = make_plan(size, seed, site)
    if variants:
        base = apply_variants(base)
    return (base if revision == 1 else apply_revision2(base)), base


def _write_site(
    out_dir: Path, plan: SitePlan, base: SitePlan, untitled_column: str | None = None,
    **params: Any,
) -> GroundTruth:
    """Render ``plan`` into ``out_dir/site`` and write its truth, manifest (and spec)."""
    site_dir = out_dir / "site"
    if site_dir.exists():
        shutil.rmtree(site_dir)
    truth, manifest = SiteBuilder(site_dir, plan, base, untitled_column).build()
    truth.params.update(params)
    with (out_dir / "ground_truth.json").open("w", encoding="utf-8") as stream:
        json.dump(truth.to_json(), stream, ensure_ascii=False, indent=1)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    if plan.site != LZTZ:
        (out_dir / SPEC_FILE).write_text(
            json.dumps(plan.site.to_json(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
    return truth


def build_site(
    out_dir: Path, *, size: int = 150, seed: int = 0, revision: int = 1,
    variants: bool = False, untitled_column: str | None = None, site: SiteSpec = LZTZ,
) -> GroundTruth:
    """Write the portal of ``size`` distinct articles under ``out_dir/site/``.

    Deterministic for (size, seed, revision, variants, site).  Revision 2 adds, edits
    and deletes a few articles of revision 1 and leaves every other page byte-identical.
    ``variants`` adds the template variants of ``plan.apply_variants``.
    ``untitled_column`` (a column path) renders that column's article pages without
    their title, as a broken template would (the ground truth keeps the titles): what
    field-quality monitoring must notice.  ``site`` is the portal to render (the
    default, www.lztz.gov.cn, writes what it wrote before sites existed); another site
    also writes its spec as ``site_spec.json``, so a server can build its revision 2.
    """
    if revision not in BUILD_TIME:
        raise ValueError(f"revision must be one of {sorted(BUILD_TIME)}")
    plan, base = _plans(size, seed, revision, variants, site)
    extra: dict[str, Any] = {"size": size}
    if variants:
        extra["variants"] = True
    return _write_site(Path(out_dir), plan, base, untitled_column, **extra)


def build_revisions(out_dir: Path, *, size: int = 150, seed: int = 0,
                    variants: bool = False, site: SiteSpec = LZTZ) -> dict[int, GroundTruth]:
    """Both revisions side by side (``out_dir/rev1``, ``out_dir/rev2``), for the server."""
    return {
        r: build_site(Path(out_dir) / f"rev{r}", size=size, seed=seed, revision=r,
                      variants=variants, site=site)
        for r in sorted(BUILD_TIME)
    }


def build_sites(
    out_dir: Path, sites: tuple[SiteSpec, ...] = (LZTZ, LZGOV), *, size: int = 150,
    seed: int = 0,
) -> dict[str, Any]:
    """Several portals reposting each other's stories, from one seed (revision 1).

    Writes ``out_dir/<key>/`` for each site as ``build_site`` does (its own
    ``ground_truth.json``, in which a repost is an ordinary article of that site) and
    ``out_dir/sites.json``, the combined truth (layout in ``truth.py``); returns it.
    """
    if len({s.key for s in sites}) != len(sites) or len(sites) < 2:
        raise ValueError("build_sites needs at least two sites with distinct keys")
    out_dir = Path(out_dir)
    plans = make_plans(size, seed, sites)
    truths = {
        key: _write_site(out_dir / key, plan, plan, size=size, sites=[s.key for s in sites])
        for key, plan in plans.items()
    }
    combined = {
        "params": {"size": size, "seed": seed, "revision": 1},
        "sites": {
            s.key: {"dir": s.key, "site_name": s.site_name, "host": s.host,
                    "aliases": list(s.aliases)}
            for s in sites
        },
        "reposts": _reposts(plans, truths),
    }
    with (out_dir / SITES_TRUTH).open("w", encoding="utf-8") as stream:
        json.dump(combined, stream, ensure_ascii=False, indent=1)
    return combined


def _reposts(plans: dict[str, SitePlan], truths: dict[str, GroundTruth]) -> list[dict[str, Any]]:
    """One record per story published on more than one site (see ``truth.py``)."""
    records = {key: {r["id"]: r for r in truth.articles} for key, truth in truths.items()}
    groups: dict[tuple[str, int], dict[str, str]] = defaultdict(dict)
    for key, plan in plans.items():
        for story in plan.stories:
            if story.repost_of:
                origin_key, origin_sid = story.repost_of
                groups[story.repost_of][origin_key] = story_id(origin_sid)
                groups[story.repost_of][key] = story_id(story.sid)
    out = []
    for origin, articles in sorted(groups.items()):
        found = {key: records[key][aid] for key, aid in articles.items()}
        first = min(found, key=lambda key: (found[key]["published_at"], key))
        original = found[origin[0]]
        out.append({
            "original": origin[0],
            "first": first,
            "articles": dict(sorted(articles.items())),
            "canonical_urls": {k: r["canonical_url"] for k, r in sorted(found.items())},
            "published_at": {k: r["published_at"] for k, r in sorted(found.items())},
            "edits": {k: _edit(original, r) for k, r in sorted(found.items()) if k != origin[0]},
        })
    return out


def _edit(original: dict[str, Any], repost: dict[str, Any]) -> str | None:
    """How a repost's record differs from its original's, read from the records."""
    if repost["title"] != original["title"]:
        return "title"
    if repost["body_text"] != original["body_text"]:
        return "punctuation"
    if len(repost["images"]) != len(original["images"]):
        return "photos"
    return None
