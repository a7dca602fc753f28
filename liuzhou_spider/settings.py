"""Scrapy settings: polite defaults for the real portal.

``liuzhou crawl`` and ``scrapy crawl lztz`` (or another site's name) both read this
module, so they share the pipelines and the politeness rules.  Loopback crawls (the
offline portal) relax the delays in ``liuzhou_spider.runner.loopback_overrides``, never
here.
"""

import os

BOT_NAME = "liuzhou_spider"
# Every site of the registry is a spider: ``scrapy crawl lztz``, ``scrapy crawl lzgov``, ...
# (liuzhou_spider/spiders/loader.py, docs/profiles.md)
SPIDER_LOADER_CLASS = "liuzhou_spider.spiders.loader.SiteSpiderLoader"

# Identify ourselves, with a way to reach us, and obey robots.txt.
# LIUZHOU_CONTACT names whoever runs the crawler (a URL or mailto:), so the site's
# administrators can reach them instead of blocking.
USER_AGENT = (
    "liuzhou-spider/0.1 (+"
    + os.environ.get("LIUZHOU_CONTACT", "https://github.com/liuzhou-portal-crawler/liuzhou-spider")
    + "; policy-news archive for analysts)"
)
ROBOTSTXT_OBEY = True

# One request at a time per host, a delay with jitter, AutoThrottle on top.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 2.0
# A page yields at most one item; Scrapy starts this many tasks per response regardless.
CONCURRENT_ITEMS = 4
# Scrapy's check that a callback generator returns no value re-reads the callback's
# source with ``ast`` for every response (its cache is keyed by the short-lived bound
# method): 4 s of the event loop in a 24,000-page crawl.  ``parse`` returns nothing.
WARN_ON_GENERATOR_RETURN_VALUE = False
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30

# Retries with back-off (liuzhou_spider.middlewares.BackoffRetryMiddleware honours
# Retry-After); 412/521 are bot challenges, handled as blocks, never retried.
RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 120.0
HTTPERROR_ALLOWED_CODES = [304, 404, 410, 412, 521]

# Never execute code on request, never listen on a port.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "liuzhou_spider.middlewares.BackoffRetryMiddleware": 550,
    "liuzhou_spider.middlewares.SiteGuardMiddleware": 50,
    # robots.txt per RFC 9309: 5xx or no answer disallows all (liuzhou_spider/robots.py)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "liuzhou_spider.robots.StrictRobotsTxtMiddleware": 100,
    # a refresh to javascript: keeps the page (liuzhou_spider/refresh.py)
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "liuzhou_spider.refresh.KeepingMetaRefreshMiddleware": 580,
    "liuzhou_spider.middlewares.BoundsMiddleware": 60,
}
ITEM_PIPELINES = {
    "pipelines.steps.CleaningStep": 100,
    "pipelines.steps.DedupStep": 200,
    "pipelines.storing.StoringStep": 300,
}
EXTENSIONS = {
    "liuzhou_spider.progress.ProgressLine": 500,
}

LIUZHOU_DB = None  # None: LIUZHOU_DB environment variable, else sqlite:///liuzhou.db
LIUZHOU_BATCH_SIZE = 100  # pages per database transaction
LIUZHOU_READING_PROCESSES = 1  # worker processes that parse and clean pages (0 = a thread)
LIUZHOU_SITES_DIR = None  # None: LIUZHOU_SITES_DIR environment variable, else bundled only
LIUZHOU_MAX_ERROR_RATE = 0.2  # above this share of failed pages a run has failed
LIUZHOU_BLOCKS_TO_STOP = 3  # bot challenges before the crawl stops itself
LIUZHOU_FULL = False  # True: ignore what earlier runs learned (--full)
LIUZHOU_PAGER_DEPTH = 1  # incremental runs read this many pager pages of a column, then
#                          stop at the first page listing only stored articles (0 = all)
LIUZHOU_RECHECK_LIMIT = 200  # known articles no page links to, re-asked per run (newest
#                              first) to notice deletions; 0 = never

# Storage: a failed write is retried, then written page by page; nothing is dropped quietly.
LIUZHOU_WRITE_RETRIES = 3  # retries of a failed batch write, after 0.5, 1, 2 s (see below)
LIUZHOU_WRITE_BACKOFF = 0.5  # seconds before the first retry; doubled for each next one
LIUZHOU_WRITE_FAILURES_TO_STOP = 3  # batches in a row with no page stored stop the crawl
#                                     (a full disk); 0 = never stop
# What the crawler refuses, and the bounds of one run (docs/refusals.md).
# A response over DOWNLOAD_MAXSIZE is dropped, also when it only grows that large while
# being decompressed (Scrapy's HttpCompressionMiddleware inflates in 64 KiB steps and
# stops at this size): a gzip bomb costs at most this much memory.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # bytes; a page of the portal is about 50 KiB
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
LIUZHOU_DEPTH_LIMIT = 10  # links from the start page (the portal needs 5); 0 = none
LIUZHOU_MAX_URL_LENGTH = 1000  # characters; the site's own URLs are under 100
LIUZHOU_MAX_PAGER_PAGES = 1000  # list pages per column (index_999.html is the last)
# Page and time budgets: FACTOR times the largest complete run so far, within [MIN, MAX];
# MAX until a run completes.
LIUZHOU_PAGE_BUDGET_FACTOR = 3.0
LIUZHOU_PAGE_BUDGET_MIN = 5000  # pages
LIUZHOU_PAGE_BUDGET_MAX = 100000  # a full crawl of the 20,000-article portal: ~35,000
LIUZHOU_TIME_BUDGET_FACTOR = 3.0
LIUZHOU_TIME_BUDGET_MIN = 2 * 3600  # seconds
LIUZHOU_TIME_BUDGET_MAX = 72 * 3600
# Caps on title, source and body: pipelines/cleaning.py MAX_* (constants: a reprocess
# rebuilds the same articles without the crawl's settings).
# Trust: a response must be an HTML page of the site (liuzhou_spider/pages/trust.py).
LIUZHOU_TRUST_MAX_REPLACEMENT_SHARE = 0.01  # U+FFFD among non-space characters
LIUZHOU_TRUST_SHRINK_RATIO = 0.5  # a body under this share of the stored one is refused
LIUZHOU_TRUST_SAME_BODY_LIMIT = 25  # pages one title and body may appear at in a run
LIUZHOU_MAX_REFUSED = 20  # refused pages that make a run unhealthy (fewer: partial)
LIUZHOU_MAX_REFUSED_SHARE = 0.05  # or this share of the pages read
# Field-quality monitoring (liuzhou_spider.field_quality): a run fails (unhealthy) when,
# overall or in a column of at least LIUZHOU_FIELD_MIN_ARTICLES articles, a field's
# coverage (share of articles with the field present and not anomalous) is below its
# floor, or more than LIUZHOU_FIELD_MAX_DROP below the last run's.
LIUZHOU_FIELD_FLOORS = {
    "title": 0.9, "date": 0.8, "column": 0.8, "body": 0.8, "source": 0.0, "time": 0.0,
}
LIUZHOU_FIELD_MAX_DROP = 0.25
LIUZHOU_FIELD_MIN_ARTICLES = 20
LIUZHOU_SHORT_BODY_CHARS = 40  # a body shorter than this is an anomaly (short_body)

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
