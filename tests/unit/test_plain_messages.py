"""Texts shown as plain text carry no Markdown. Teams shows an invoke's message answer
(`message_invoke`, every refusal among them) as it is, so `**status FTA-…**` would reach the
seller with its asterisks. The scan reads every call of message_invoke in bot/ and every
message of an error raised in domain/, storage/ and bot/ (those reach message_invoke as
`str(error)`), so a new text with Markdown fails here before anyone sees it."""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKDOWN = re.compile(r"\*\*|__|`|\[[^\]]*\]\(|(?<![\w*])\*[^\s*][^*]*\*(?![\w*])"
                      r"|(?<!\w)_[^_\s][^_]*_(?!\w)")


def sources(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def pieces(node: ast.AST, path: Path) -> Iterator[str]:
    """The literal text ``node`` contributes: strings, f-strings' fixed parts, and the
    values of the constants it names."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            yield inner.value
        elif isinstance(inner, ast.Name) and inner.id.isupper():
            value = getattr(importlib.import_module(module_of(path)), inner.id, None)
            if isinstance(value, str):
                yield value
            elif isinstance(value, dict) and isinstance(value.get("value"), str):
                yield value["value"]  # an invoke body built once


def plain_texts() -> Iterator[tuple[str, str]]:
    for path in sources("bot"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "message_invoke":
                for argument in node.args:
                    for text in pieces(argument, path):
                        yield f"{path.name}:{node.lineno}", text
    for path in sources("domain", "storage", "bot"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) \
                    and getattr(node.exc.func, "id", "").endswith("Error"):
                for argument in node.exc.args:
                    for text in pieces(argument, path):
                        yield f"{path.name}:{node.lineno}", text


TEXTS = list(plain_texts())


def test_the_scan_finds_the_refusals_it_is_meant_to_read() -> None:
    texts = " ".join(text for _, text in TEXTS)
    assert "someone else's request" in texts  # a constant, named
    assert "was already sent on" in texts  # an f-string
    assert "that action no longer applies" in texts  # a domain error's message
    assert "I can't reach my records" in texts  # an invoke body built once


@pytest.mark.parametrize(("where", "text"), TEXTS, ids=[where for where, _ in TEXTS])
def test_no_text_shown_as_plain_text_has_markdown(where, text) -> None:
    assert not MARKDOWN.search(text), f"{where}: {text!r}"


@pytest.mark.parametrize("text", ["Type **status FTA-2026-00001**", "use `ooo clear`",
                                  "see [the FAQ](https://x.com)", "this is _urgent_"])
def test_the_scan_would_catch_markdown(text) -> None:
    assert MARKDOWN.search(text)
