"""Model of Kafka's JSON message schemas for kafka_codegen.py (standard library only).

Reads the files under protocol/schemas/kafka (JSON with // comments, Kafka's format described
in /work/shared/kafka-protocol/README.md) into Message / Struct / Field objects with C++ names
and version ranges, and rejects the schema features the generator does not implement, so a
new schema fails the build loudly instead of producing a wrong codec.
"""

import json
import os
import re

MAX_VERSION = 0x7FFF

CPP_KEYWORDS = {
    "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char",
    "class", "const", "constexpr", "continue", "default", "delete", "do", "double", "else",
    "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if",
    "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "nullptr",
    "operator", "or", "private", "protected", "public", "register", "return", "short",
    "signed", "sizeof", "static", "struct", "switch", "template", "this", "throw", "true",
    "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void",
    "volatile", "while", "xor",
}

# Kafka primitive type -> (C++ type, wire_reader/wire_writer suffix, fixed size or None).
PRIMITIVES = {
    "bool": ("bool", "bool", 1),
    "int8": ("int8_t", "int8", 1),
    "int16": ("int16_t", "int16", 2),
    "uint16": ("uint16_t", "uint16", 2),
    "int32": ("int32_t", "int32", 4),
    "uint32": ("uint32_t", "uint32", 4),
    "int64": ("int64_t", "int64", 8),
    "float64": ("double", "float64", 8),
    "uuid": ("kafka::uuid", "uuid", 16),
    "string": ("std::string", None, None),
    "bytes": ("std::vector<char>", None, None),
    "records": ("std::optional<std::vector<char>>", None, None),
}
INTEGERS = {"int8": 8, "int16": 16, "uint16": 16, "int32": 32, "uint32": 32, "int64": 64}

# Names the generated structs use themselves.
RESERVED_TOP = {"key", "min_version", "max_version", "flexible_from", "kafka_name"}
RESERVED_ANY = {"encode", "decode"}


class SchemaError(Exception):
    pass


def strip_comments(text):
    """Removes // comments outside string literals."""
    out, i, in_string = [], 0, False
    while i < len(text):
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\" and i + 1 < len(text):
                out.append(text[i + 1])
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
            out.append(c)
        elif text.startswith("//", i):
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def snake(name):
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    return s.lower()


class Versions:
    """An inclusive version range; `none` is the empty range."""

    def __init__(self, spec):
        spec = str(spec).strip()
        if spec == "none":
            self.lo, self.hi = None, None
        elif spec.endswith("+"):
            self.lo, self.hi = int(spec[:-1]), MAX_VERSION
        elif "-" in spec:
            lo, hi = spec.split("-")
            self.lo, self.hi = int(lo), int(hi)
        else:
            self.lo = self.hi = int(spec)

    def empty(self):
        return self.lo is None

    def contains(self, v):
        return not self.empty() and self.lo <= v <= self.hi

    def __eq__(self, other):
        return (self.lo, self.hi) == (other.lo, other.hi)

    def __repr__(self):
        return "none" if self.empty() else f"{self.lo}-{self.hi}"


class Field:
    def __init__(self, js, owner, message):
        self.name = js["name"]
        self.path = f"{owner.path}.{self.name}"
        self.type = js["type"]
        self.about = js.get("about", "")
        self.versions = Versions(js["versions"])
        self.nullable = Versions(js.get("nullableVersions", "none"))
        self.tagged = Versions(js.get("taggedVersions", "none"))
        self.tag = js.get("tag")
        self.flexible_override = (
            Versions(js["flexibleVersions"]) if "flexibleVersions" in js else None)
        self.default = js.get("default")
        self.is_array = self.type.startswith("[]")
        self.elem = self.type[2:] if self.is_array else self.type
        self.member = snake(self.name)
        if self.member in CPP_KEYWORDS:
            self.member += "_"
        self.struct = None
        if "fields" in js:
            self.struct = Struct(self.elem, js["fields"], self.path, message)
        elif self.elem not in PRIMITIVES:
            raise SchemaError(f"{self.path}: type {self.type} has no fields (commonStructs are "
                              "not supported by the generator)")
        if self.is_array and self.elem == "records":
            raise SchemaError(f"{self.path}: arrays of records are not supported")
        if self.tag is not None and self.tagged != self.versions:
            raise SchemaError(f"{self.path}: tagged fields must have versions == taggedVersions")
        if (self.tag is None) != self.tagged.empty():
            raise SchemaError(f"{self.path}: tag and taggedVersions go together")
        can_be_null = self.is_array or self.elem in ("string", "bytes", "records")
        if not self.nullable.empty() and not can_be_null:
            raise SchemaError(f"{self.path}: nullable {self.type} is not supported")

    @property
    def is_optional(self):
        """Whether the C++ member is a std::optional (it can hold null)."""
        return self.type == "records" or not self.nullable.empty()

    @property
    def is_tagged(self):
        return self.tag is not None


