"""Text for people: database URLs and error messages without passwords.

A database URL may carry a password (``postgresql://me:secret@host/db``); a message
goes to a terminal, a cron mail or a journal that others read, so every message that
can hold a URL passes through here first.
"""

from __future__ import annotations

import re

# scheme://user:password@ → scheme://user:***@: the password runs to the last @ of the
# URL (which ends at a space or a quote); it may itself hold ':', '/' or '@'.
_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s'\"]*:)[^\s'\"]*@")


def redact(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``."""
    return _PASSWORD.sub(r"\1***@", text)


def safe_url(url: str) -> str:
    """A database URL as a message may show it: no password."""
    return redact(url)
