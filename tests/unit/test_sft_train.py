"""Checkpoint bookkeeping of the SFT run: which checkpoint a rerun resumes from, and when it starts afresh."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("transformers")

from styledistill.sft.train import last_checkpoint, prepare_work_dir  # noqa: E402


def _checkpoint(root: Path, step: int, complete: bool = True) -> Path:
    path = root / "checkpoints" / f"checkpoint-{step}"
    path.mkdir(parents=True)
    (path / "trainer_state.json").write_text(json.dumps({"global_step": step}) if complete else '{"glo')
    return path


def test_last_complete_checkpoint_wins_and_cut_ones_are_removed(tmp_path: Path) -> None:
    for step in (2, 10):
        _checkpoint(tmp_path, step)
    cut = _checkpoint(tmp_path, 12, complete=False)
    (tmp_path / "checkpoints" / "checkpoint-x").mkdir()
    assert last_checkpoint(tmp_path / "checkpoints") == tmp_path / "checkpoints" / "checkpoint-10"  # 10 > 2 numerically
    assert not cut.exists()
    assert last_checkpoint(tmp_path / "absent") is None


def test_work_dir_keeps_checkpoints_of_the_same_run_only(tmp_path: Path) -> None:
    assert prepare_work_dir(tmp_path, "aaaa", is_main=True) is None
    _checkpoint(tmp_path, 3)
    assert prepare_work_dir(tmp_path, "aaaa", is_main=True) == tmp_path / "checkpoints" / "checkpoint-3"
    assert prepare_work_dir(tmp_path, "bbbb", is_main=True) is None
    assert not (tmp_path / "checkpoints").exists()
    assert json.loads((tmp_path / "run.json").read_text()) == {"fingerprint": "bbbb"}


def test_checkpoints_without_a_fingerprint_are_not_trusted(tmp_path: Path) -> None:
    _checkpoint(tmp_path, 3)
    assert prepare_work_dir(tmp_path, "aaaa", is_main=True) is None


def test_a_checkpoint_missing_a_ranks_rng_state_is_incomplete(tmp_path: Path) -> None:
    """Rank 0 writes the trainer state without waiting for the other ranks: a kill can fall in between."""
    whole = _checkpoint(tmp_path, 2)
    cut = _checkpoint(tmp_path, 4)
    for rank in (0, 1):
        (whole / f"rng_state_{rank}.pth").write_bytes(b"x")
    (cut / "rng_state_0.pth").write_bytes(b"x")
    assert last_checkpoint(tmp_path / "checkpoints", world_size=2) == whole
    assert not cut.exists()
