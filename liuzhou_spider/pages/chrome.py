"""Phrases that mark a short line as page chrome on any Chinese portal.

Chrome is what a portal prints around an article (print and close buttons, share bars,
view counters, the copyright and filing lines), never the article itself.  Cleaning and
the generic extractor both judge lines by these phrases, so they live here, once; what
one site prints besides is its profile's ``chrome_markers`` (docs/profiles.md).
"""

from __future__ import annotations

# Literal phrases, matched anywhere inside a short line.
CHROME_PHRASES = (
    "分享本文", "打印正文", "打印本页", "关闭窗口", "版权所有", "公网安备", "浏览次数",
    "阅读次数", "点击数",
)
