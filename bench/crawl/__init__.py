"""Crawl speed: the full crawl of the offline portal against a bare Scrapy fetch of its URLs."""