class Struct:
    def __init__(self, type_name, fields_js, path, message):
        self.name = type_name
        self.path = path
        self.cpp = snake(type_name)
        self.message = message
        self.fields = [Field(f, self, message) for f in fields_js]
        message.structs.append(self)  # children were appended first: dependency order
        self.check_fields()

    def check_fields(self):
        tags = [f.tag for f in self.fields if f.is_tagged]
        if len(tags) != len(set(tags)):
            raise SchemaError(f"{self.path}: duplicate tags {tags}")
        members = [f.member for f in self.fields]
        if len(members) != len(set(members)):
            raise SchemaError(f"{self.path}: two fields map to one C++ name: {members}")
        for m in members:
            if m in RESERVED_ANY:
                raise SchemaError(f"{self.path}: field name '{m}' clashes with a method")


class Message:
    """One request or response schema."""

    def __init__(self, js, path):
        self.name = js["name"]
        self.path = self.name
        self.kind = js["type"]
        self.file = os.path.basename(path)
        self.api_key = js["apiKey"]
        self.valid = Versions(js["validVersions"])
        flexible = Versions(js["flexibleVersions"])
        if not flexible.empty() and flexible.hi != MAX_VERSION:
            raise SchemaError(f"{self.name}: flexibleVersions must be open-ended")
        self.flexible_from = -1 if flexible.empty() else flexible.lo
        self.cpp = snake(self.name)
        self.api = self.name[: -len("Request")] if self.kind == "request" else \
            self.name[: -len("Response")]
        self.structs = []
        self.fields = [Field(f, self, self) for f in js["fields"]]
        self.check_names()
        self.check_element_sizes()

    def check_names(self):
        for f in self.fields:
            # FindCoordinatorRequest.Key would hide the static `key`: it becomes `key_`, the
            # same rule as for C++ keywords.
            if f.member in RESERVED_TOP:
                f.member += "_"
        members = {f.member for f in self.fields}
        seen = {}
        for s in self.structs:
            # A nested type may not share its name with a member of the message (same class
            # scope) or of its own struct (constructor name): give it Kafka's "Data" suffix.
            own = {f.member for f in s.fields}
            if s.cpp in members or s.cpp in own or s.cpp == self.cpp or \
                    s.cpp in RESERVED_TOP | RESERVED_ANY:
                s.cpp += "_data"
            if s.cpp in seen:
                raise SchemaError(f"{self.name}: struct {s.name} is defined twice")
            seen[s.cpp] = s

    def flexible(self, v):
        return self.flexible_from >= 0 and v >= self.flexible_from

    def check_element_sizes(self):
        """Array decoding relies on every array element taking at least one byte."""
        for v in range(self.valid.lo, self.valid.hi + 1):
            self._check_struct_size(self.fields, v)

    def _check_struct_size(self, fields, v):
        for f in fields:
            if not f.versions.contains(v) or not f.struct:
                continue
            inner = [g for g in f.struct.fields if g.versions.contains(v) and not g.is_tagged]
            if f.is_array and not self.flexible(v) and not inner:
                raise SchemaError(f"{f.path}: elements encode to zero bytes at version {v}")
            self._check_struct_size(f.struct.fields, v)


def load_message(path):
    with open(path, encoding="utf-8") as f:
        js = json.loads(strip_comments(f.read()))
    return js


def load_apis(schema_dir):
    """Returns [(request, response)] sorted by api key, for every *Request.json with a
    matching *Response.json; header schemas are skipped (kafka_api.cpp is hand-written)."""
    apis = []
    for name in sorted(os.listdir(schema_dir)):
        if not name.endswith("Request.json"):
            continue
        req_js = load_message(os.path.join(schema_dir, name))
        if req_js.get("type") != "request":
            continue
        resp_path = os.path.join(schema_dir, name[: -len("Request.json")] + "Response.json")
        if not os.path.exists(resp_path):
            raise SchemaError(f"{name}: no matching response schema {resp_path}")
        req = Message(req_js, name)
        resp = Message(load_message(resp_path), resp_path)
        if req.api_key != resp.api_key or req.valid != resp.valid:
            raise SchemaError(f"{req.name} and {resp.name} disagree on apiKey/validVersions")
        apis.append((req, resp))
    apis.sort(key=lambda p: p[0].api_key)
    return apis
