#!/usr/bin/env python3
"""Score a main-content (article body) extractor on the public data sets that
``python -m bench.extraction fetch`` downloads (``bench/extraction/data.py``).

Usage:
    python -m bench.extraction.evaluate MODULE:FUNCTION [options]
    python -m bench.extraction.evaluate path/to/file.py:FUNCTION [options]
    python -m bench.extraction.evaluate --predictions preds.json --datasets scrapinghub

The extractor is any callable ``f(html: str, url: str) -> str`` returning the
article body as plain text (``None`` counts as empty, an exception counts as
empty and as a failure).  The harness decodes each page to ``str`` first
(UTF-8, else the declared charset, else GB18030) and passes the page URL when
the data set records one ('' otherwise).

Metric (re-implemented here from the definition used by
scrapinghub/article-extraction-benchmark, MIT; its published point estimates
are reproduced to 3 decimals):
  * tokens: ``re.findall(r'\\w+', text)`` (``--tokenizer benchmark``, the
    default); ``--tokenizer cjk`` instead makes every Han/kana character its
    own token and keeps other ``\\w+`` runs, which suits Chinese, where
    ``\\w+`` turns a whole clause between two punctuation marks into one token;
  * shingles: all runs of 4 consecutive tokens (a text with 1-3 tokens is one
    shorter shingle), counted as a multiset;
  * per page: TP = shared shingles, FP = extra predicted ones, FN = missed
    ones, then divided by TP+FP+FN so that every page weighs the same;
  * precision = mean of TP/(TP+FP) over pages where TP+FP > 0 (an empty
    prediction is left out of precision and scores 0 recall);
    recall = mean of TP/(TP+FN) over pages where TP+FN > 0;
    F1 = 2PR/(P+R) of those two means (not a mean of per-page F1);
  * accuracy = share of pages whose token lists are identical;
  * +- = standard deviation over bootstrap resamples of the pages.

Pages of the snippet-style set (trafilatura-evaldata-zh) are instead scored by
whether each 'with' snippet occurs in the whitespace-normalised output and each
'without' snippet does not (counts pooled over pages).

Only the standard library is needed, plus whatever the extractor imports.
"""
# This harness came with the benchmark's data folder and is kept as written there
# (pyproject.toml exempts its formatting from ruff); only where it finds the data changed.
import argparse
import gzip
import importlib
import importlib.util
import json
import math
import os
import random
import re
import signal
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
NGRAM = 4

# --------------------------------------------------------------------------
# tokenisation and the shingle metric

_BENCH_TOKEN = re.compile(r"\w+", re.UNICODE)
# Han (CJK unified + ext. A + compatibility) and Japanese kana
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_TOKEN = re.compile(r"[%s]|(?:(?![%s])\w)+" % (_CJK, _CJK), re.UNICODE)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")

TOKENIZERS = {
    "benchmark": lambda text: _BENCH_TOKEN.findall(text or ""),
    "cjk": lambda text: _CJK_TOKEN.findall(text or ""),
}


def shingle_counts(tokens, n=NGRAM):
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def page_counts(true_text, pred_text, tokenize):
    """Normalised (tp, fp, fn) for one page, plus exact-token-match flag."""
    t_tok, p_tok = tokenize(true_text), tokenize(pred_text)
    t_sh, p_sh = shingle_counts(t_tok), shingle_counts(p_tok)
    tp = sum((t_sh & p_sh).values())
    fp = sum((p_sh - t_sh).values())
    fn = sum((t_sh - p_sh).values())
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    return (float(tp), float(fp), float(fn)), t_tok == p_tok


def aggregate(rows):
    """rows: list of ((tp, fp, fn), exact). Returns precision, recall, f1, accuracy."""
    precs = [tp / (tp + fp) for (tp, fp, fn), _ in rows if tp + fp > 0]
    recs = [tp / (tp + fn) for (tp, fp, fn), _ in rows if tp + fn > 0]
    p = statistics.mean(precs) if precs else float("nan")
    r = statistics.mean(recs) if recs else float("nan")
    f1 = 2 * p * r / (p + r) if precs and recs and (p + r) > 0 else 0.0
    acc = statistics.mean(1.0 if exact else 0.0 for _, exact in rows) if rows else float("nan")
    return {"precision": p, "recall": r, "f1": f1, "accuracy": acc}


