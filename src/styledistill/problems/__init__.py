"""Stage make_problems: seed problems from the built-in generator, a local JSONL file or a `datasets` loader.

Submodules: `spec` (checking a source spec), `builtin` (the seeded word-problem generator), `files` (JSONL files and
the field mapping shared with `hub`), `hub` (`datasets.load_dataset`). Nothing heavy is imported here.
"""

SOURCES = ("builtin", "jsonl", "hf")
