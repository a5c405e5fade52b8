"""Atomic writes and manifests: an output either appears whole or not at all."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from styledistill.errors import UserError
from styledistill.records import columns, conform

PARQUET_BATCH = 1024  # rows of a Parquet file read into memory at a time


def _tmp_path(path: Path) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o644)
    return Path(tmp)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_path(path)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_json(path: str | Path, obj: Any) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def require_file(path: str | Path, what: str = "file") -> Path:
    """The path, if it is a file; a missing path or a directory is one line naming it."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path}: is a directory, not a {what}")
    if not path.exists():
        raise UserError(f"{path}: {what} not found")
    return path


def _parse(path: str | Path, what: str, parse: Any, error: type[Exception], language: str) -> Any:
    """A file's parsed content; a missing, malformed or unreadable file is one line naming it."""
    path = require_file(path, what)
    try:
        return parse(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    except RecursionError:
        raise UserError(f"{path}: not valid {language}: nested too deeply") from None
    except error as exc:
        raise UserError(f"{path}: not valid {language}: {_first_line(exc)}") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None


def _first_line(exc: Exception) -> str:
    """A parser error in one line, with the line and column where the parser has them."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is not None and problem:
        return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def read_json(path: str | Path, what: str = "file") -> Any:
    return _parse(path, what, json.loads, json.JSONDecodeError, "JSON")


def read_yaml(path: str | Path, what: str = "file") -> Any:
    """A YAML file's content; a syntax error or a key written twice in one mapping is one line naming the place."""
    import yaml

    from styledistill.yamlfile import load

    return _parse(path, what, load, yaml.YAMLError, "YAML")


def read_parquet_rows(path: str | Path) -> Iterator[tuple[str, Any]]:
    """("<path> row <i>", row) for every row of a Parquet file; an unreadable file is one error naming it."""
    require_file(path)  # pyarrow would read a directory as a dataset of its files
    try:
        batches = pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH)
    except Exception as exc:  # noqa: BLE001 -- an unreadable file is the user's: one line
        raise UserError(f"{path}: not a readable Parquet file: {exc}") from None
    index = 0
    for batch in batches:  # a batch of rows in memory at a time
        for row in batch.to_pylist():
            yield f"{path} row {index}", row
            index += 1


def read_csv_rows(path: str | Path) -> Iterator[tuple[str, Any]]:
    """("<path> row <i>", row) for every row of a CSV file with a header (cells as text, empty cells empty)."""
    import csv

    require_file(path)
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            for index, row in enumerate(csv.DictReader(handle)):
                yield f"{path} row {index}", row
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UserError(f"{path}: not a readable CSV file: {exc}") from None


def read_jsonl_rows(path: str | Path) -> Iterator[tuple[str, Any]]:
    """("<path>:<line>", row) for every non-blank line of a JSONL file; a bad line is one error naming it."""
    require_file(path)
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise UserError(f"{path}:{number}: not valid JSON: {exc.msg} (column {exc.colno})") from None
                except RecursionError:
                    raise UserError(f"{path}:{number}: JSON nested too deeply to read") from None
                yield f"{path}:{number}", row
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text: {exc.reason} at byte {exc.start}") from None


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name.split(".")[0] + ".manifest.json")


def write_manifest(path: str | Path, stage: str, version: int, rows: int | None, **extra: Any) -> None:
    """Write `<name>.manifest.json` beside an output: rows, sha256, stage and its version."""
    path = Path(path)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    entry = {
        "stage": stage,
        "stage_version": version,
        "rows": rows,
        "files": {str(f.relative_to(path)) if path.is_dir() else f.name: sha256_file(f) for f in files},
        **extra,
    }
    target = path / "manifest.json" if path.is_dir() else manifest_path(path)
    entry["files"].pop("manifest.json", None)
    write_json(target, entry)


def write_table(df: pd.DataFrame, path: str | Path, record: str, stage: str, version: int, **extra: Any) -> None:
    """Check `df` against its record schema, then publish it and its manifest atomically."""
    if df.empty and len(df.columns) == 0:
        df = pd.DataFrame(columns=columns(record))
    write_arrow_table(pa.Table.from_pandas(df, preserve_index=False), path, record, stage, version, **extra)


def write_arrow_table(table: pa.Table, path: str | Path, record: str, stage: str, version: int,
                      **extra: Any) -> None:
    """write_table for an Arrow table (a stage that never turns its texts into Python objects)."""
    _publish_table(conform(table, record, path), path, stage, version, **extra)


def write_table_parts(parts: Iterable[pd.DataFrame], path: str | Path, record: str, stage: str, version: int,
                      **extra: Any) -> pa.Table:
    """write_table for a table built a part at a time: each part is checked and kept as Arrow, not as Python
    objects, and the parts' types are unified (a column empty in one part takes its type from the others). Returns
    the table written."""
    tables = [conform(pa.Table.from_pandas(part, preserve_index=False), record, path) for part in parts
              if len(part.columns)]
    if not tables:
        tables = [conform(pa.Table.from_pandas(pd.DataFrame(columns=columns(record))), record, path)]
    table = pa.concat_tables(_typed_alike(tables), promote_options="permissive")
    _publish_table(table, path, stage, version, **extra)
    return table


def _typed_alike(tables: list[pa.Table]) -> list[pa.Table]:
    """The tables with each column that holds no value in one of them (typed by pandas as whatever its nulls were)
    cast to the type the column has where it holds values."""
    typed: dict[str, pa.DataType] = {}
    for table in tables:
        for field, column in zip(table.schema, table.columns):
            if column.null_count < len(column):
                typed.setdefault(field.name, field.type)
    return [_cast_empty(table, typed) for table in tables]


