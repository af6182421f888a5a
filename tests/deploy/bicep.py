"""Bicep read through its tree-sitter grammar: what the offline checks of infra/ need to know of
a file (its parameters, outputs, modules, resources and the names it uses). No Bicep CLI can be
installed from the registries this project reaches; this is what can be checked without it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import tree_sitter
import tree_sitter_bicep

DECLARATIONS = ("parameter_declaration", "output_declaration", "module_declaration",
                "resource_declaration", "variable_declaration")


@dataclass
class Module:
    name: str
    path: Path
    params: set[str]


@dataclass
class BicepFile:
    path: Path
    errors: list[str] = field(default_factory=list)
    params: dict[str, bool] = field(default_factory=dict)  # name -> has a default
    outputs: set[str] = field(default_factory=set)
    variables: set[str] = field(default_factory=set)
    modules: list[Module] = field(default_factory=list)
    resources: dict[str, str] = field(default_factory=dict)  # symbol -> type@version
    used: set[str] = field(default_factory=set)  # identifiers read anywhere
    module_outputs_read: set[tuple[str, str]] = field(default_factory=set)  # (module, output)


def parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bicep.language()))


def read(path: Path) -> BicepFile:
    tree = parser().parse(path.read_bytes())
    found = BicepFile(path)
    _errors(tree.root_node, found)
    for node in tree.root_node.named_children:
        if node.type not in DECLARATIONS:
            continue
        name = _text(node.named_children[0])
        if node.type == "parameter_declaration":
            found.params[name] = len(node.named_children) > 2
        elif node.type == "output_declaration":
            found.outputs.add(name)
        elif node.type == "variable_declaration":
            found.variables.add(name)
        elif node.type == "resource_declaration":
            found.resources[name] = _text(node.named_children[1]).strip("'")
        elif node.type == "module_declaration":
            target = path.parent / _text(node.named_children[1]).strip("'")
            found.modules.append(Module(name, target, _module_params(node)))
    _uses(tree.root_node, found)
    return found


def _errors(node: tree_sitter.Node, found: BicepFile) -> None:
    if node.type == "ERROR" or node.is_missing:
        row, column = node.start_point
        found.errors.append(f"{found.path}:{row + 1}:{column + 1}: cannot parse "
                            f"{_text(node)[:40]!r}")
    for child in node.children:
        _errors(child, found)


def _module_params(module: tree_sitter.Node) -> set[str]:
    body = next((child for child in module.named_children if child.type == "object"), None)
    for prop in body.named_children if body is not None else ():
        if prop.type == "object_property" and _text(prop.named_children[0]) == "params":
            value = prop.named_children[1]
            return {_text(p.named_children[0]) for p in value.named_children
                    if p.type == "object_property"}
    return set()


def _uses(node: tree_sitter.Node, found: BicepFile) -> None:
    """Identifiers read: not a declaration's own name, an object key or a function's name."""
    if node.type == "member_expression":
        inner = node.child_by_field_name("object")
        if inner is not None and inner.type == "member_expression":
            module = inner.child_by_field_name("object")
            middle = inner.child_by_field_name("property")
            if module is not None and middle is not None and _text(middle) == "outputs":
                found.module_outputs_read.add(
                    (_text(module), _text(node.child_by_field_name("property"))))
    skip = set()
    if node.type in DECLARATIONS or node.type == "object_property":
        skip.add(node.named_children[0].id)
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        if function is not None:
            skip.add(function.id)
    for child in node.named_children:
        if child.id in skip:
            continue
        if child.type == "identifier":
            found.used.add(_text(child))
        _uses(child, found)


def _text(node: tree_sitter.Node | None) -> str:
    return node.text.decode() if node is not None and node.text is not None else ""
