"""Shared fixtures: the database fixtures (SQLite and PostgreSQL) and the offline portal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from liuzhou_spider.portal.generate import build_site
from tests.portal_fixture import ServedPortal, serve_portal

pytest_plugins = ["tests.conftest_db", "tests.portal_sites"]


@pytest.fixture(scope="session")
def portal_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default offline portal (revision 1), generated once per test session."""
    root = tmp_path_factory.mktemp("portal")
    build_site(root, size=150, seed=0, revision=1)
    return root


@pytest.fixture
def portal(portal_dir: Path) -> Iterator[ServedPortal]:
    """The offline portal served on loopback for one test (fresh request log)."""
    with serve_portal(portal_dir) as served:
        yield served
