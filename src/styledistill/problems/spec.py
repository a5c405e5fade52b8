"""Checking a make_problems spec: one line per mistake, naming the key."""

from __future__ import annotations

from typing import Any

from styledistill.errors import UserError

WHERE = "--spec"
SPLITS = ("train", "test")
# Keys every source accepts: `version` is the stage version Snakemake passes along (ignored here).
COMMON_KEYS = {"source", "split", "version"}


def check_keys(spec: dict[str, Any], allowed: set[str], required: set[str]) -> None:
    source = spec.get("source")
    unknown = sorted(set(spec) - allowed - COMMON_KEYS)
    if unknown:
        names = ", ".join(repr(k) for k in unknown)
        accepted = ", ".join(sorted(allowed | (COMMON_KEYS - {"version"})))
        raise UserError(f"{WHERE}: unknown key(s) {names} for source {source!r} (accepted: {accepted})")
    for key in sorted(required):
        if key not in spec:
            raise UserError(f"{WHERE}: missing key {key!r} for source {source!r}")


def split_of(spec: dict[str, Any]) -> str:
    split = spec.get("split")
    if split not in SPLITS:
        raise UserError(f"{WHERE}: key 'split' must be one of {', '.join(SPLITS)}, got {split!r}")
    return split


def int_key(spec: dict[str, Any], key: str, *, minimum: int, default: int | None = None) -> int:
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise UserError(f"{WHERE}: key {key!r} must be an integer >= {minimum}, got {value!r}")
    return value
