"""Minimal XML reader that remembers the file and line of every element.

xml.etree drops line numbers, and capgen must report `file:line: message` for every
problem in the spec, so this module builds its own small tree with expat.
"""

import os
import xml.parsers.expat


class SpecError(Exception):
    """A problem in the spec, located at a file and line."""

    def __init__(self, where, message):
        self.file, self.line = where
        self.message = message
        super().__init__("%s:%d: %s" % (self.file, self.line, message))


class Node:
    """One XML element: tag, attributes, children, text and where it was written."""

    def __init__(self, tag, attrs, file, line):
        self.tag = tag
        self.attrs = dict(attrs)
        self.children = []
        self.text_parts = []
        self.file = file
        self.line = line

    @property
    def where(self):
        return (self.file, self.line)

    @property
    def text(self):
        """The element's own text, whitespace collapsed."""
        return " ".join("".join(self.text_parts).split())

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    def require(self, name):
        """Return attribute `name`, or fail with a located error."""
        value = self.attrs.get(name)
        if value is None or value.strip() == "":
            raise SpecError(self.where, "<%s> needs a '%s' attribute" % (self.tag, name))
        return value.strip()

    def check_attrs(self, allowed):
        """Reject attributes this element does not know (typos would be silently ignored)."""
        for name in self.attrs:
            if name not in allowed:
                raise SpecError(self.where, "<%s> has unknown attribute '%s'" % (self.tag, name))


def parse_file(path):
    """Parse one XML file into a Node tree; malformed XML becomes a SpecError."""
    display = os.path.relpath(path) if not os.path.isabs(path) else path
    parser = xml.parsers.expat.ParserCreate()
    stack = []
    root = []

    def start(tag, attrs):
        node = Node(tag, attrs, display, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(_tag):
        stack.pop()

    def chars(data):
        if stack:
            stack[-1].text_parts.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        with open(path, "rb") as f:
            parser.ParseFile(f)
    except OSError as e:
        raise SpecError((display, 0), "cannot read file: %s" % e.strerror)
    except xml.parsers.expat.ExpatError as e:
        raise SpecError((display, e.lineno), "malformed XML: %s" %
                        xml.parsers.expat.ErrorString(e.code))
    return root[0]