def with_bootstrap(rows, n_boot, seed):
    metrics = aggregate(rows)
    metrics["n"] = len(rows)
    if n_boot > 1 and len(rows) > 1:
        rng = random.Random(seed)
        samples = {k: [] for k in ("precision", "recall", "f1", "accuracy")}
        n = len(rows)
        for _ in range(n_boot):
            m = aggregate([rows[rng.randrange(n)] for _ in range(n)])
            for k in samples:
                if not math.isnan(m[k]):
                    samples[k].append(m[k])
        for k, vals in samples.items():
            metrics[k + "_std"] = statistics.stdev(vals) if len(vals) > 1 else 0.0
    else:
        for k in ("precision", "recall", "f1", "accuracy"):
            metrics[k + "_std"] = 0.0
    return metrics


def snippet_counts(item, pred_text):
    """(tp, fp, fn, tn) for a with/without snippet annotation."""
    norm = lambda s: re.sub(r"\s+", " ", s or "").strip()
    out = norm(pred_text)
    tp = sum(1 for s in item.get("with", []) if norm(s) in out)
    fp = sum(1 for s in item.get("without", []) if norm(s) in out)
    return tp, fp, len(item.get("with", [])) - tp, len(item.get("without", [])) - fp


# --------------------------------------------------------------------------
# reading pages

_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030",
            "x-gbk": "gb18030", "cp936": "gb18030", "utf8": "utf-8",
            "unicode": "utf-8", "big5": "big5hkscs"}


def decode_html(raw):
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for m in _CHARSET.finditer(raw[:8192]):
        name = m.group(1).decode("ascii", "ignore").lower()
        name = _ALIASES.get(name, name)
        if name in ("utf-8", "unset"):
            continue
        try:
            return raw.decode(name, errors="replace")
        except LookupError:
            continue
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_bytes(path):
    path = Path(path)
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as f:
            return f.read()
    return path.read_bytes()


def is_zh(text):
    """Ground truth mostly Chinese (Han characters, hardly any kana)."""
    chars = re.sub(r"\s", "", text or "")
    if not chars:
        return False
    han = len(_HAN.findall(chars))
    kana = len(_KANA.findall(chars))
    return han / len(chars) >= 0.2 and kana <= 0.02 * han


# Each loader yields dicts: id, url, html_path, truth (str) or snippets (dict).

def load_scrapinghub(root):
    gt = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(gt):
        yield {"id": key, "url": gt[key].get("url", ""),
               "html_path": root / "html" / (key + ".html.gz"),
               "truth": gt[key].get("articleBody", "")}


def load_magic_html(root):
    gt = json.loads((root / "base.json").read_text(encoding="utf-8"))
    for key in sorted(gt):
        yield {"id": key, "url": gt[key].get("url", ""),
               "html_path": root / "htmls" / (key + ".html.gz"),
               "truth": gt[key].get("content", "")}


_TEXT_WRAPPER = re.compile(r"^\s*<text\b([^>]*)>", re.I)


def strip_corpus_wrapper(html):
    """Pages of chinese-web-content-extraction often sit in a corpus wrapper
    '<text id="URL" title=.. encoding=..> ... </text>'; drop it, keep the URL."""
    m = _TEXT_WRAPPER.match(html)
    if not m:
        return html, ""
    url_m = re.search(r'\bid="([^"]*)"', m.group(1))
    body = html[m.end():].lstrip().lstrip("\ufeff")
    body = re.sub(r"</text>\s*$", "", body, flags=re.I)
    return body, (url_m.group(1) if url_m else "")


def load_cwced(root):
    for path in sorted((root / "original").glob("*.html")):
        key = path.stem
        truth = (root / "cleaned" / (key + ".txt")).read_text(encoding="utf-8")
        yield {"id": key, "url": None, "html_path": path, "truth": truth,
               "transform": strip_corpus_wrapper}


def load_trafilatura_zh(root):
    data = json.loads((root / "evaldata-zh.json").read_text(encoding="utf-8"))
    for url in sorted(data):
        item = data[url]
        yield {"id": item["file"], "url": url,
               "html_path": root / "html" / item["file"],
               "snippets": {"with": item.get("with", []),
                            "without": item.get("without", [])}}


DATASETS = {
    # name: (folder, loader, kind)
    "scrapinghub": ("scrapinghub", load_scrapinghub, "shingle"),
    "magic-html-article": ("magic-html-article", load_magic_html, "shingle"),
    "chinese-web-content-extraction": ("chinese-web-content-extraction", load_cwced, "shingle"),
    "trafilatura-evaldata-zh": ("trafilatura-evaldata-zh", load_trafilatura_zh, "snippet"),
}


# --------------------------------------------------------------------------
# running an extractor

