"""Who may import whom (docs/architecture.md, "Layers"), checked on the source.

Every module of the project's packages is parsed (``ast``), and every import counts:
at the top, inside functions, under ``TYPE_CHECKING``.  A rule binds modules by name
(a package binds everything in it).  The purity rules hold through the project's own
modules too: a page parser that imports a helper which imports Scrapy imports Scrapy
(importing a module also runs its packages' ``__init__``).  The registry rule is about
who reads the registry themselves, so it counts direct imports only.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("liuzhou_spider", "pipelines", "storage")  # the project's code

SCRAPY = ("scrapy", "twisted")
SCRAPY_GLUE = (*SCRAPY, "liuzhou_spider.spiders", "liuzhou_spider.runner",
               "liuzhou_spider.cli", "liuzhou_spider.middlewares")
RECORDS = ("liuzhou_spider.items",)
REGISTRY = "liuzhou_spider.sites"
PURE_STEPS = ("pipelines.cleaning", "pipelines.sanitize", "pipelines.fallback",
              "pipelines.dedup", "pipelines.reconcile", "pipelines.page_reading",
              "pipelines.stories")
REGISTRY_READERS = ("liuzhou_spider.spiders", "liuzhou_spider.runner", "liuzhou_spider.cli",
                    "pipelines.reprocess", REGISTRY)


@dataclass(frozen=True)
class Rule:
    """``modules`` (but not ``exempt``) may not import ``forbidden``, nor any module of
    the project outside ``only`` when that is given."""

    says: str  # the rule as docs/architecture.md states it
    modules: tuple[str, ...]
    forbidden: tuple[str, ...] = ()
    only: tuple[str, ...] | None = None
    exempt: tuple[str, ...] = ()
    transitive: bool = True

    def binds(self, module: str) -> bool:
        return within(module, self.modules) and not within(module, self.exempt)

    def refuses(self, imported: str) -> bool:
        if within(imported, self.forbidden):
            return True
        return self.only is not None and is_project(imported) and not within(
            imported, self.only)


RULES = (
    Rule("Records, profiles and page parsing import nothing from pipelines/, storage/ "
         "or Scrapy/Twisted.",
         modules=(*RECORDS, "liuzhou_spider.profile", REGISTRY, "liuzhou_spider.pages"),
         forbidden=("pipelines", "storage", *SCRAPY)),
    Rule("The pure steps never import storage or the Scrapy glue.",
         modules=PURE_STEPS, forbidden=("storage", *SCRAPY_GLUE)),
    Rule("Storage imports only the records and itself.",
         modules=("storage",), only=("storage", *RECORDS)),
    Rule("Only the spiders, the runner, the CLI and reprocess read the site registry.",
         modules=PACKAGES, exempt=REGISTRY_READERS, forbidden=(REGISTRY,), transitive=False),
    Rule("The offline portal imports nothing from the project outside itself.",
         modules=("liuzhou_spider.portal",), only=("liuzhou_spider.portal",)),
)


def within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def is_project(module: str) -> bool:
    return within(module, PACKAGES)


@cache
def modules() -> dict[str, Path]:
    """Every module of the project's packages by dotted name (a package by its own)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


@dataclass(frozen=True)
class Import:
    module: str  # what is imported: a module, or the package a name is taken from
    line: int


@cache
def imports_of(module: str) -> tuple[Import, ...]:
    """What ``module`` imports anywhere in its source, relative imports resolved: each
    imported module once, at its first line."""
    path = modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, int] = {}
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)),
                       key=lambda n: n.lineno):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.setdefault(alias.name, node.lineno)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            base = f"{anchor}.{base}" if base else anchor
        for alias in node.names:  # ``from pkg import mod`` imports the module pkg.mod
            sub = f"{base}.{alias.name}"
            found.setdefault(sub if sub in modules() else base, node.lineno)
    return tuple(Import(name, line) for name, line in found.items())


def runs(module: str) -> Iterator[str]:
    """The project modules importing ``module`` runs: its packages' and its own."""
    parts = module.split(".")
    for end in range(1, len(parts) + 1):
        name = ".".join(parts[:end])
        if name in modules():
            yield name


