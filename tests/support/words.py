"""What a message for people must be (glossary.md): Danish, and free of the ids code uses for
events, states, steps, workflows, roles and payload fields. The same rules as
tests/engine/danish_words.hpp, for the process tests; the ids are read from the product's
sources: the workflows' descriptions (workflows/*.hpp), the effect goals and supervision
reasons (engine/event_payload.hpp), and the role and kind names (engine/config.cpp).

danish_problem(message) checks one refusal; screen_problems(text) checks what a page shows.
"""
import glob
import os
import re

from support import SOURCE_DIR

DANISH_TOO = {"feedback", "start"}  # field names that are Danish words as well
ENGLISH = (" not ", " is ", " must ", " may ", "allowed", "required", "unknown", " the ",
           " only", "payload", "state")
DANISH = (" er ", "ikke", " skal ", " kan ", "Udfyld", "Angiv", "Vælg", "Skriv", "Fjern",
          "findes", " du ", " på ", " med ", " eller ", "Prøv", "Send ")

# Words a page must not show, in any case (glossary.md: no English, no "token", "id", "state",
# "payload" on screen; "tilbud", not "institution").
ENGLISH_ON_SCREEN = ("cycle", "state", "event", "step", "overdue", "due", "token", "submit",
                     "error", "none", "null", "undefined", "true", "false", "id", "payload",
                     "institution", "round", "deadline", "reminder", "escalation", "workflow",
                     "case", "system", "nan", "object", "goal", "title")
# Ids that are Danish words too, on a page ("Din observation").
DANISH_ON_SCREEN = {"observation"}

_PATTERNS = (
    r'\.id = "([A-Za-z_]+)"',                          # workflows and events
    r'static constexpr const char\* name = "([A-Za-z_]+)"',  # states and event structs
    r'\{"([a-z_]+)",\s*(?:F|FieldType)::',             # payload fields
    r'\{\s*"([a-z_]+)",\s*"[^"]*",\s*\{Role',          # steps
    r'std::string_view k[A-Za-z]+Event = "([a-z_]+)"',  # the events the engine records
)


def _read(*parts):
    with open(os.path.join(SOURCE_DIR, *parts), encoding="utf-8") as f:
        return f.read()


def _names_returned(source, function):
    """The string literals `function`'s switch returns (role_name, kind_name), but "?"."""
    body = re.search(r"std::string_view " + function + r"\([^)]*\) \{(.*?)\n\}", source, re.S)
    return set(re.findall(r'return "([a-z_]+)";', body.group(1)))


def _array(source, name):
    """The strings of `inline constexpr std::array<...> NAME = {...};`."""
    return set(re.findall(r'"([a-z_]+)"', re.search(name + r" = \{([^}]*)\}", source).group(1)))


def role_names():
    return _names_returned(_read("engine", "config.cpp"), "role_name")


def kind_names():
    return _names_returned(_read("engine", "config.cpp"), "kind_name")


def vocabulary_ids():
    """The values payloads write for effect goals and supervision reasons."""
    source = _read("engine", "event_payload.hpp")
    return _array(source, "kEffectGoals") | _array(source, "kSupervisionReasons")


def raw_ids():
    """Every id a person must never read in a message."""
    ids = set(role_names())
    for path in glob.glob(os.path.join(SOURCE_DIR, "workflows", "*.hpp")):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for pattern in _PATTERNS:
            ids.update(re.findall(pattern, text))
    return ids - DANISH_TOO


def screen_ids():
    """Every id a page must never show: raw_ids, goals, reasons and kinds."""
    return (raw_ids() | vocabulary_ids() | kind_names()) - DANISH_ON_SCREEN


_IDS = None


def _contains_id(text, raw):
    return re.search(r"(^|[^A-Za-z0-9_])" + re.escape(raw) + r"($|[^A-Za-z0-9_])", text)


def danish_problem(message):
    """Why `message` is not a Danish sentence free of raw ids; None when it is."""
    global _IDS
    if _IDS is None:
        _IDS = raw_ids()
    if not message:
        return "the message is empty"
    for raw in sorted(_IDS):
        if _contains_id(message, raw):
            return f"it names the raw id {raw!r}"
    for english in ENGLISH:
        if english in message:
            return f"it has the English {english!r}"
    if not any(word in message for word in DANISH):
        return "it has none of the Danish words expected"
    return None


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_URL = re.compile(r"https?://\S+")


def _around(text, match, width=40):
    start, end = max(0, match.start() - width), min(len(text), match.end() + width)
    return " ".join(text[start:end].split())


def screen_problems(text, ids, names=(), english=ENGLISH_ON_SCREEN):
    """What a page's visible text shows that people must not read: each id of `ids` (case as
    written, e.g. screen_ids() and the configuration's institution and area ids) and each word
    of `english` (any case), as whole words, with the text around it. Proper names (`names`,
    such as "Integreret Institution Hasselhuset"), e-mail addresses and web addresses are
    left out: they are people's, places' and documents' own names."""
    text = _URL.sub(" ", _EMAIL.sub(" ", text))
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    problems = []
    for raw in sorted(ids):
        match = _contains_id(text, raw)
        if match:
            problems.append(f"the raw id {raw!r}: …{_around(text, match)}…")
    for word in english:
        match = re.search(r"\b" + re.escape(word) + r"\b", text, re.I)
        if match:
            problems.append(f"the English {word!r}: …{_around(text, match)}…")
    return problems
