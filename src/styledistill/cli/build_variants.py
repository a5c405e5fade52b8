"""Stage build_variants: the training-set variants (ST, ST-HC, ST-HC-W, ST-NT, SBS, ablations), aligned to the same
problems, each published with a dataset card.

`make` builds one variant from its input (the ST set, or another variant's examples), generating or rewriting
traces with the generator model where the kind needs one; `align` picks the problems every variant built; `select`
writes one variant's train.parquet for them; `publish` writes its dataset directory and card; `compare` puts every
variant's style next to ST's.
"""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("build_variants", __doc__, {"make": "variants.make_variant", "align": "variants.align_variants",
                                             "select": "variants.select_variant",
                                             "publish": "variants.publish_variant",
                                             "compare": "variants.compare_variants"})

if __name__ == "__main__":
    raise SystemExit(run(main))
