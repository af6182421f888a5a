"""Which addresses a file sent to the bot may have: https, on a host of the allow-list. A file
kept on a request becomes a button on other people's cards, so its address must lead where
Teams keeps files, not wherever a forged activity points."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from domain.rules import DOMAIN

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


def file_link_problem(url: str, allowed: Iterable[str]) -> str | None:
    """Why a file's address cannot be kept, in words for its sender; None when it can."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number, brackets that do not close
        parts, port = urlsplit(""), None
    host = parts.hostname or ""
    if parts.scheme.lower() != "https" or port not in (None, 443) or parts.username \
            or not DOMAIN.match(host) or any(c.isspace() for c in url):
        return "its address is not a plain https:// link"
    if not on_allowed_host(host, allowed):
        return f"it is stored on {host}, not on SharePoint or OneDrive"
    return None
