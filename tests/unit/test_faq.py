"""FTCHelp's FAQ data: the shipped file is usable, and a broken one is refused by name."""

from __future__ import annotations

import re

import pytest

from app import load_faq
from cards.ftchelp import link_label
from domain.faq import FaqAnswer, FaqError, parse_faq
from settings import Settings

ANSWER = {"title": "Windows 10", "answer": "Windows 11 now."}


def test_every_topic_of_the_shipped_faq_has_a_title_an_answer_and_https_links() -> None:
    faq = load_faq(Settings().faq_path)
    assert faq.answers
    for answer in faq.answers.values():
        assert answer.title and answer.answer
        assert all(url.startswith("https://") for _, url in answer.links)


@pytest.mark.parametrize(("data", "says"), [
    ({"topics": {"weather": ANSWER}}, "unknown topic 'weather'"),
    ({"topics": {"windows10": {"title": "Windows 10"}}}, "needs a 'title' and an 'answer'"),
    ({"topics": {"windows10": {**ANSWER, "links": [{"title": "Docs"}]}}},
     "each link needs a 'title' and a 'url'"),
    ({"topics": {"windows10": {**ANSWER, "links": [{"title": "Docs", "url": "http://x.com"}]}}},
     "not a full https:// address"),
    ({"topics": {"windows10": {**ANSWER, "links": ["https://x.com"]}}}, "each link needs"),
    ({"topics": {"windows10": {**ANSWER, "links": "https://x.com"}}},
     "topic 'windows10': 'links' must be a list of links, each with a 'title' and a 'url', "
     "not a string"),
    ({"topics": {"windows10": {**ANSWER, "links": [{"title": "A", "url": "https://a.com"},
                                                   {"url": "https://x.com"}]}}},
     "topic 'windows10', link 2: each link needs a 'title' and a 'url'; this one has no "
     "'title'"),
    ({"topics": {"windows10": {**ANSWER, "links": [{"title": "Docs", "url": "https://[x"}]}}},
     "topic 'windows10', link 1: the link 'https://[x' is not a full https:// address"),
    ([], "top-level 'topics:'"),
])
def test_a_broken_faq_is_refused_with_the_topic_and_what_is_wrong(data, says) -> None:
    with pytest.raises(FaqError, match=re.escape(says)):
        parse_faq(data)


def test_a_link_button_that_would_repeat_the_answers_title_names_the_site_instead() -> None:
    answer = FaqAnswer("eligibility", "FastTrack eligibility", "150 seats.")
    url = "https://learn.microsoft.com/fasttrack/eligibility"
    assert link_label(answer, "FastTrack Eligibility", url) == "Open learn.microsoft.com"
    assert link_label(answer, "Eligibility rules", url) == "Eligibility rules"
