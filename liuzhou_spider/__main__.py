"""``python -m liuzhou_spider`` is ``liuzhou``."""

from liuzhou_spider.cli import main

if __name__ == "__main__":
    main()