def load_extractor(spec):
    if ":" not in spec:
        raise SystemExit("extractor must be MODULE:FUNCTION or FILE.py:FUNCTION")
    target, func = spec.rsplit(":", 1)
    if target.endswith(".py") or os.sep in target:
        path = Path(target).resolve()
        sys.path.insert(0, str(path.parent))
        mod_spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(mod_spec)
        mod_spec.loader.exec_module(module)
    else:
        sys.path.insert(0, os.getcwd())
        sys.path.insert(1, str(HERE))
        module = importlib.import_module(target)
    return getattr(module, func)


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def call_extractor(fn, html, url, timeout):
    if timeout and hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    start = time.perf_counter()
    err = None
    try:
        out = fn(html, url)
    except _Timeout:
        out, err = None, "timeout"
    except Exception as e:  # an extractor failure costs recall, not the run
        out, err = None, "%s: %s" % (type(e).__name__, str(e)[:200])
    finally:
        if timeout and hasattr(signal, "setitimer"):
            signal.setitimer(signal.ITIMER_REAL, 0)
    elapsed = time.perf_counter() - start
    if out is not None and not isinstance(out, str):
        out = str(out)
    return out or "", elapsed, err


def load_predictions(path):
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict) and set(data) == {"version", "output"}:
        data = data["output"]
    return {k: (v.get("articleBody") if isinstance(v, dict) else v) or "" for k, v in data.items()}


# --------------------------------------------------------------------------

