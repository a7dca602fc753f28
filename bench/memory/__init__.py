"""Peak memory of the crawl and of reprocessing, at two portal sizes."""
