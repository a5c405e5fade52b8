"""Every overlay in experiments/ is a valid config once merged onto config.yaml, as Snakemake merges it."""

from __future__ import annotations

import copy

import pytest
import yaml
from snakemake.utils import update_config

from styledistill.config.study import load
from tests.conftest import REPO


@pytest.mark.parametrize("overlay", sorted((REPO / "experiments").glob("*.yaml")), ids=lambda p: p.name)
def test_overlay_is_valid(overlay, monkeypatch):
    monkeypatch.chdir(REPO)
    config = copy.deepcopy(yaml.safe_load((REPO / "config.yaml").read_text()))
    update_config(config, yaml.safe_load(overlay.read_text()))
    load(config)
