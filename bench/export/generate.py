"""A synthetic crawl database of any size, written with bulk inserts (fast, not realistic
in its history: one run, two URLs per article, no versions)."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from sqlalchemy import insert

from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Article, ArticleColumn, CrawlRun, Url
from storage.search import SearchIndex

PHRASES = (
    "要统一思想抓落实，切实把思想和行动统一到市委、市政府决策部署上来。",
    "南国春来早，人勤地生宝。", "全力以赴推动招商引资大突破、工业发展大提速。",
    "会议以电视电话会议形式召开，各县区设分会场。",
    "市委统战部召开专题会议，研究部署下一阶段工作。",
    "进一步巩固和发展最广泛的爱国统一战线。", "各民主党派、工商联和无党派人士积极建言献策。",
)
COLUMNS = (("统战动态", "时政聚焦", "本市"), ("工作时讯",), ("新时代", "工作动态"))
BATCH = 2000


def build(path: Path, rows: int, seed: int = 0) -> str:
    """Create ``path`` (SQLite) holding ``rows`` articles; return its URL."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    rng = random.Random(seed)
    seen = "2026-03-01T02:00:00+00:00"
    with engine.begin() as connection:
        connection.execute(insert(CrawlRun).values(id=1, started_at=seen, status="success"))
    for start in range(0, rows, BATCH):
        articles, urls, columns = [], [], []
        for n in range(start, min(start + BATCH, rows)):
            article_id = hashlib.sha256(str(n).encode()).hexdigest()[:16]
            day = f"2025{1 + n % 12:02d}{1 + n % 28:02d}"
            canonical = f"https://www.lztz.gov.cn/tzdt/{day[:6]}/t{day}_{3000000 + n}.html"
            body = "\n".join(rng.choice(PHRASES) for _ in range(30))
            column = COLUMNS[n % len(COLUMNS)]
            articles.append(dict(
                id=article_id, canonical_url=canonical, title=f"第{n}号 {PHRASES[n % 7][:20]}",
                published_at=f"{day[:4]}-{day[4:6]}-{day[6:]}T09:30:00+08:00", source="柳州1号",
                column_path=" > ".join(column), body_text=body, body_html=f"<p>{body}</p>",
                images=json.dumps([{"url": canonical + ".jpg", "caption": "大会现场。"}],
                                  ensure_ascii=False),
                attachments="[]", extractor="template", body_hash=str(n), signature=b"\0" * 512,
                body_len=len(body), content_url=canonical, content_docid=str(3000000 + n),
                first_seen_at=seen, last_seen_at=seen, created_run_id=1,
            ))
            urls += [
                dict(url=canonical, canonical_url=canonical, kind="article", article_id=article_id,
                     is_canonical=True, similarity=1.0, first_seen_at=seen, last_seen_at=seen),
                dict(url=canonical.replace("https://www.", "http://") + "?from=timeline",
                     canonical_url=canonical, kind="article", article_id=article_id,
                     is_canonical=False, similarity=0.97, first_seen_at=seen, last_seen_at=seen),
            ]
            columns += [dict(article_id=article_id, level=i, name=name)
                        for i, name in enumerate(column)]
        with engine.begin() as connection:
            connection.execute(insert(Article), articles)
            SearchIndex(connection).rebuild()  # as the storing code keeps it
            connection.execute(insert(Url), urls)
            connection.execute(insert(ArticleColumn), columns)
    engine.dispose()
    return url
