"""A file's address is kept only when it is https on an allowed host or one of its subdomains."""

from __future__ import annotations

import pytest

from domain.links import MICROSOFT_365_FILE_HOSTS, file_link_problem


@pytest.mark.parametrize("url", [
    "https://contoso-my.sharepoint.com/personal/s/Cost.xlsx",
    "https://contoso.sharepoint.us/sites/deal/SOW.docx",
    "https://CONTOSO.SharePoint.com:443/sites/deal/SOW.docx"])
def test_a_sharepoint_or_onedrive_file_is_kept(url) -> None:
    assert file_link_problem(url, MICROSOFT_365_FILE_HOSTS) is None


@pytest.mark.parametrize("url", [
    "https://evil.example/x", "https://sharepoint.com.evil.example/x",
    "https://evilsharepoint.com/x", "https://contoso.onmicrosoft.com/x",
    "http://contoso.sharepoint.com/x", "https://contoso.sharepoint.com:8443/x",
    "https://user@contoso.sharepoint.com/x", "https://contoso.sharepoint.com:port/x",
    "https://[::1/x", "https://127.0.0.1/x", "https://contoso.sharepoint.com/a b", ""])
def test_any_other_address_is_refused(url) -> None:
    assert file_link_problem(url, MICROSOFT_365_FILE_HOSTS)
