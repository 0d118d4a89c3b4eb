"""What a message for people must be (glossary.md): Danish, and free of the ids code uses for
events, states, steps, workflows, roles and payload fields. The same rules as
tests/engine/danish_words.hpp, for the process tests; the ids are read from the workflows'
descriptions (workflows/*.hpp).
"""
import glob
import os
import re

from support import SOURCE_DIR

ROLES = ("admin", "director", "area_chief", "leader", "board")
DANISH_TOO = {"feedback", "start"}  # field names that are Danish words as well
ENGLISH = (" not ", " is ", " must ", " may ", "allowed", "required", "unknown", " the ",
           " only", "payload", "state")
DANISH = (" er ", "ikke", " skal ", " kan ", "Udfyld", "Angiv", "Vælg", "Skriv", "Fjern",
          "findes", " du ", " på ", " med ", " eller ", "Prøv", "Send ")

_PATTERNS = (
    r'\.id = "([A-Za-z_]+)"',                          # workflows and events
    r'static constexpr const char\* name = "([A-Za-z_]+)"',  # states and event structs
    r'\{"([a-z_]+)",\s*(?:F|FieldType)::',             # payload fields
    r'\{\s*"([a-z_]+)",\s*"[^"]*",\s*\{Role',          # steps
)


def raw_ids():
    """Every id a person must never read."""
    ids = set(ROLES)
    for path in glob.glob(os.path.join(SOURCE_DIR, "workflows", "*.hpp")):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for pattern in _PATTERNS:
            ids.update(re.findall(pattern, text))
    return ids - DANISH_TOO


_IDS = None


def danish_problem(message):
    """Why `message` is not a Danish sentence free of raw ids; None when it is."""
    global _IDS
    if _IDS is None:
        _IDS = raw_ids()
    if not message:
        return "the message is empty"
    for raw in sorted(_IDS):
        if re.search(r"(^|[^A-Za-z0-9_])" + re.escape(raw) + r"($|[^A-Za-z0-9_])", message):
            return f"it names the raw id {raw!r}"
    for english in ENGLISH:
        if english in message:
            return f"it has the English {english!r}"
    if not any(word in message for word in DANISH):
        return "it has none of the Danish words expected"
    return None
