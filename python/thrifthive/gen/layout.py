"""Source text laid out as ``ruff format`` lays it out, without running it.

Expressions that may be long are :class:`Group` trees (a call, a tuple, a subscript...). A group
whose line fits in :data:`LINE_LENGTH` is written on it; one that does not is split: one item per
line with a trailing comma, or, for a single item, that item on its own line between the
brackets, laid out the same way. ruff keeps all three: it joins nothing that holds a trailing
comma (its "magic trailing comma"), splits nothing that fits, and splits a single item that way
itself. Literals are written in ruff's quote style, and docstrings the way ruff normalizes them.
"""

from __future__ import annotations

import functools
import math
import textwrap
import uuid

LINE_LENGTH = 88  # ruff's default: the generated files are not in the user's project
INDENT = "    "


class Group:
    """``head`` ``open`` items ``close`` ``tail``: ``f(a, b) -> X`` is ``Group("f", "(",
    ["a", "b"], ")", " -> X")``. ``single`` adds the comma a one-item tuple needs. ``text`` is
    the group on one line, made once (or given: ``X | None``)."""

    __slots__ = ("close", "head", "items", "open", "single", "tail", "text")
    text: str

    def __init__(
        self,
        head: str,
        open: str,
        items: list[Node],
        close: str,
        tail: str = "",
        single: bool = False,
        text: str | None = None,
    ) -> None:
        self.head = head
        self.open = open
        self.items = items
        self.close = close
        self.tail = tail
        self.single = single
        if text is None:
            # Inlined flat(): this runs for every group of a large IDL.
            inner = ", ".join([i if isinstance(i, str) else i.text for i in items])
            if single and len(items) == 1:
                inner += ","
            text = f"{head}{open}{inner}{close}{tail}"
        self.text = text


Node = str | Group


def flat(node: Node) -> str:
    return node if isinstance(node, str) else node.text


def lines(node: Node, indent: str = "", suffix: str = "") -> list[str]:
    """The lines of ``node`` at ``indent``, ``suffix`` (a comma) after its last character."""
    text = flat(node)
    if (
        isinstance(node, str)
        or not node.items
        or len(indent) + len(text) + len(suffix) <= LINE_LENGTH
    ):
        return [f"{indent}{text}{suffix}"]
    out = [f"{indent}{node.head}{node.open}"]
    inner = indent + INDENT
    if len(node.items) == 1 and not node.single:
        out.extend(lines(node.items[0], inner))
    else:
        for item in node.items:
            if isinstance(item, str):  # most items: no call needed
                out.append(f"{inner}{item},")
            else:
                out.extend(lines(item, inner, ","))
    out.append(f"{indent}{node.close}{node.tail}{suffix}")
    return out


def around(prefix: str, node: Node, suffix: str = "") -> Node:
    """``node`` with ``prefix`` before it and ``suffix`` after it, on its first and last line."""
    if isinstance(node, str):
        return f"{prefix}{node}{suffix}"
    return Group(
        prefix + node.head,
        node.open,
        node.items,
        node.close,
        node.tail + suffix,
        node.single,
        prefix + node.text + suffix,
    )


def optional(node: Node) -> Node:
    """``X | None``, or ``_typing.Optional[X]`` when that does not fit on a line (ruff would
    wrap ``|`` in parentheses, differently in each context)."""
    return Group("_typing.Optional", "[", [node], "]", text=f"{flat(node)} | None")


def call(head: str, args: list[Node], tail: str = "") -> Group:
    return Group(head, "(", args, ")", tail)


def tuple_of(items: list[Node], head: str = "") -> Group:
    return Group(head, "(", items, ")", single=True)


def subscript(head: str, args: list[Node]) -> Group:
    return Group(head, "[", args, "]")


# Literals.


@functools.cache
def string(text: str) -> str:
    """A str literal in ruff's style: double quotes unless the text holds more of them than
    single quotes; escapes as ``repr`` makes them."""
    if text.isascii() and text.isprintable() and not ('"' in text or "\\" in text):
        return f'"{text}"'  # the common case, quickly
    quote = "'" if text.count('"') > text.count("'") else '"'
    return quote + _escape(text, quote, is_bytes=False) + quote


def bytes_literal(data: bytes) -> str:
    text = data.decode("latin-1")
    quote = "'" if text.count('"') > text.count("'") else '"'
    return "b" + quote + _escape(text, quote, is_bytes=True) + quote


def _escape(text: str, quote: str, *, is_bytes: bool) -> str:
    out: list[str] = []
    for ch in text:
        if ch == "\\" or ch == quote:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif is_bytes and not 0x20 <= ord(ch) < 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        elif not ch.isprintable():
            out.append(repr(ch)[1:-1])
        else:
            out.append(ch)
    return "".join(out)


def scalar(value: object) -> str:
    """The literal of a bool, int, float, str, bytes or UUID (``uuid`` imported as ``_uuid``)."""
    if isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return repr(value).replace("e+", "e")  # ruff writes 1e300, not 1e+300
        return f'float("{value}")'
    if isinstance(value, str):
        return string(value)
    if isinstance(value, bytes):
        return bytes_literal(value)
    if isinstance(value, uuid.UUID):
        return f'_uuid.UUID("{value}")'
    raise TypeError(f"no literal for {value!r}")


def docstring(doc: str, indent: str) -> list[str]:
    """The lines of a docstring holding ``doc``, as ruff normalizes one."""
    return list(_docstring(doc, indent))


@functools.cache  # a method's docstring is written for both clients and both Protocols
def _docstring(doc: str, indent: str) -> tuple[str, ...]:
    text = doc.replace("\t", "    ").replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    body = [line.rstrip() for line in text.strip("\n").split("\n")]
    while body and not body[-1]:
        body.pop()
    if not body:
        return ()
    body[0] = body[0].strip()
    # ruff strips the indentation the lines after the first have in common.
    if any(line[:1] == " " for line in body[1:]):
        body[1:] = textwrap.dedent("\n".join(body[1:])).split("\n")
    if len(body) == 1:
        one = body[0]
        closing = ' """' if one.endswith('"') else '"""'
        return (f'{indent}"""{one}{closing}',)
    out = [f'{indent}"""{body[0]}']
    out.extend(f"{indent}{line}" if line else "" for line in body[1:])
    out.append(f'{indent}"""')
    return tuple(out)