def reached(start: str, rule: Rule) -> list[str] | None:
    """The shortest chain of imports from project module ``start`` to an import ``rule``
    refuses, or None; not through modules the rule binds (they answer for themselves)."""
    chains = {name: [name] for name in runs(start) if not rule.binds(name)}
    queue = list(chains)
    while queue:
        current = queue.pop(0)
        for imported in imports_of(current):
            if rule.refuses(imported.module):
                return [*chains[current], imported.module]
            for name in runs(imported.module):
                if name not in chains and not rule.binds(name):
                    chains[name] = [*chains[current], name]
                    queue.append(name)
    return None


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    chain: tuple[str, ...]  # the import, and where it leads to the refused one
    rule: Rule

    def __str__(self) -> str:
        return (f"{self.module} (line {self.line}) imports {' → '.join(self.chain)}: "
                f"{self.rule.says}")


def violations() -> Iterator[Violation]:
    """Every import a rule refuses.

    Through another project module, the violation is the import that leads there,
    shown with the chain; a module the same rule binds answers for its own imports.
    """
    for rule in RULES:
        for module in sorted(m for m in modules() if rule.binds(m)):
            for imported in imports_of(module):
                if rule.refuses(imported.module):
                    yield Violation(module, imported.line, (imported.module,), rule)
                elif rule.transitive and is_project(imported.module) and not rule.binds(
                        imported.module):
                    chain = reached(imported.module, rule)
                    if chain:
                        yield Violation(module, imported.line, tuple(chain), rule)


def test_every_import_keeps_to_the_layers() -> None:
    found = [str(v) for v in violations()]
    assert not found, "\n".join(found)


def test_every_rule_binds_modules_that_exist() -> None:
    """A renamed package must not leave a rule guarding nothing."""
    named = {p for rule in RULES for p in (*rule.modules, *rule.exempt)}
    missing = [p for p in sorted(named)
               if not any(within(m, (p,)) for m in modules())]
    assert not missing, f"rules name modules that do not exist: {missing}"


def test_the_rules_are_the_documented_ones() -> None:
    text = " ".join((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").split())
    undocumented = [rule.says for rule in RULES if rule.says not in text]
    assert not undocumented, f"docs/architecture.md does not state: {undocumented}"


@contextmanager
def planted(tmp_path: Path, sources: dict[str, str]) -> Iterator[None]:
    """The project as it is plus modules of these names and sources."""
    for name, source in sources.items():
        path = tmp_path / f"{name}.py"
        path.write_text(source)
        modules()[name] = path
    try:
        yield
    finally:
        for name in sources:
            del modules()[name]
        imports_of.cache_clear()


def test_the_check_sees_every_kind_of_import(tmp_path: Path) -> None:
    """Imports in functions, under TYPE_CHECKING and relative ones all count."""
    source = '''
from typing import TYPE_CHECKING
from . import keys
from ..fallback import dom
if TYPE_CHECKING:
    from scrapy.http import Response
def late():
    import twisted.internet
'''
    with planted(tmp_path, {"pipelines.dedup.probe": source}):
        seen = {i.module for i in imports_of("pipelines.dedup.probe")}
    assert {"pipelines.dedup.keys", "pipelines.fallback.dom", "scrapy.http",
            "twisted.internet", "typing"} <= seen


def test_the_rules_catch_what_they_forbid(tmp_path: Path) -> None:
    """The registry, absent today, is guarded already; a forbidden import through a
    helper is shown with its chain."""
    with planted(tmp_path, {
        "pipelines.storing_probe": "from liuzhou_spider import sites\n",
        "liuzhou_spider.spiders.probe": "import liuzhou_spider.sites\n",
        "liuzhou_spider.helper_probe": "import twisted\n",
        "liuzhou_spider.pages.probe": "from liuzhou_spider import helper_probe\n",
        "liuzhou_spider.sites": "from pipelines.cleaning import clean_article\n",
    }):
        found = {str(v) for v in violations()}
    assert {
        "pipelines.storing_probe (line 1) imports liuzhou_spider.sites: " + RULES[3].says,
        "liuzhou_spider.pages.probe (line 1) imports liuzhou_spider.helper_probe → twisted: "
        + RULES[0].says,
        "liuzhou_spider.sites (line 1) imports pipelines.cleaning: " + RULES[0].says,
    } <= found
    assert not any(v.startswith("liuzhou_spider.spiders.probe") for v in found)
