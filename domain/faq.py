"""FTCHelp's FAQ answers: parsed from data FTCHelp edits (domain/faq.yaml), no code change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from domain.forms import TOPICS


class FaqError(ValueError):
    """The FAQ data is not usable; the message names the topic and the key."""


@dataclass(frozen=True)
class FaqAnswer:
    topic: str
    title: str
    answer: str
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Faq:
    answers: Mapping[str, FaqAnswer]

    def answer_for(self, topic: str) -> FaqAnswer | None:
        return self.answers.get(topic)


def parse_faq(data: Any) -> Faq:
    known = {key for key, _ in TOPICS}
    if not isinstance(data, dict) or not isinstance(data.get("topics"), dict):
        raise FaqError("the FAQ file needs a top-level 'topics:' mapping")
    answers = {}
    for topic, entry in data["topics"].items():
        if topic not in known:
            raise FaqError(f"unknown topic {topic!r}; topics are {', '.join(sorted(known))}")
        if not isinstance(entry, dict) or not entry.get("answer") or not entry.get("title"):
            raise FaqError(f"topic {topic!r} needs a 'title' and an 'answer'")
        links = entry.get("links") or []
        if not isinstance(links, list):  # `links: https://...` would be read letter by letter
            raise FaqError(f"topic {topic!r}: 'links' must be a list of links, each with a "
                           f"'title' and a 'url', not {_kind(links)}")
        answers[topic] = FaqAnswer(topic, str(entry["title"]), str(entry["answer"]).strip(),
                                   tuple(_link(f"topic {topic!r}, link {number}", link)
                                         for number, link in enumerate(links, start=1)))
    return Faq(answers)


def _link(where: str, link: Any) -> tuple[str, str]:
    """A link's title and https address; anything else would be a button that goes nowhere."""
    if not isinstance(link, dict):
        raise FaqError(f"{where}: each link needs a 'title' and a 'url', not {_kind(link)}")
    missing = [key for key in ("title", "url") if not link.get(key)]
    if missing:
        raise FaqError(f"{where}: each link needs a 'title' and a 'url'; this one has no "
                       f"{' and no '.join(repr(key) for key in missing)}")
    url = str(link["url"]).strip()
    try:
        parts = urlsplit(url)
        full = parts.scheme == "https" and bool(parts.hostname)
    except ValueError:  # such as an unclosed [ of an IPv6 address
        full = False
    if not full:
        raise FaqError(f"{where}: the link {url!r} is not a full https:// address")
    return str(link["title"]).strip(), url


def _kind(value: Any) -> str:
    kinds: dict[type, str] = {str: "a string", dict: "a mapping", list: "a list"}
    return kinds.get(type(value), repr(value))
