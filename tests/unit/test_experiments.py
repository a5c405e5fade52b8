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


@pytest.mark.parametrize("overlay", ["paper.yaml", "api_generator.yaml", "pilot.yaml"])
def test_a_capable_generator_gets_the_style_check_back(overlay, monkeypatch):
    """config.yaml turns ST-HC's style check off for its 135M generator; an overlay with a real one restores it."""
    monkeypatch.chdir(REPO)
    config = copy.deepcopy(yaml.safe_load((REPO / "config.yaml").read_text()))
    assert config["variants"]["ST-HC"]["style_check"] is None
    update_config(config, yaml.safe_load((REPO / "experiments" / overlay).read_text()))
    check = load(config).variants["ST-HC"].style_check
    assert check is not None and check.aggregate == "groups" and check.threshold == 1.5