def fmt(m, key):
    v = m.get(key, float("nan"))
    s = m.get(key + "_std", 0.0)
    return "  -  " if v != v else "%.3f±%.3f" % (v, s)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("extractor", nargs="?", help="MODULE:FUNCTION or FILE.py:FUNCTION, f(html, url) -> str")
    ap.add_argument("--predictions", help="score a saved predictions JSON ({id: {articleBody}}) instead of running an extractor")
    ap.add_argument("--datasets", default=",".join(DATASETS),
                    help="comma-separated, from: %s" % ", ".join(DATASETS))
    ap.add_argument("--data-dir", default=None,
                    help="the data sets' folder (default: where `python -m bench.extraction fetch` puts them)")
    ap.add_argument("--tokenizer", choices=["benchmark", "cjk", "both"], default="both",
                    help="benchmark = \\w+ tokens as in the original benchmark; cjk = one token per Han/kana char")
    ap.add_argument("--n-bootstrap", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages of each set (smoke test)")
    ap.add_argument("--timeout", type=float, default=0, help="seconds per page (0 = none)")
    ap.add_argument("--json", help="write summary and per-page results here")
    ap.add_argument("--save-predictions", help="write the outputs as {dataset: {id: {articleBody, url}}}")
    ap.add_argument("--name", help="label for the extractor in the output")
    args = ap.parse_args(argv)

    if bool(args.extractor) == bool(args.predictions):
        ap.error("give exactly one of EXTRACTOR or --predictions")
    names = [d.strip() for d in args.datasets.split(",") if d.strip()]
    for d in names:
        if d not in DATASETS:
            ap.error("unknown data set %r" % d)
    tokenizers = ["benchmark", "cjk"] if args.tokenizer == "both" else [args.tokenizer]
    if args.data_dir:
        data_dir = Path(args.data_dir)
    else:
        from bench.extraction.data import data_dir as default_data_dir
        data_dir = default_data_dir()

    fn = preds = None
    if args.extractor:
        fn = load_extractor(args.extractor)
        call_extractor(fn, "<html><body><p>warm-up</p></body></html>", "", args.timeout)
    else:
        preds = load_predictions(args.predictions)
    label = args.name or args.extractor or Path(args.predictions).stem

    pages = []          # per-page records
    timing = {}         # dataset -> [seconds, pages, failures, empties]
    saved = {}
    for dname in names:
        folder, loader, kind = DATASETS[dname]
        items = list(loader(data_dir / folder))
        if args.limit:
            items = items[:args.limit]
        if preds is not None:
            missing = [it["id"] for it in items if it["id"] not in preds]
            if missing:
                raise SystemExit("%s: %d page ids missing from predictions (e.g. %s)" % (dname, len(missing), missing[0]))
        t = timing.setdefault(dname, [0.0, 0, 0, 0])
        for it in items:
            if preds is not None:
                out, sec, err = preds[it["id"]], 0.0, None
            else:
                html = decode_html(read_bytes(it["html_path"]))
                url = it.get("url") or ""
                if it.get("transform"):
                    html, wrapped_url = it["transform"](html)
                    url = url or wrapped_url
                out, sec, err = call_extractor(fn, html, url, args.timeout)
            t[0] += sec
            t[1] += 1
            t[2] += 1 if err else 0
            t[3] += 0 if out.strip() else 1
            rec = {"dataset": dname, "id": it["id"], "url": it.get("url") or "",
                   "seconds": round(sec, 5), "error": err, "pred_chars": len(out)}
            if kind == "shingle":
                rec["zh"] = is_zh(it["truth"])
                rec["truth_chars"] = len(it["truth"])
                for tok in tokenizers:
                    counts, exact = page_counts(it["truth"], out, TOKENIZERS[tok])
                    rec[tok] = {"tp_fp_fn": [round(x, 6) for x in counts], "exact": exact}
            else:
                rec["snippets"] = snippet_counts(it["snippets"], out)
            pages.append(rec)
            if args.save_predictions:
                saved.setdefault(dname, {})[it["id"]] = {"articleBody": out, "url": it.get("url") or ""}

    # ---- summaries
    summary = {"extractor": label, "tokenizers": {}, "timing": {}, "snippets": {}}
    for dname, (sec, n, nfail, nempty) in timing.items():
        summary["timing"][dname] = {"seconds": sec, "pages": n, "failures": nfail, "empty": nempty,
                                    "pages_per_s": (n / sec) if sec > 0 else None}
    shingle_sets = [d for d in names if DATASETS[d][2] == "shingle"]
    groups = []
    for d in shingle_sets:
        recs = [p for p in pages if p["dataset"] == d]
        groups.append((d, recs))
        zh = [p for p in recs if p["zh"]]
        if zh and len(zh) < len(recs):
            groups.append((d + "[zh]", zh))
    if len(shingle_sets) > 1:
        allrecs = [p for p in pages if "zh" in p]
        groups.append(("ALL", allrecs))
        zh = [p for p in allrecs if p["zh"]]
        if zh:
            groups.append(("ALL[zh]", zh))

    print("extractor: %s" % label)
    for tok in tokenizers:
        print("\ntokenizer=%s, %d-token shingles" % (tok, NGRAM))
        print("%-36s %5s  %-12s %-12s %-12s %-12s" % ("dataset", "n", "F1", "precision", "recall", "accuracy"))
        res = {}
        for gname, recs in groups:
            rows = [(tuple(p[tok]["tp_fp_fn"]), p[tok]["exact"]) for p in recs]
            m = with_bootstrap(rows, args.n_bootstrap, args.seed)
            res[gname] = m
            print("%-36s %5d  %-12s %-12s %-12s %-12s" % (gname, m["n"], fmt(m, "f1"), fmt(m, "precision"),
                                                          fmt(m, "recall"), fmt(m, "accuracy")))
        summary["tokenizers"][tok] = res

    for d in names:
        if DATASETS[d][2] != "snippet":
            continue
        tp = fp = fn_ = tn = 0
        for p in pages:
            if p["dataset"] == d:
                a, b, c, e = p["snippets"]
                tp, fp, fn_, tn = tp + a, fp + b, fn_ + c, tn + e
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn_) if tp + fn_ else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        acc = (tp + tn) / (tp + fp + fn_ + tn) if (tp + fp + fn_ + tn) else 0.0
        summary["snippets"][d] = {"with_found": tp, "with_missed": fn_, "without_found": fp,
                                  "without_absent": tn, "precision": prec, "recall": rec,
                                  "f1": f1, "accuracy": acc}
        print("\n%s (snippet check): 'with' found %d/%d, 'without' leaked %d/%d; "
              "P=%.3f R=%.3f F1=%.3f acc=%.3f" % (d, tp, tp + fn_, fp, fp + tn, prec, rec, f1, acc))

    if preds is None:
        print("\n%-36s %6s %6s %6s %9s %9s" % ("timing (extractor calls only)", "pages", "fail", "empty", "seconds", "pages/s"))
        tot_s = tot_n = 0
        for d, tm in summary["timing"].items():
            tot_s += tm["seconds"]
            tot_n += tm["pages"]
            print("%-36s %6d %6d %6d %9.2f %9.1f" % (d, tm["pages"], tm["failures"], tm["empty"], tm["seconds"],
                                                   tm["pages_per_s"] or 0))
        if len(summary["timing"]) > 1 and tot_s > 0:
            print("%-36s %6d %6s %6s %9.2f %9.1f" % ("ALL", tot_n, "", "", tot_s, tot_n / tot_s))
        summary["timing"]["ALL"] = {"seconds": tot_s, "pages": tot_n,
                                    "pages_per_s": (tot_n / tot_s) if tot_s else None}
        errs = [p for p in pages if p["error"]]
        if errs:
            print("first failure: %s/%s: %s" % (errs[0]["dataset"], errs[0]["id"], errs[0]["error"]))

    if args.json:
        Path(args.json).write_text(json.dumps({"summary": summary, "pages": pages}, ensure_ascii=False, indent=1),
                                   encoding="utf-8")
    if args.save_predictions:
        Path(args.save_predictions).write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    return summary


if __name__ == "__main__":
    main()
