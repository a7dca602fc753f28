"""CleanArticle → MergeDecision: one canonical article per fetched URL, across runs.

Order of evidence, strongest first: a URL already seen (a re-crawl) or a docid already
seen (cross-posts, other hosts, print/mobile renderings of one document) name the
article outright; then an identical normalised body; then MinHash LSH candidates,
confirmed by their signatures and by title and publication day (``merge.same_report``).
Everything the decisions need is rebuilt at start-up from what storage keeps per
article (``KnownArticle``: signature bytes, body hash, title, day, member URLs), so a
crawl next week recognises today's articles without re-reading a body.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from liuzhou_spider.items import BodySketch, CleanArticle, KnownArticle, MergeDecision, RawArticle
from pipelines.dedup.config import DedupConfig
from pipelines.dedup.index import BandIndex
from pipelines.dedup.keys import KeyTable, key64
from pipelines.dedup.merge import (
    Evidence,
    PageRank,
    content_key,
    docid_number,
    is_complete,
    same_report,
    url_key,
    worth_exact_check,
)
from pipelines.dedup.normalize import normalize
from pipelines.dedup.signature import estimate, exact_jaccard
from pipelines.dedup.sketch import signer_key, sketch_body


def page_url(raw: RawArticle) -> str:
    """The URL that identifies a page among an article's members.

    An article rendering is known by its canonical URL (host alias, scheme and tracking
    parameters folded); a print or mobile rendering by the URL it was fetched from,
    because its canonical URL is the article's own.
    """
    return raw.canonical_url if raw.rendering == "article" else raw.url


def _page(pages: tuple[PageRank, ...], url: str) -> PageRank | None:
    return next((p for p in pages if p.url == url), None)


def _docid_key(docid: int) -> int:
    return key64(str(docid))


def article_id_for(url: str) -> str:
    """Stable id: the first 16 hex digits of SHA-256 of the first page's canonical URL.

    The canonical URL maps a print or mobile rendering to the article it renders, so the
    id does not depend on which rendering the crawl happened to fetch first.
    """
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class ArticleSummary:
    """Where an article stands now: for the crawl summary, tests and diagnostics."""

    article_id: str
    canonical_url: str
    content_url: str  # the page whose body is the canonical body
    content_docid: str | None
    body_hash: str
    urls: tuple[str, ...]


@dataclass(slots=True)
class _Article:
    article_id: str
    evidence: Evidence  # of the canonical content's page
    canonical: PageRank  # the page whose URL stands for the article
    content: PageRank  # the page whose body is the canonical body
    # The content's signature: its slot in the index (an int costs a quarter of a numpy
    # view), or the array itself while it is not indexed (a short body, or until stored).
    content_sig: np.ndarray | int
    content_hash: str
    pages: tuple[PageRank, ...] = ()  # one per URL (a tuple: a dict costs 3× as much)


_RECENT = 1024  # content bodies kept for exact checks: more than a batch not yet stored
_LOAD_CHUNK = 1024  # loaded signatures indexed at a time


class Deduplicator:
    """Assigns every fetched article page to exactly one canonical article.

    ``bodies`` reads a stored article's canonical body by id (None when not stored): with
    it, a candidate whose estimate falls just under ``strong`` is settled by the exact
    Jaccard of the two bodies (``merge.worth_exact_check``).  The bodies of the last
    articles created or replaced here are kept for that too (the storing step writes
    them a batch later), so the outcome does not depend on when a batch was written.
    """

    def __init__(
        self, config: DedupConfig | None = None,
        bodies: Callable[[str], str | None] | None = None,
    ) -> None:
        self.config = config or DedupConfig()
        self.bodies = bodies
        self._recent: OrderedDict[int, str] = OrderedDict()  # number → content body
        c = self.config
        self.signer = c.signer()
        self.index = BandIndex(c.num_perm, c.bands, c.rows)
        # Articles by number; the maps below hold numbers under 64-bit keys (keys.py).
        self._articles: list[_Article] = []
        self._numbers = KeyTable()  # article id → number
        self._by_url = KeyTable()
        self._by_docid = KeyTable()
        self._by_hash = KeyTable()
        self._slot_article = array("i")  # index slot → article number

    def __len__(self) -> int:
        return len(self._articles)

    # -- signatures -------------------------------------------------------------------

    def signature_to_bytes(self, sig: np.ndarray) -> bytes:
        """A signature as stored (datasketch ``LeanMinHash`` bytes, little-endian)."""
        return self.signer.to_bytes(sig)

    def signature_from_bytes(self, data: bytes) -> np.ndarray:
        """A stored signature back as an array; refuses another configuration's bytes."""
        return self.signer.from_bytes(data)

    def memory_bytes(self) -> int:
        """Bytes held by the LSH index, signatures and lookup tables (records aside)."""
        tables = (self._numbers, self._by_url, self._by_docid, self._by_hash)
        return self.index.nbytes + sum(t.nbytes for t in tables) + len(self._slot_article) * 4

    def summary(self, article_id: str) -> ArticleSummary:
        """The current canonical URL, content page and member URLs of an article."""
        number = self._numbers.latest(key64(article_id))
        if number is None or self._articles[number].article_id != article_id:
            raise KeyError(article_id)
        art = self._articles[number]
        docid = art.content.docid
        return ArticleSummary(
            article_id=article_id,
            canonical_url=art.canonical.url,
            content_url=art.content.url,
            content_docid=str(docid) if docid is not None else None,
            body_hash=art.content_hash,
            urls=tuple(p.url for p in sorted(art.pages, key=url_key)),
        )

    # -- start-up ---------------------------------------------------------------------

    def load(self, known: Iterable[KnownArticle]) -> None:
        """Rebuild the state from stored articles, without their bodies.

        ``known`` is read once, as a stream: nothing per article is kept but the state
        itself (signatures go into the index a thousand at a time).
        """
        to_index: list[tuple[int, np.ndarray]] = []  # (article number, signature)
        # (keys, numbers) of every member URL and docid, 12 bytes each, added in one go.
        urls = (array("Q"), array("i"))
        docids = (array("Q"), array("i"))
        for k in known:
            pages = {
                m.url: PageRank(m.url, docid_number(m.docid), m.rendering, m.template_current)
                for m in k.members
            }
            canonical = pages.get(k.canonical_url) or PageRank(
                k.canonical_url, docid_number(k.content_docid), "article", True
            )
            pages.setdefault(canonical.url, canonical)
            content = self._content_page(pages, docid_number(k.content_docid), canonical)
            content = replace(content, body_len=k.body_len)
            pages[content.url] = content
            sig = self._stored_signature(k)
            art = _Article(
                article_id=k.article_id,
                evidence=Evidence.of(k.title, k.published_at),
                canonical=pages[canonical.url],
                content=content,
                content_sig=sig,
                content_hash=k.body_hash,
                pages=tuple(pages.values()),
            )
            number = self._add_article(art)
            for page in pages.values():
                urls[0].append(key64(page.url))
                urls[1].append(number)
                if page.docid is not None:
                    docids[0].append(_docid_key(page.docid))
                    docids[1].append(number)
            self._by_hash.add(key64(k.body_hash), number)
            # body_len counts the stored body's characters, a bound on the normalised length.
            if k.signature and k.body_len >= self.config.min_chars:
                to_index.append((number, sig))
                if len(to_index) == _LOAD_CHUNK:
                    self._index_loaded(to_index)
                    to_index = []
        self._index_loaded(to_index)
        self._by_url.add_many(*urls)  # the last stored article of a URL wins, as it did
        self._by_docid.add_many(*docids)

    def _stored_signature(self, known: KnownArticle) -> np.ndarray:
        """A stored article's signature, or the refusal to compare it: one made with
        other settings would match nothing it should."""
        if not known.signature:
            return self.signer.empty
        try:
            return self.signer.from_bytes(known.signature)
        except ValueError as exc:
            raise ValueError(
                f"the stored signature of article {known.article_id} cannot be compared: "
                f"{exc}. Run `liuzhou reprocess` to sign the stored pages again with "
                "these settings"
            ) from exc

    @staticmethod
    def _content_page(
        pages: dict[str, PageRank], content_docid: int | None, fallback: PageRank
    ) -> PageRank:
        same = [p for p in pages.values() if p.docid == content_docid and content_docid is not None]
        return min(same, key=url_key) if same else fallback

    # -- assignment -------------------------------------------------------------------

    def stored_length(self, raw: RawArticle) -> int | None:
        """The length of the body this page would replace when it is its article's
        content page again (a re-fetch of the page the article's body came from), else
        None: only then does a page's body replace the article's whatever its length."""
        number = self._identity(raw)
        if number is None:
            return None
        art = self._articles[number]
        return art.content.body_len if art.content.url == page_url(raw) else None

    def sketch(self, text: str) -> BodySketch:
        """What ``assign`` compares of a body (``sketch_body`` with this signer)."""
        return sketch_body(text, self.signer)

    def assign(self, article: CleanArticle, sketch: BodySketch | None = None) -> MergeDecision:
        """Where one fetched article page belongs; updates the state accordingly.

        ``sketch`` is the body's sketch when it was computed elsewhere (the reading
        worker); it must come from a signer configured as this one.
        """
        raw = article.raw
        if sketch is None:
            sketch = self.sketch(article.body_text)
        elif sketch.made_by != signer_key(self.signer):
            raise ValueError(f"sketch made by signer {sketch.made_by}, "
                             f"this index signs with {signer_key(self.signer)}")
        digest, sig = sketch.digest, sketch.signature
        c = self.config
        keys = sketch.band_keys if sketch.banding == (c.bands, c.rows) else None
        page = PageRank(
            url=page_url(raw),
            docid=docid_number(raw.docid),
            rendering=raw.rendering,
            template_current=raw.template in self.config.current_templates,
            body_len=len(article.body_text),
        )
        evidence = Evidence.of(article.title, article.published_at)
        long_enough = sketch.length >= self.config.min_chars
        known_page = self._by_url.latest(key64(page.url)) is not None
        number = self._identity(raw)
        if number is None:
            number = self._match(digest, sig, keys, evidence, long_enough,
                                 lambda: article.body_text)
        if number is None:
            art = self._create(article_id_for(raw.canonical_url), page, evidence, sig, digest)
            number = self._add_article(art)
            new, replaced, canonical = True, True, True
        else:
            art = self._articles[number]
            new = False
            replaced, canonical = self._join(art, page, evidence, sig, digest)
        self._register(number, raw, page)
        if replaced:
            self._recent[number] = article.body_text
            self._recent.move_to_end(number)
            if len(self._recent) > _RECENT:
                self._recent.popitem(last=False)
        slot = self._remember_body(number, digest, sig, keys, long_enough)
        if art.content_sig is sig:
            # Keep the index's slot (or an own copy): the page's array may be a view of
            # the whole message it came in from the reading worker.
            art.content_sig = slot if slot is not None else sig.copy()
        similarity = 1.0 if digest == art.content_hash else estimate(sig, self._content_sig(art))
        return MergeDecision(
            article=article,
            article_id=art.article_id,
            is_new_article=new,
            similarity=similarity,
            is_canonical=canonical,
            body_replaced=replaced,
            signature=self.signer.to_bytes(sig),
            body_hash=digest,
            known_page=known_page,
        )

    def match_known(self, known: KnownArticle, body: Callable[[], str | None]) -> str | None:
        """The id of the article here that a stored article (of another site) would merge
        into by its content, None if none: the rule ``assign`` applies to a new page
        whose URL and docid name nothing (another site's URLs and docids never do).
        Changes nothing.  ``body`` reads the stored article's body, for the rare
        candidate whose estimate needs the exact Jaccard.

        Its length is judged by ``body_len``, as ``load`` judges what it indexes.
        """
        if not known.signature:
            return None
        sig = self.signer.from_bytes(known.signature)
        evidence = Evidence.of(known.title, known.published_at)
        long_enough = known.body_len >= self.config.min_chars
        number = self._match(known.body_hash, sig, None, evidence, long_enough, body)
        return None if number is None else self._articles[number].article_id

    def _index_loaded(self, loaded: list[tuple[int, np.ndarray]]) -> None:
        """Index loaded signatures in one vectorised insert; the articles then hold their
        slots, and the signature lives once, in the index's block."""
        if not loaded:
            return
        slots = self.index.add_many(np.stack([sig for _, sig in loaded]))
        for (number, _), slot in zip(loaded, slots, strict=True):
            self._articles[number].content_sig = slot
            self._slot_article.append(number)

    def _content_sig(self, art: _Article) -> np.ndarray:
        sig = art.content_sig
        return self.index.signature(sig) if isinstance(sig, int) else sig

    def _add_article(self, art: _Article) -> int:
        number = len(self._articles)
        self._articles.append(art)
        self._numbers.add(key64(art.article_id), number)
        return number

    def _identity(self, raw: RawArticle) -> int | None:
        """The number of the article a page's URL or docid names, if any."""
        for url in (page_url(raw), raw.canonical_url, raw.url):
            number = self._by_url.latest(key64(url))
            if number is not None:
                return number
        docid = docid_number(raw.docid)  # numerically: "01234" and "1234" are one document
        return self._by_docid.latest(_docid_key(docid)) if docid is not None else None

    def _match(
        self, digest: str, sig: np.ndarray, keys: np.ndarray | None, evidence: Evidence,
        long_enough: bool, body: Callable[[], str | None],
    ) -> int | None:
        """The article this body duplicates, if the evidence agrees; best similarity first.
        ``keys``: the signature's band keys, when the reading worker computed them;
        ``body``: the body itself, read only for an exact check."""
        scores = dict.fromkeys(self._by_hash.values(key64(digest)), 1.0)
        if long_enough:
            slots = self.index.candidates(sig, keys)
            for slot, sim in zip(slots, self.index.similarities(sig, slots), strict=True):
                number = self._slot_article[slot]
                scores[number] = max(scores.get(number, 0.0), float(sim))
        c = self.config
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], self._articles[kv[0]].article_id))
        for number, sim in ranked:
            art = self._articles[number]
            if long_enough:
                if same_report(evidence, art.evidence, sim, c.accept, c.strong) or (
                    worth_exact_check(evidence, art.evidence, sim, c.recheck, c.strong)
                    and self._exactly_alike(body, number)
                ):
                    return number
            elif normalize(evidence.title) == normalize(art.evidence.title) and (
                evidence.day == art.evidence.day
            ):
                # A short body (image-only page) says too little: the exact hash must
                # come with the same title and the same day.
                return number
        return None

    def _exactly_alike(self, body: Callable[[], str | None], number: int) -> bool:
        """Whether a body's exact Jaccard to the article's canonical body reaches ``strong``
        (False when either body cannot be read)."""
        stored = self._recent.get(number)
        if stored is None and self.bodies is not None:
            stored = self.bodies(self._articles[number].article_id)
        text = body() if stored is not None else None
        if stored is None or text is None:
            return False
        c = self.config
        return exact_jaccard(normalize(text), normalize(stored), c.ngram) >= c.strong

    def _create(
        self, article_id: str, page: PageRank, evidence: Evidence, sig: np.ndarray, digest: str
    ) -> _Article:
        return _Article(
            article_id=article_id,
            evidence=evidence,
            canonical=page,
            content=page,
            content_sig=sig,
            content_hash=digest,
            pages=(page,),
        )

    def _join(
        self, art: _Article, page: PageRank, evidence: Evidence, sig: np.ndarray, digest: str
    ) -> tuple[bool, bool]:
        """Add a page to an article; returns (its body became the content, it is canonical)."""
        art.pages = (*(p for p in art.pages if p.url != page.url), page)
        lengths = [p.body_len for p in art.pages if p.rendering == "article" and p.body_len]
        longest = max(lengths, default=0)
        ratio = self.config.complete_ratio
        if art.content.url == page.url:
            # The content page itself again: its body, if edited in place, is the newest.
            replaced = digest != art.content_hash
        else:
            current = _page(art.pages, art.content.url) or art.content
            replaced = is_complete(page, longest, ratio) and (
                not is_complete(current, longest, ratio) or content_key(page) < content_key(current)
            )
        if replaced:
            art.content, art.content_sig, art.content_hash = page, sig, digest
            art.evidence = evidence
        elif art.content.url == page.url:
            art.content = page
        canonical = _page(art.pages, art.canonical.url) or art.canonical
        is_canonical = url_key(page) <= url_key(canonical)
        if is_canonical:
            art.canonical = page
        return replaced, is_canonical

    def _register(self, number: int, raw: RawArticle, page: PageRank) -> None:
        for url in {page.url, raw.url, raw.canonical_url}:
            self._by_url.setdefault(key64(url), number)
        if page.docid is not None:
            self._by_docid.setdefault(_docid_key(page.docid), number)

    def _remember_body(
        self, number: int, digest: str, sig: np.ndarray, keys: np.ndarray | None,
        long_enough: bool,
    ) -> int | None:
        """Index a body version once per article; older versions keep matching their copies.

        Returns the index slot the signature was stored in, if it was stored now.
        """
        key = key64(digest)
        if number in self._by_hash.values(key):  # this version is indexed already
            return None
        self._by_hash.add(key, number)
        if not long_enough:
            return None
        self._slot_article.append(number)
        return self.index.add(sig, keys)
