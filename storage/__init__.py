"""Storage: the database under the crawl, and what users and analysts read from it.

- ``db``: engines (SQLite with WAL and foreign keys, PostgreSQL through psycopg 3)
- ``models``: the schema; ``migrations/``: Alembic revisions (views in 0002)
- ``migrate``: ``upgrade`` (``liuzhou db upgrade``) and ``ensure_schema`` (before a crawl)
- ``repository`` and ``batch``: the storing step's reads and writes
- ``export``, ``stats``: ``liuzhou export`` and ``liuzhou stats``
"""
