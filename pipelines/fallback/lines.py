"""Keep the lines of the chosen region that read as article text.

The winning container of a news page usually still holds some chrome: a "related
articles" list under the body, a share bar, "责任编辑"/"打印本页"/"关闭窗口", an ICP
line. These are short, link-dense or made of a known chrome phrase, and they sit at the
edges of the body, so lines are judged by those signals rather than by position alone.
"""

from __future__ import annotations

import re

from liuzhou_spider.pages.chrome import CHROME_PHRASES
from pipelines.fallback.text import Block

_MAX_LINK_DENSITY = 0.5
# Chrome phrases of Chinese portals and English news sites, matched on short lines only.
_CHROME = re.compile(
    "|".join(map(re.escape, CHROME_PHRASES))
    + r"|分享到|分享至|责任编辑|责编|【打印|【关闭|上一篇|下一篇|"
    r"返回顶部|【纠错】|纠错|扫一扫|二维码|ICP备|ICP证|相关阅读|相关新闻|"
    r"相关文章|推荐阅读|热门推荐|【字号|字号：|字体：|"
    r"copyright|©|all rights reserved|share this|share on|follow us|sign up|subscribe|"
    r"related articles|related stories|read more|advertisement",
    re.I,
)
_CHROME_MAX_CHARS = 60


def is_article_line(block: Block) -> bool:
    """False for navigation, link lists and chrome phrases; True for everything else."""
    if block.link_density > _MAX_LINK_DENSITY:
        return False
    return not (block.chars <= _CHROME_MAX_CHARS and _CHROME.search(block.text))


def article_lines(blocks: list[Block]) -> list[str]:
    """The texts of the blocks that are article lines, in order."""
    return [block.text for block in blocks if is_article_line(block)]
