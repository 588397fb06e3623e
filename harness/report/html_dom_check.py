#!/usr/bin/env python3
"""Checks a DOM that headless Chromium dumped (--dump-dom) after the
report's script ran. Each option is one expectation; every failure is
printed, and the exit status is 1 if any failed.

  --html-attr NAME=VALUE          attribute of the <html> element
  --text ID=TEXT                  text content of the element with that id
  --no-attr ID=NAME               the element with that id lacks the attribute
  --cell CASE,CHECK,STATUS        check-matrix cell (data-case/-check/-status)
  --count TAG:NAME[:VALUE]=N      TAG elements with attribute NAME (equal to VALUE)
  --failure CASE,CHECK,EXP,ACT    failed-check row of CASE: expected and actual
  --verdict CASE,IMPL,VERDICT     interop-matrix cell
"""
import argparse
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children, self.text = [], []

    def all_text(self):
        out = "".join(self.text_parts())
        return " ".join(out.split())

    def text_parts(self):
        for item in self.text:
            yield item if isinstance(item, str) else "".join(item.text_parts())

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def classes(self):
        return self.attrs.get("class", "").split()


class Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        self.current.text.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        self.current.text.append(node)

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text.append(data)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dom")
    for flag in ("--html-attr", "--text", "--no-attr", "--cell", "--count", "--failure", "--verdict"):
        p.add_argument(flag, action="append", default=[])
    args = p.parse_args()
    builder = Builder()
    with open(args.dom, encoding="utf-8") as f:
        builder.feed(f.read())
    nodes = list(builder.root.walk())
    by_id = {n.attrs["id"]: n for n in nodes if "id" in n.attrs}
    failures = []

    def expect(ok, what):
        print(("ok: " if ok else "FAIL: ") + what)
        if not ok:
            failures.append(what)

    for spec in args.html_attr:
        name, value = spec.split("=", 1)
        html = next((n for n in nodes if n.tag == "html"), None)
        got = html.attrs.get(name) if html else None
        expect(got == value, f"<html {name}> is {value!r} (got {got!r})")
    for spec in args.text:
        ident, value = spec.split("=", 1)
        got = by_id[ident].all_text() if ident in by_id else None
        expect(got == value, f"#{ident} text is {value!r} (got {got!r})")
    for spec in args.no_attr:
        ident, name = spec.split("=", 1)
        expect(ident in by_id and name not in by_id[ident].attrs, f"#{ident} has no {name} attribute")
    for spec in args.cell:
        case, check, status = spec.split(",", 2)
        got = [n.attrs.get("data-status") for n in nodes
               if n.tag == "td" and n.attrs.get("data-case") == case and n.attrs.get("data-check") == check]
        expect(got == [status], f"cell {case} x {check} is {status} (got {got})")
    for spec in args.count:
        selector, count = spec.rsplit("=", 1)
        tag, _, attr = selector.partition(":")
        name, _, value = attr.partition(":")
        got = sum(1 for n in nodes
                  if n.tag == tag and name in n.attrs and (not value or n.attrs[name] == value))
        expect(got == int(count), f"{count} elements with {selector} (got {got})")
    for spec in args.failure:
        case, check, expected, actual = spec.split(",", 3)
        rows = [n for n in nodes if n.tag == "section" and n.attrs.get("data-case") == case]
        rows = [r for s in rows for r in s.walk()
                if r.tag == "tr" and "failure" in r.classes() and r.attrs.get("data-check") == check]
        got = None
        if rows:
            cells = {c: next((t.all_text() for t in rows[0].walk() if t.tag == "td" and c in t.classes()), None)
                     for c in ("expected", "actual")}
            got = (cells["expected"], cells["actual"])
        expect(got == (expected, actual), f"failure {case} {check}: expected {expected!r}, actual {actual!r} (got {got})")
    for spec in args.verdict:
        case, impl, verdict = spec.split(",", 2)
        got = [n.attrs.get("data-verdict") for n in nodes
               if n.tag == "td" and n.attrs.get("data-case") == case and n.attrs.get("data-impl") == impl]
        expect(got == [verdict], f"matrix {case} x {impl} is {verdict} (got {got})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
