"""The pivot lexicon: the four pivot types of the paper and the phrases that signal each one.

Presets are YAML files in `style/lexicons/` (`paper`, `r1`): per type, a list of phrases, each a string or a
mapping {phrase, position, why}. `position` lists rules a match must meet to count (`POSITION_RULES`); `why` says
why the phrase is there (for people; not used). A config may name a preset or give such a mapping inline.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

# Order matters: it is the order of the feature columns and of the style brief.
PIVOT_TYPES: tuple[str, ...] = ("realization", "verification", "exploration", "integration")
# opens: the phrase opens a sentence or clause; comma: a comma follows it.
POSITION_RULES: tuple[str, ...] = ("opens", "comma")
PRESET_DIR = Path(__file__).resolve().parent / "lexicons"
DEFAULT_PRESET = "paper"
_ENTRY_KEYS = {"phrase", "position", "why"}

Lexicon = dict[str, tuple[str, ...]]  # pivot type -> phrases
Rules = dict[str, tuple[str, ...]]  # canonical phrase -> position rules it must meet


def config_schema(schema: dict[str, Any]) -> None:
    """The JSON schema of what a config may write for a lexicon (pydantic sees only the resolved phrases)."""
    entry = {"oneOf": [{"type": "string", "minLength": 1},
                       {"type": "object", "additionalProperties": False, "required": ["phrase"],
                        "properties": {"phrase": {"type": "string", "minLength": 1},
                                       "position": {"type": "array", "items": {"enum": list(POSITION_RULES)}},
                                       "why": {"type": "string"}}}]}
    entries = {"type": "array", "minItems": 1, "items": entry}
    inline = {"type": "object", "additionalProperties": False, "required": list(PIVOT_TYPES),
              "properties": {"description": {"type": "string"}, **{kind: entries for kind in PIVOT_TYPES}}}
    for key in ("type", "additionalProperties"):
        schema.pop(key, None)
    schema["oneOf"] = [{"enum": presets()}, inline]


def rules_schema(schema: dict[str, Any]) -> None:
    """The JSON schema of position rules: phrase -> list of rules."""
    schema["additionalProperties"] = {"type": "array", "items": {"enum": list(POSITION_RULES)}}


def canonical(phrase: str) -> str:
    """The form a phrase is compared and reported in: lower case, single spaces, straight apostrophes."""
    return " ".join(phrase.replace("\u2019", "'").lower().split())


def presets() -> list[str]:
    return sorted(path.stem for path in PRESET_DIR.glob("*.yaml") if path.stem != "stage_cues")


def _entry(kind: str, item: Any) -> tuple[str, tuple[str, ...]]:
    """(phrase, position rules) of one lexicon entry."""
    if isinstance(item, dict):
        unknown = sorted(set(item) - _ENTRY_KEYS)
        if unknown or "phrase" not in item:
            raise ValueError(f"{kind}: an entry is a phrase or a mapping with keys phrase, position, why; got "
                             f"{item!r}")
        phrase, rules = item["phrase"], item.get("position") or []
        if not isinstance(rules, list) or any(rule not in POSITION_RULES for rule in rules):
            raise ValueError(f"{kind}: {phrase!r}: position must be a list of {', '.join(POSITION_RULES)}, got "
                             f"{rules!r}")
    else:
        phrase, rules = item, []
    if not isinstance(phrase, str) or not phrase.strip():
        raise ValueError(f"{kind}: every phrase must be a non-empty string, got {phrase!r}")
    return " ".join(phrase.split()), tuple(dict.fromkeys(rules))


def parse(obj: Any) -> tuple[Lexicon, Rules]:
    """Check a lexicon (pivot type -> list of entries); return its phrases per type (single-spaced) and the
    position rules of the phrases that have some. A problem raises ValueError (the caller names where)."""
    if not isinstance(obj, dict):
        raise ValueError("must be a preset name or an object mapping pivot types to lists of phrases")
    unknown = sorted(set(obj) - set(PIVOT_TYPES) - {"description"})
    if unknown:
        raise ValueError(f"unknown pivot type(s) {', '.join(unknown)} (expected {', '.join(PIVOT_TYPES)})")
    missing = [kind for kind in PIVOT_TYPES if kind not in obj]
    if missing:
        raise ValueError(f"missing pivot type(s) {', '.join(missing)}")
    owner: dict[str, str] = {}
    lexicon: Lexicon = {}
    rules: Rules = {}
    for kind in PIVOT_TYPES:
        entries = obj[kind]
        if not isinstance(entries, (list, tuple)) or not entries:
            raise ValueError(f"{kind}: must be a non-empty list of phrases")
        kept = []
        for item in entries:
            phrase, position = _entry(kind, item)
            form = canonical(phrase)
            if form in owner:
                where = "twice" if owner[form] == kind else f"under both {owner[form]} and {kind}"
                raise ValueError(f"phrase {phrase!r} is listed {where}")
            owner[form] = kind
            kept.append(phrase)
            if position:
                rules[form] = position
        lexicon[kind] = tuple(kept)
    return lexicon, rules


def validate(obj: Any) -> Lexicon:
    """The phrases per type of a lexicon given inline (see `parse`)."""
    return parse(obj)[0]


def check_rules(rules: Any, lexicon: Lexicon) -> Rules:
    """Position rules (phrase -> rules), each for a phrase of the lexicon and from POSITION_RULES."""
    if not isinstance(rules, dict):
        raise ValueError("must map phrases to lists of position rules")
    known = {canonical(p) for phrases in lexicon.values() for p in phrases}
    out: Rules = {}
    for phrase, names in rules.items():
        if canonical(phrase) not in known:
            raise ValueError(f"{phrase!r} is not a phrase of the lexicon")
        if not isinstance(names, (list, tuple)) or any(name not in POSITION_RULES for name in names):
            raise ValueError(f"{phrase!r}: must be a list of {', '.join(POSITION_RULES)}, got {names!r}")
        if names:
            out[canonical(phrase)] = tuple(dict.fromkeys(names))
    return out


@lru_cache(maxsize=8)
def _preset(name: str) -> tuple[Lexicon, Rules]:
    from styledistill.errors import UserError
    from styledistill.io import read_yaml

    path = PRESET_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ValueError(f"unknown lexicon preset {name!r} (presets: {', '.join(presets())}; or give a mapping)")
    try:
        data = read_yaml(path, "lexicon preset")
    except UserError as exc:
        raise ValueError(str(exc)) from None
    try:
        return parse(data)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


def resolve(value: Any) -> tuple[Lexicon, Rules]:
    """A lexicon given by preset name or inline: its phrases per type and the position rules of its phrases. A
    problem raises ValueError (naming the preset file when it is in one)."""
    lexicon, rules = _preset(value) if isinstance(value, str) else parse(value)
    return dict(lexicon), dict(rules)


def default() -> Lexicon:
    return resolve(DEFAULT_PRESET)[0]
