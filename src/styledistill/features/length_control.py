"""Effects that survive a length control: incorrect traces are longer and longer traces carry more pivots, so a raw
correct-vs-incorrect difference may be length in disguise. Per feature, a logistic regression (statsmodels) of
correctness on the feature and log(1 + reasoning tokens), both standardised: the feature's odds ratio per standard
deviation at a fixed length, its 95% interval and Wald p, and Benjamini-Hochberg q across the features. Hard problems
give longer outputs, more pivots and more errors, so where problems have several samples the fit has problem fixed
effects (a conditional logit: only the association within a problem counts, and difficulty cannot fake it); with too
few problems that have both outcomes, a plain logit with standard errors clustered by problem; with one sample per
problem, a plain logit. The `fit` column says which. An effect *survives* when the raw test (Mann-Whitney / Fisher)
and the length-controlled one are both significant (q < ALPHA) in the same direction. Also: the share of traces with
at least min_types pivot types by length decile, for correct and incorrect traces.

Degenerate cases never raise: a constant feature, too few traces of one outcome, or a fit that does not converge
(perfect separation) give NaN with a note.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

ALPHA = 0.05
LENGTH = "reasoning_tokens"  # the length the effects are controlled for (its log)
MIN_PER_OUTCOME = 5
MIN_INFORMATIVE = 5  # problems with a correct and an incorrect sample that a fixed-effects fit needs
COLUMNS = ("odds_ratio_adj", "or_ci_low", "or_ci_high", "p_adj", "q_adj", "survives_length_control", "fit",
           "note_adj")


def _standardised(values: np.ndarray) -> np.ndarray | None:
    sd = values.std()
    return None if not np.isfinite(sd) or sd == 0 else (values - values.mean()) / sd


def _fit(y: np.ndarray, x: np.ndarray, length: np.ndarray, problems: pd.Series | None) -> tuple[Any, int, str]:
    """The fitted model, the index of the feature's coefficient, and what was fitted."""
    import statsmodels.api as sm
    from statsmodels.discrete.conditional_models import ConditionalLogit

    exog = np.column_stack([x, length])
    if problems is None or problems.value_counts().max() < 2:
        return sm.Logit(y, sm.add_constant(exog)).fit(disp=0, maxiter=200), 1, "logit"
    groups = problems.astype("category").cat.codes.to_numpy()
    outcomes = pd.Series(y).groupby(groups).agg(["min", "max"])
    informative = int((outcomes["min"] != outcomes["max"]).sum())
    if informative >= MIN_INFORMATIVE:
        fit = ConditionalLogit(y, exog, groups=groups).fit(disp=0, maxiter=200)
        return fit, 0, f"problem fixed effects (conditional logit, {informative} problems with both outcomes)"
    fit = sm.Logit(y, sm.add_constant(exog)).fit(disp=0, maxiter=200, cov_type="cluster",
                                                 cov_kwds={"groups": groups})
    return fit, 1, f"logit, SE clustered by problem (fixed effects need {MIN_INFORMATIVE} problems with both outcomes)"


def adjusted(features: pd.DataFrame, feature: str) -> dict[str, Any]:
    """Odds ratio per SD of `feature` at a fixed log length, its 95% CI and p (within problems where they have
    several samples); NaN with a note when it cannot be fit."""
    out = {"odds_ratio_adj": np.nan, "or_ci_low": np.nan, "or_ci_high": np.nan, "p_adj": np.nan, "fit": "",
           "note_adj": ""}
    if feature == LENGTH:
        out["note_adj"] = "the length control itself"
        return out
    graded = features[features["correct"].notna()]
    frame = pd.DataFrame({"y": graded["correct"].astype(float),
                          "x": pd.to_numeric(graded[feature].astype("float64"), errors="coerce"),
                          "length": np.log1p(pd.to_numeric(graded[LENGTH], errors="coerce").astype(float)),
                          "problem": graded["problem_id"] if "problem_id" in graded else None}).dropna(
                              subset=["y", "x", "length"])
    counts = frame["y"].value_counts()
    if min(counts.get(0.0, 0), counts.get(1.0, 0)) < MIN_PER_OUTCOME:
        out["note_adj"] = f"fewer than {MIN_PER_OUTCOME} correct or incorrect traces"
        return out
    x, length = _standardised(frame["x"].to_numpy()), _standardised(frame["length"].to_numpy())
    if x is None or length is None:
        out["note_adj"] = "constant values: nothing to fit"
        return out
    problems = frame["problem"] if "problem_id" in graded else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit, index, out["fit"] = _fit(frame["y"].to_numpy(), x, length, problems)
        if not (getattr(fit, "mle_retvals", None) or {}).get("converged", True):
            raise ValueError("did not converge")
        low, high = np.asarray(fit.conf_int())[index]
        out.update(odds_ratio_adj=float(np.exp(fit.params[index])), or_ci_low=float(np.exp(low)),
                   or_ci_high=float(np.exp(high)), p_adj=float(fit.pvalues[index]))
    except (ValueError, np.linalg.LinAlgError) as exc:
        out["note_adj"] = f"logistic fit failed ({exc})"
    if not np.isfinite(out["p_adj"]):
        out["p_adj"] = np.nan
    return out


def control(features: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    """The statistics table (features.stats.compare) with the length-controlled columns added."""
    from scipy.stats import false_discovery_control

    rows = [adjusted(features, name) for name in stats["feature"]]
    table = pd.concat([stats.reset_index(drop=True), pd.DataFrame(rows)], axis=1)
    table["q_adj"] = np.nan
    tested = table["p_adj"].notna()
    if tested.any():
        table.loc[tested, "q_adj"] = false_discovery_control(table.loc[tested, "p_adj"].to_numpy(), method="bh")
    same_direction = np.sign(table["cliffs_delta"]) == np.sign(np.log(table["odds_ratio_adj"]))
    table["survives_length_control"] = (table["q"] < ALPHA) & (table["q_adj"] < ALPHA) & same_direction
    return table[[*stats.columns, *COLUMNS]]


def coverage_by_length(features: pd.DataFrame, bins: int = 10) -> pd.DataFrame:
    """Per length decile (of reasoning tokens, over all graded traces): traces and the share with at least
    min_types pivot types, for correct and incorrect traces."""
    graded = features[features["correct"].notna()].copy()
    if graded.empty:
        return pd.DataFrame(columns=["decile", "tokens_from", "tokens_to", "n_correct", "share_correct",
                                     "n_incorrect", "share_incorrect"])
    length = pd.to_numeric(graded[LENGTH], errors="coerce")
    graded["decile"] = pd.qcut(length.rank(method="first"), min(bins, len(graded)), labels=False) + 1
    rows = []
    for decile, part in graded.groupby("decile"):
        row = {"decile": int(decile), "tokens_from": int(pd.to_numeric(part[LENGTH]).min()),
               "tokens_to": int(pd.to_numeric(part[LENGTH]).max())}
        for outcome, flag in (("correct", True), ("incorrect", False)):
            sub = part[part["correct"] == flag]
            row[f"n_{outcome}"] = len(sub)
            row[f"share_{outcome}"] = float(sub["has_min_types"].astype(bool).mean()) if len(sub) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
