"""Merge two extractions of one page by agreement: trafilatura's and our DOM scorer's.

Measured on the public benchmarks (bench/extraction/README.md), trafilatura finds the
body of nearly every page (high recall) but, on Chinese portals, keeps chrome lines
around it (low precision), while our scorer's region is tighter but sometimes wrong.
So on Chinese text, when the two agree on where the article is, trafilatura's lines
are kept only if our region holds them too, or if they read as prose (long, with
sentence punctuation). When they disagree, or the text is not Chinese, trafilatura's
output is kept as is: it is the more robust of the two on English pages.
"""

from __future__ import annotations

import re
from collections import Counter

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|(?:(?![{_CJK}])\w)+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_SENTENCE_PUNCT = re.compile(r"[，。；！？]")
_SHINGLE = 4
_MIN_HAN_SHARE = 0.2  # below this the text is not Chinese: keep trafilatura's output
_MIN_AGREEMENT = 0.5  # share of our text that trafilatura's output must contain
_MIN_LINE_COVER = 0.5  # share of a line that our region must contain to vouch for it
_SAME_TEXT = 0.95  # both ways: the two extractions are the same text
_PROSE_CHARS = 60  # a line this long with sentence punctuation is kept regardless


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """4-token shingles, one token per Han/kana character or Latin word."""
    tokens = _TOKEN.findall(text)
    if len(tokens) < _SHINGLE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i:i + _SHINGLE]) for i in range(len(tokens) - _SHINGLE + 1))


def containment(part: Counter[tuple[str, ...]], whole: Counter[tuple[str, ...]]) -> float:
    """Share of ``part``'s shingles that also occur in ``whole`` (0 when empty)."""
    total = sum(part.values())
    return sum((part & whole).values()) / total if total else 0.0


def is_chinese(text: str) -> bool:
    """Whether Han characters make up a fifth of the text at least, with hardly any kana
    (Japanese pages were not what the merge rules were measured on)."""
    han = len(_HAN.findall(text))
    return bool(text) and han / len(text) >= _MIN_HAN_SHARE and len(_KANA.findall(text)) <= han / 50


def _is_prose(line: str) -> bool:
    return len(line) >= _PROSE_CHARS and bool(_SENTENCE_PUNCT.search(line))


def merge(ours: str, theirs: str) -> str:
    """One body text from our extraction and trafilatura's (both ``\\n``-joined lines)."""
    if not theirs.strip():
        return ours
    if not ours.strip() or not is_chinese(theirs):
        return theirs
    our_shingles, their_shingles = shingles(ours), shingles(theirs)
    agreement = containment(our_shingles, their_shingles)
    if agreement < _MIN_AGREEMENT:
        return theirs
    if agreement >= _SAME_TEXT and containment(their_shingles, our_shingles) >= _SAME_TEXT:
        # Same text: ours keeps the page's line breaks (trafilatura renders a layout
        # table as one "| cell |" line).
        return ours
    kept = [
        line for line in theirs.split("\n")
        if _is_prose(line) or containment(shingles(line), our_shingles) >= _MIN_LINE_COVER
    ]
    return "\n".join(kept)