def _cast_empty(table: pa.Table, typed: Mapping[str, pa.DataType]) -> pa.Table:
    """`table` with each column that holds no value cast to its type in `typed`, where that names one."""
    return table.cast(pa.schema([
        field.with_type(typed[field.name]) if column.null_count == len(column) and field.name in typed else field
        for field, column in zip(table.schema, table.columns)]))


def _publish_table(table: pa.Table, path: str | Path, stage: str, version: int, **extra: Any) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_path(path)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    write_manifest(path, stage, version, table.num_rows, **extra)


def write_table_chunks(chunks: Iterable[pd.DataFrame], path: str | Path, record: str, stage: str, version: int,
                       summary: Callable[[], dict[str, Any]] | None = None, types: pa.Schema | None = None,
                       **extra: Any) -> None:
    """write_table for a table built a chunk at a time: each chunk checked against the record and appended, the
    file published atomically once all are written (one chunk's Arrow copy in memory, not the whole table's).
    `summary` gives manifest figures known only once every chunk is built. `types` (the input's schema, for a stage
    that adds columns to its input's) types a column that holds no value in a chunk, which pandas cannot: without
    it, an extra column empty in the first chunk could not take the values of a later one."""
    typed = dict(zip(types.names, types.types)) if types is not None else {}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_path(path)
    writer, rows = None, 0
    try:
        for chunk in chunks:
            table = _cast_empty(conform(pa.Table.from_pandas(chunk, preserve_index=False), record, path), typed)
            if writer is None:
                writer = pq.ParquetWriter(tmp, table.schema)
            writer.write_table(table.cast(writer.schema))
            rows += table.num_rows
        if writer is None:
            writer = pq.ParquetWriter(tmp, conform(pa.Table.from_pandas(pd.DataFrame(columns=columns(record))),
                                                   record, path).schema)
        writer.close()
        os.replace(tmp, path)
    finally:
        if writer is not None:
            writer.close()
        tmp.unlink(missing_ok=True)
    write_manifest(path, stage, version, rows, **extra, **(summary() if summary else {}))


def _wanted(parquet: pq.ParquetFile, columns: Sequence[str] | None) -> list[str] | None:
    """The columns to read of a file: those asked for that it has (conform names the missing ones)."""
    return None if columns is None else [c for c in columns if c in parquet.schema_arrow.names]


def _parquet_file(path: str | Path) -> pq.ParquetFile:
    """A Parquet file opened (its metadata read); a file that is not one is one line naming it."""
    path = require_file(path)
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise UserError(f"{path}: not a readable Parquet file: {exc}") from None


def read_table(path: str | Path, record: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A table checked against its record; with `columns`, only those are read (the others stay on disk)."""
    parquet = _parquet_file(path)
    try:
        table = parquet.read(columns=_wanted(parquet, columns))
    except (pa.ArrowInvalid, OSError) as exc:
        raise UserError(f"{path}: not a readable Parquet file: {exc}") from None
    return conform(table, record, path, only=columns).to_pandas()


def read_arrow_batches(path: str | Path, record: str, rows: int,
                       columns: Sequence[str] | None = None) -> Iterator[pa.Table]:
    """read_table as Arrow tables of `rows` rows (a stage that needs one row at a time holds one batch, not the
    file); a wrong file fails before any work, even an empty one."""
    parquet = _parquet_file(path)
    wanted = _wanted(parquet, columns)
    batches = parquet.iter_batches(batch_size=rows, columns=wanted)
    conform(parquet.schema_arrow.empty_table().select(wanted or parquet.schema_arrow.names), record, path,
            only=columns)
    for batch in batches:
        yield conform(pa.Table.from_batches([batch]), record, path, only=columns)


def read_table_batches(path: str | Path, record: str, rows: int,
                       columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
    """read_arrow_batches as data frames."""
    for batch in read_arrow_batches(path, record, rows, columns):
        yield batch.to_pandas()


def arrow_schema(path: str | Path, record: str) -> pa.Schema:
    """The schema read_arrow_batches gives a file's batches: the record's columns first, then the file's others."""
    return conform(_parquet_file(path).schema_arrow.empty_table(), record, path).schema


def publish_dir(tmp_dir: Path, final_dir: Path) -> None:
    """Move a fully written directory into place (replacing an old one)."""
    final_dir = Path(final_dir)
    if final_dir.exists():
        shutil.rmtree(final_dir)
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp_dir, final_dir)


def staging_dir(final_dir: str | Path) -> Path:
    """A fresh sibling directory to build `final_dir` in, on the same filesystem."""
    final_dir = Path(final_dir)
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final_dir.name}.", suffix=".tmp", dir=final_dir.parent))
    tmp.chmod(0o755)
    return tmp


@contextmanager
def staged_dir(final_dir: str | Path) -> Iterator[Path]:
    """Build a directory output in a staging sibling (yielded); it replaces `final_dir` when the block succeeds and
    is removed when it fails, so the output appears whole or not at all."""
    tmp = staging_dir(final_dir)
    try:
        yield tmp
        publish_dir(tmp, Path(final_dir))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()


@contextmanager
def all_or_none(*paths: str | Path | None) -> Iterator[None]:
    """A stage's outputs appear together or not at all: when the block fails, the listed outputs (and their
    manifests) are removed, so a half-written set is never mistaken for a finished one."""
    try:
        yield
    except BaseException:
        for path in (Path(p) for p in paths if p is not None):
            is_file = not path.is_dir()
            _remove(path)
            if is_file:
                _remove(manifest_path(path))
        raise
