"""Normalisation, signatures (datasketch-compatible, deterministic, bytes round trip), LSH index."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash

from pipelines.dedup.index import BandIndex, candidate_probability
from pipelines.dedup.normalize import body_hash, normalize
from pipelines.dedup.signature import Signer, estimate, shingle_hash, shingles
from tests.test_dedup_texts import edit, meeting_report


def exact_jaccard(a: str, b: str, n: int = 5) -> float:
    sa, sb = set(shingles(normalize(a), n)), set(shingles(normalize(b), n))
    return len(sa & sb) / len(sa | sb)


def test_normalize_folds_width_spaces_and_punctuation_but_keeps_digits() -> None:
    half = "2月24日,市委、市政府召开大会。 张壮出席(讲话)"
    full = "２月２４日，市委、市政府召开大会。\u3000张壮出席（讲话）\n"
    assert normalize(half) == normalize(full) == "2月24日市委市政府召开大会张壮出席讲话"
    assert normalize("第12周") != normalize("第13周")
    assert body_hash(normalize(half)) == body_hash(normalize(full))


def test_normalize_equals_nfkc_of_the_whole_text() -> None:
    """NFKC is applied between Han characters only; it must not change the result."""
    tricky = "ｅ\u0301漢ｅ\u0301，①㎡℃ﬁ\u3000Ⅻ가\u1100\u1161中Ａ\u030a。"
    reference = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", tricky).casefold())
    assert normalize(tricky) == reference


def test_format_only_copy_has_jaccard_one() -> None:
    text = meeting_report(3, 0.6)
    copy = text.replace("，", ",").replace("。", ". ").replace("\n", "\n\u3000\u3000")
    assert exact_jaccard(text, copy) == 1.0


def test_signature_is_datasketch_minhash_with_our_shingle_hash() -> None:
    signer = Signer(ngram=5, num_perm=128, seed=7)
    text = normalize(meeting_report(5, 0.6))
    reference = MinHash(num_perm=128, seed=7, hashfunc=shingle_hash)
    reference.update_batch(shingles(text, 5))
    assert np.array_equal(signer.sign(text), reference.hashvalues)


def test_signature_is_deterministic_across_instances() -> None:
    text = normalize(meeting_report(8, 0.6))
    assert np.array_equal(Signer().sign(text), Signer().sign(text))
    assert not np.array_equal(Signer(seed=2).sign(text), Signer().sign(text))


def test_short_and_empty_texts_have_signatures() -> None:
    signer = Signer()
    assert np.array_equal(signer.sign(""), signer.empty)
    short = signer.sign("大会")
    assert len(short) == 128 and not np.array_equal(short, signer.empty)


def test_bytes_round_trip_and_datasketch_format() -> None:
    signer = Signer()
    sig = signer.sign(normalize(meeting_report(9, 0.6)))
    data = signer.to_bytes(sig)
    assert np.array_equal(signer.from_bytes(data), sig)
    lean = LeanMinHash.deserialize(data, byteorder="<")  # the n-gram trailer is ignored
    assert lean.scheme == "affine32" and np.array_equal(lean.hashvalues, sig)
    buf = bytearray(lean.bytesize(byteorder="<"))
    signer.to_lean(sig).serialize(buf, byteorder="<")
    assert data == bytes(buf) + b"ng\x05"
    with pytest.raises(ValueError, match="seed 2"):
        Signer(seed=2).from_bytes(data)
    with pytest.raises(ValueError, match="truncated"):
        signer.from_bytes(data[:-4])


def test_a_signature_of_other_shingles_or_permutations_is_refused() -> None:
    """Compared, they would estimate a copy as an unrelated text: refused, named."""
    text = normalize(meeting_report(9, 0.6))
    for other in (Signer(ngram=3), Signer(num_perm=64)):
        data = other.to_bytes(other.sign(text))
        with pytest.raises(ValueError, match=f"{other.ngram}-grams, {other.num_perm} perm"):
            Signer().from_bytes(data)


def test_a_signature_stored_before_the_ngram_was_recorded_reads_as_5_grams() -> None:
    signer = Signer()
    sig = signer.sign(normalize(meeting_report(9, 0.6)))
    legacy = signer.to_bytes(sig)[:-3]  # what was stored: datasketch's bytes alone
    assert len(legacy) == 13 + 4 * 128
    assert np.array_equal(signer.from_bytes(legacy), sig)
    with pytest.raises(ValueError, match="5-grams"):
        Signer(ngram=4).from_bytes(legacy)


@pytest.mark.parametrize("rate", [0.005, 0.01, 0.02, 0.05])
def test_estimate_tracks_exact_jaccard_at_edit_rates(rate: float) -> None:
    signer = Signer()
    text = meeting_report(11, 0.6)
    copy = edit(text, rate, seed=3)
    exact = exact_jaccard(text, copy)
    est = estimate(signer.sign(normalize(text)), signer.sign(normalize(copy)))
    assert abs(est - exact) < 0.12  # about 3 standard deviations at 128 permutations


def test_band_index_finds_near_duplicates_before_and_after_merge() -> None:
    signer = Signer()
    index = BandIndex(128, 25, 5)
    texts = [normalize(meeting_report(w, 0.5, seed=w)) for w in range(400)]
    for text in texts:  # 400 × 25 band entries: the insert buffer is merged once
        index.add(signer.sign(text))
    for slot in (3, 399):
        sig = signer.sign(normalize(edit(texts[slot], 0.01, seed=slot)))
        found = index.candidates(sig)
        assert slot in found
        sims = index.similarities(sig, found)
        assert found[int(np.argmax(sims))] == slot
    # 512 bytes of signature and 25 × 8 of band entries per document, plus one partly
    # filled block of 1,024 signatures and the 8,192-entry insert buffer.
    assert index.nbytes <= 1024 * 512 + 400 * 25 * 8 + 8192 * 8
    assert candidate_probability(0.8, 25, 5) > 0.9999
    assert candidate_probability(0.3, 25, 5) < 0.06


REPORT_A = meeting_report(3, 0.6)


def test_exact_jaccard_is_the_jaccard_of_the_shingle_sets() -> None:
    from pipelines.dedup.signature import exact_jaccard as by_hashes

    a = "市委统战部召开工作例会部署近期重点工作会议强调要认真学习贯彻"
    b = "市委统战部召开工作例会部署近期重点任务会议强调要认真学习贯彻落实"
    assert by_hashes(normalize(a), normalize(b), 5) == exact_jaccard(a, b)
    assert by_hashes(normalize(REPORT_A), normalize(edit(REPORT_A, 0.02)), 5) == exact_jaccard(
        REPORT_A, edit(REPORT_A, 0.02))
    assert by_hashes(a, a, 5) == 1.0
    assert by_hashes("", "", 5) == 1.0
