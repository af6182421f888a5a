"""Which addresses a file sent to the bot, or a link typed into a link field, may have: https,
on a host of the allow-list. Either becomes a button on other people's cards, so its address
must lead where Teams keeps files, not wherever a forged activity or a seller's paste points."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

# A host name as DNS has it: dotted labels of letters, digits and hyphens, a top-level name.
DOMAIN = re.compile(r"^(?=.{4,253}$)([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}$")

# Where Teams keeps the files people send in a chat: SharePoint and OneDrive for work or
# school (contoso.sharepoint.com, contoso-my.sharepoint.com), in each Microsoft 365 cloud:
# commercial and GCC, GCC High, DoD, and the one operated by 21Vianet. Left out on purpose:
# onmicrosoft.com (a tenant's initial mail and sign-in domain, no files are served there),
# sharepoint-df.com (Microsoft's own test ring) and consumer OneDrive (1drv.ms, live.com),
# which Teams for work never uses for a chat's files.
MICROSOFT_365_FILE_HOSTS = ("sharepoint.com", "sharepoint.us", "sharepoint-mil.us",
                            "sharepoint.cn")


def on_allowed_host(host: str, allowed: Iterable[str]) -> bool:
    """``host`` is one of ``allowed`` or a subdomain of one (contoso.sharepoint.com)."""
    host = host.lower().rstrip(".")
    return any(host == suffix or host.endswith(f".{suffix}") for suffix in allowed)


def https_host(url: str) -> str | None:
    """The host of a plain https:// address (no other port, no user name, no spaces, a host
    name that is a domain); None when ``url`` is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number, brackets that do not close
        return None
    host = parts.hostname or ""
    if parts.scheme.lower() != "https" or port not in (None, 443) or parts.username \
            or not DOMAIN.match(host) or any(c.isspace() for c in url):
        return None
    return host


def file_link_problem(url: str, allowed: Iterable[str]) -> str | None:
    """Why a file's address cannot be kept, in words for its sender; None when it can."""
    host = https_host(url)
    if host is None:
        return "its address is not a plain https:// link"
    if not on_allowed_host(host, allowed):
        return f"it is stored on {host}, not on SharePoint or OneDrive"
    return None


def typed_link_problem(url: str, allowed: Iterable[str]) -> str | None:
    """Why a link typed into a form cannot be kept, beside its field; None when it can. The
    same rule as for files: a link field is a file sent another way."""
    host = https_host(url)
    if host is None:
        return ("Enter a full https:// link, e.g. "
                "https://contoso.sharepoint.com/sites/deal/SOW.docx")
    if not on_allowed_host(host, allowed):
        return (f"This link leads to {host}. Give the document's SharePoint or OneDrive link "
                "(Copy link in Teams, SharePoint or OneDrive).")
    return None
