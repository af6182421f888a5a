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
        links = tuple(_link(topic, link) for link in entry.get("links") or [])
        answers[topic] = FaqAnswer(topic, str(entry["title"]), str(entry["answer"]).strip(),
                                   links)
    return Faq(answers)


def _link(topic: str, link: Any) -> tuple[str, str]:
    """A link's title and https address; anything else would be a button that goes nowhere."""
    if not isinstance(link, dict) or not link.get("title") or not link.get("url"):
        raise FaqError(f"topic {topic!r}: each link needs a 'title' and a 'url'")
    url = str(link["url"]).strip()
    if urlsplit(url).scheme != "https" or not urlsplit(url).hostname:
        raise FaqError(f"topic {topic!r}: the link {url!r} is not a full https:// address")
    return str(link["title"]).strip(), url
