"""Problems through `datasets.load_dataset`: a hub id, a local dataset directory, or a packaged loader with files.

    {"source": "hf", "path": "HuggingFaceH4/MATH-500", "hf_split": "test", "split": "test",
     "fields": {"id": "unique_id", "question": "problem", "answer": "answer", "level": "level"}}
    {"source": "hf", "path": "json", "data_files": "data/aime24.jsonl", "hf_split": "train", "split": "test",
     "fields": {"id": "id", "question": "problem", "answer": "answer"}}

`name` (a configuration), `data_files`, `revision` and `hf_split` (default: the same as `split`) are passed to
`load_dataset`; the field mapping, `answer_pattern` and `limit` work as for JSONL files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from styledistill.errors import UserError
from styledistill.problems.files import from_rows
from styledistill.problems.settings import HubSource


def source_label(path: str, name: str | None, hf_split: str, data_files: Any) -> str:
    label = f"hf:{path}" + (f"/{name}" if name else "")
    if isinstance(data_files, str):
        label += f":{data_files}"
    return f"{label}[{hf_split}]"


def load_split(path: str, name: str | None, hf_split: str, revision: str | None, data_files: Any,
               cache_dir: str | None) -> Any:
    """`datasets.load_dataset(path, name, split=hf_split, ...)`; any failure is one line naming the call."""
    import datasets

    kwargs: dict[str, Any] = {"split": hf_split}
    if data_files is not None:
        kwargs["data_files"] = data_files
    if revision is not None:
        kwargs["revision"] = revision
    if cache_dir is not None:
        kwargs["cache_dir"] = cache_dir
    try:
        return datasets.load_dataset(path, name, **kwargs)
    except Exception as exc:  # noqa: BLE001 -- any loader failure is the user's dataset or path: one line
        first = (str(exc).strip().splitlines() or [""])[0]
        raise UserError(f"--spec: datasets.load_dataset({path!r}, {name!r}, split={hf_split!r}) failed: "
                        f"{type(exc).__name__}: {first}") from None


def load(spec: HubSource, cache_dir: str | None = None) -> list[dict[str, Any]]:
    path, name, revision, data_files = spec.path, spec.name, spec.revision, spec.data_files
    hf_split = spec.hf_split or spec.split
    dataset = load_split(path, name, hf_split, revision, data_files, cache_dir)
    label = source_label(path, name, hf_split, data_files)

    def rows() -> Iterator[tuple[str, Any]]:
        for index, row in enumerate(dataset):
            yield f"{label} row {index}", row

    problems = from_rows(rows(), spec, label)
    if not problems:
        raise UserError(f"{label}: no problems (the dataset split is empty)")
    return problems
