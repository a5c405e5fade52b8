"""Files the config names, read as files: a directory or a missing file is one line; a JSONL dataset's rows carry its
field map's columns (checked at the dry run); config files hold a mapping; integer settings have sane upper bounds."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
from annotated_types import Ge, Le
from pydantic import BaseModel

from styledistill.config.checks import config_file
from styledistill.errors import UserError
from styledistill.io import read_csv_rows, read_json, read_jsonl_rows, read_parquet_rows, read_table, read_yaml
from styledistill.problems.files import check_fields
from styledistill.problems.settings import JsonlSource
from styledistill.prompting import load_prompt
from styledistill.settings import Settings

READERS = {
    "yaml": lambda p: read_yaml(p, "prompt file"),
    "json": lambda p: read_json(p, "DeepSpeed config"),
    "jsonl": lambda p: list(read_jsonl_rows(p)),
    "csv": lambda p: list(read_csv_rows(p)),
    "parquet": lambda p: list(read_parquet_rows(p)),
    "table": lambda p: read_table(p, "problem"),
    "prompt": lambda p: load_prompt(p, {"question"}, {"question"}),
    "config": config_file,
}


@pytest.mark.parametrize("reader", READERS.values(), ids=list(READERS))
def test_a_directory_where_a_file_belongs_is_one_line(reader, tmp_path):
    with pytest.raises(UserError, match=rf"^{tmp_path}: is a directory, not a .*(file|config)$"):
        reader(tmp_path)


@pytest.mark.parametrize("reader", READERS.values(), ids=list(READERS))
def test_a_missing_file_is_one_line(reader, tmp_path):
    with pytest.raises(UserError, match=r"nope: .*not found$"):
        reader(tmp_path / "nope")


def _spec(tmp_path: Path, text: str, **extra: object) -> JsonlSource:
    (tmp_path / "d.jsonl").write_text(text)
    return JsonlSource.model_validate({"source": "jsonl", "split": "train", "path": str(tmp_path / "d.jsonl"),
                                       "fields": {"question": "q", "answer": "a"}, **extra})


def test_every_row_has_the_mapped_fields(tmp_path):
    check_fields(_spec(tmp_path, '{"q": "1+1?", "a": "2", "x": 1}\n\n{"q": "", "a": null}\n'))  # values: the job's
    with pytest.raises(UserError, match=r"d.jsonl:3: missing key 'a' \(fields.answer\)$"):
        check_fields(_spec(tmp_path, '{"q": "1+1?", "a": "2"}\n\n{"q": "2+2?"}\n'))
    with pytest.raises(UserError, match=r"d.jsonl:1: missing key 'lvl' \(fields.level\)$"):
        check_fields(_spec(tmp_path, '{"q": "1+1?", "a": "2"}\n',
                           fields={"question": "q", "answer": "a", "level": "lvl"}))
    with pytest.raises(UserError, match=r"d.jsonl:2: expected an object, got list$"):
        check_fields(_spec(tmp_path, '{"q": "1+1?", "a": "2"}\n[1]\n'))
    with pytest.raises(UserError, match=r"d.jsonl:1: not valid JSON"):
        check_fields(_spec(tmp_path, '{"q": \n'))
    with pytest.raises(UserError, match=r"d.jsonl: no problems"):
        check_fields(_spec(tmp_path, "\n"))


def test_only_the_rows_the_job_surely_reads_are_checked(tmp_path):
    check_fields(_spec(tmp_path, '{"q": "1+1?", "a": "2"}\n{"q": "2+2?"}\n', limit=1))
    with pytest.raises(UserError, match=r"d.jsonl:2: missing key 'a'"):
        check_fields(_spec(tmp_path, '{"q": "1+1?", "a": "2"}\n{"q": "2+2?"}\n', limit=2))


@pytest.mark.parametrize("text, message", [
    ("", "is empty (a config file needs keys at top level)"),
    ("# only a comment\n", "is empty (a config file needs keys at top level)"),
    ("- a\n- b\n", "must be a mapping of keys at top level, got a list"),
    ("just text\n", "must be a mapping of keys at top level, got a str"),
    ("a: 1\na: 2\n", "not valid YAML: line 2, column 1: key 'a' appears twice"),
])
def test_a_config_file_is_a_mapping(text, message, tmp_path):
    (tmp_path / "c.yaml").write_text(text)
    with pytest.raises(UserError, match=rf"^{tmp_path}/c.yaml: {message}".replace("(", r"\(").replace(")", r"\)")):
        config_file(tmp_path / "c.yaml")
    (tmp_path / "c.yaml").write_text("study: {teachers: [a]}\n")
    assert config_file(tmp_path / "c.yaml") == {"study": {"teachers": ["a"]}}


def _settings_classes(cls: type = Settings) -> set[type[BaseModel]]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub, *_settings_classes(sub)}
    return out


def _bounds(field: typing.Any) -> tuple[int | None, int | None]:
    ge = next((m.ge for m in field.metadata if isinstance(m, Ge)), None)
    le = next((m.le for m in field.metadata if isinstance(m, Le)), None)
    return ge, le


def test_integer_settings_have_upper_bounds_that_admit_their_defaults():
    import styledistill.config.study  # noqa: F401 -- imports every settings class

    for cls in _settings_classes():
        for name, field in cls.model_fields.items():
            ge, le = _bounds(field)
            if isinstance(field.default, int) and not isinstance(field.default, bool) and le is not None:
                assert (ge is None or ge <= field.default) and field.default <= le, (cls.__name__, name)
    from styledistill.generation.common import Sampling
    from styledistill.generation.settings import GenerationConfig

    assert _bounds(Sampling.model_fields["max_new_tokens"]) == (1, 1_048_576)
    assert _bounds(Sampling.model_fields["seed"]) == (0, 2**32 - 1)
    with pytest.raises(UserError, match=r"max_new_tokens: Input should be less than or equal to 1048576"):
        GenerationConfig.from_spec({"max_new_tokens": 10**20}, "generation")
    assert GenerationConfig.from_spec({"max_new_tokens": 1_048_576}, "generation").max_new_tokens == 1_048_576
