"""Parser for the Graph API ``fields`` expansion syntax.

``a,b.limit(3){c,d},business_discovery.username(x){e}`` → nested Field objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class FieldSyntaxError(ValueError):
    pass


@dataclass
class Field:
    name: str
    modifiers: dict[str, str] = field(default_factory=dict)
    children: list[Field] | None = None  # None: no {…} expansion given


def parse_fields(text: str) -> list[Field]:
    parser = _Parser(text)
    result = parser.field_list()
    if parser.pos != len(text):
        raise FieldSyntaxError(f"unexpected {text[parser.pos]!r} at {parser.pos}")
    return result


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise FieldSyntaxError(f"expected {char!r} at {self.pos}")
        self.pos += 1

    def name(self) -> str:
        start = self.pos
        while self.peek() and (self.peek().isalnum() or self.peek() == "_"):
            self.pos += 1
        if start == self.pos:
            raise FieldSyntaxError(f"expected a field name at {self.pos}")
        return self.text[start : self.pos]

    def field_list(self) -> list[Field]:
        fields = [self.one_field()]
        while self.peek() == ",":
            self.pos += 1
            fields.append(self.one_field())
        return fields

    def one_field(self) -> Field:
        result = Field(self.name())
        while self.peek() == ".":
            self.pos += 1
            modifier = self.name()
            self.expect("(")
            end = self.text.find(")", self.pos)
            if end < 0:
                raise FieldSyntaxError("unclosed (")
            result.modifiers[modifier] = self.text[self.pos : end]
            self.pos = end + 1
        if self.peek() == "{":
            self.pos += 1
            result.children = self.field_list()
            self.expect("}")
        return result
