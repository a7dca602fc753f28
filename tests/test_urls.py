"""URL canonicalisation: every form of a link maps to the one URL of its page."""

import pytest

from liuzhou_spider.sites import offline_profile
from liuzhou_spider.urls import article_ids, canonicalize, is_site_url, rendering_of
from tests.sites import LZTZ

ARTICLE = "https://www.lztz.gov.cn/tzdt/szjj/202602/t20260225_3712345.html"


@pytest.mark.parametrize(
    "url",
    [
        ARTICLE,
        "http://www.lztz.gov.cn/tzdt/szjj/202602/t20260225_3712345.html",
        "https://lztz.gov.cn/tzdt/szjj/202602/t20260225_3712345.html",
        "http://lztz.gov.cn/tzdt/szjj/202602/t20260225_3712345.html",
        "https://WWW.LZTZ.GOV.CN:443/tzdt/szjj/202602/t20260225_3712345.html",
        "https://www.lztz.gov.cn/tzdt/szjj/202602/t20260225_3712345.html?from=timeline",
        "https://www.lztz.gov.cn/tzdt/szjj/202602/t20260225_3712345.html?isappinstalled=0#",
        "https://www.lztz.gov.cn/tzdt/szjj/202602/t20260225_3712345.html#top",
        "https://www.lztz.gov.cn/tzdt/szjj/./202602/../202602/t20260225_3712345.html",
        "https://www.lztz.gov.cn/tzdt/szjj/202602/t20260225_3712345_print.html",
        "https://www.lztz.gov.cn/tzdt/szjj/202602/t20260225_3712345.html?print=1",
        "https://www.lztz.gov.cn/m/tzdt/szjj/202602/t20260225_3712345.html",
    ],
)
def test_every_form_of_an_article_url_is_one_url(url):
    assert canonicalize(url, LZTZ) == ARTICLE


def test_column_index_pages_are_the_column():
    assert canonicalize("http://lztz.gov.cn/tzdt/index.html", LZTZ) == "https://www.lztz.gov.cn/tzdt/"
    assert canonicalize("https://www.lztz.gov.cn/tzdt/index_2.html", LZTZ).endswith("index_2.html")


def test_meaningful_query_is_kept_and_sorted():
    url = "https://www.lztz.gov.cn/list.jsp?b=2&a=1&from=timeline"
    assert canonicalize(url, LZTZ) == "https://www.lztz.gov.cn/list.jsp?a=1&b=2"


def test_offsite_is_not_rewritten_to_the_site():
    url = "http://www.gov.cn/xinwen/index.htm?from=timeline"
    assert not is_site_url(url, LZTZ)
    assert canonicalize(url, LZTZ).startswith("http://www.gov.cn/")


def test_offline_profile_maps_alias_port_and_https():
    profile = offline_profile("http://127.0.0.1:8123/", "http://127.0.0.2:8123/")
    url = "https://127.0.0.2:8123/gzsx/202604/t20260427_3745336.html?from=timeline"
    assert canonicalize(url, profile) == "http://127.0.0.1:8123/gzsx/202604/t20260427_3745336.html"
    assert not is_site_url("http://127.0.0.3:8123/", profile)


def test_renderings_and_ids():
    assert rendering_of(ARTICLE, LZTZ) == "article"
    assert rendering_of(ARTICLE.replace(".html", "_print.html"), LZTZ) == "print"
    assert rendering_of(ARTICLE + "?print=1", LZTZ) == "print"
    assert rendering_of(ARTICLE.replace("gov.cn/", "gov.cn/m/"), LZTZ) == "mobile"
    assert article_ids(ARTICLE, LZTZ) == ("2026-02-25", "3712345")
    assert article_ids("https://www.lztz.gov.cn/tzdt/", LZTZ) is None
