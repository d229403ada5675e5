"""Cramps per night in one group of nights against another: a rate ratio with a 95% interval.

The model: cramps on a night ~ Poisson(rate), log(rate) = a + b * group, so exp(b) is the
rate ratio. With one yes/no factor it is exactly the ratio of the two groups' mean
cramps per night. When the counts vary more from night to night than a Poisson model
allows (Pearson dispersion above `OVERDISPERSED_ABOVE`), the interval comes from a
negative binomial model (NB2, its alpha by maximum likelihood): same ratio, a wider and
more honest interval. Should that fit fail, the Poisson interval is widened by the
dispersion (quasi-Poisson). Fitted with statsmodels, imported on first use.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np

MIN_NIGHTS = 14  # nights in each group before a ratio is given
MIN_CRAMPS = 10  # cramps in both groups together before a ratio is given
OVERDISPERSED_ABOVE = 1.2  # Pearson chi-squared / residual df of the Poisson fit
GLM_TOL = 1e-12  # one more IRLS step than the default: the ratio of means to rounding

Model = Literal["poisson", "negative binomial", "quasi-poisson"]
Verdict = Literal["fewer", "more", "no clear difference"]


@dataclass(frozen=True)
class RateRatio:
    """Group 1 ("routine") against group 0 ("other"); numbers are None when not computed."""

    routine_nights: int
    other_nights: int
    routine_cramps: int
    other_cramps: int
    routine_rate: float | None  # cramps per night; None when the group has no nights
    other_rate: float | None
    ratio: float | None  # routine_rate / other_rate
    low: float | None  # 95% interval
    high: float | None
    verdict: Verdict | None  # "no clear difference" when the interval includes 1
    model: Model | None
    model_reason: str | None  # why that model, in plain words
    dispersion: float | None  # Pearson chi-squared / residual df of the Poisson fit
    reason: str | None  # why there is no ratio; None when there is one


def _rate(cramps: int, nights: int) -> float | None:
    return cramps / nights if nights else None


def _verdict(low: float, high: float) -> Verdict:
    if high < 1:
        return "fewer"
    if low > 1:
        return "more"
    return "no clear difference"


def _why_not(
    nights: tuple[int, int],
    cramps: tuple[int, int],
    labels: tuple[str, str],
    min_nights: int,
    min_cramps: int,
) -> str | None:
    """Why the data cannot give a ratio yet, or None when they can."""
    (n1, n0), (c1, c0), (label1, label0) = nights, cramps, labels
    if n1 < min_nights or n0 < min_nights:
        return (
            f"Too few nights to compare: {n1} {label1} and {n0} {label0}; "
            f"at least {min_nights} of each are needed."
        )
    if c1 + c0 < min_cramps:
        return (
            f"Too few cramps to compare: {c1 + c0} logged over these nights; "
            f"at least {min_cramps} are needed."
        )
    if c1 == 0 or c0 == 0:
        empty = label1 if c1 == 0 else label0
        return (
            f"No cramps were logged on the nights {empty}, so a ratio and its interval "
            "cannot be estimated; the cramps per night above are the facts."
        )
    return None


def _poisson_design(counts: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = counts.astype(float)
    x = np.column_stack([np.ones_like(y), group.astype(float)])
    return y, x


def _fit(counts: np.ndarray, group: np.ndarray) -> tuple[Model, str, float, float, float, float]:
    """(model, why, dispersion, log ratio, low, high) on the log scale, from statsmodels."""
    from statsmodels.discrete.discrete_model import NegativeBinomial
    from statsmodels.genmod.families import Poisson
    from statsmodels.genmod.generalized_linear_model import GLM

    y, x = _poisson_design(counts, group)
    poisson = GLM(y, x, family=Poisson()).fit(tol=GLM_TOL)
    dispersion = float(poisson.pearson_chi2 / poisson.df_resid)
    if dispersion <= OVERDISPERSED_ABOVE:
        why = (
            f"A Poisson model: the counts vary from night to night about as it expects "
            f"(dispersion {dispersion:.2f}, at most {OVERDISPERSED_ABOVE})."
        )
        low, high = poisson.conf_int(alpha=0.05)[1]
        return "poisson", why, dispersion, float(poisson.params[1]), float(low), float(high)
    alpha0 = max(dispersion - 1.0, 0.01) / max(float(y.mean()), 1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # checked below: converged, finite, alpha > 0
        nb = NegativeBinomial(y, x, loglike_method="nb2").fit(
            start_params=np.append(poisson.params, alpha0), method="bfgs", maxiter=200, disp=0
        )
    bounds = nb.conf_int(alpha=0.05)[1]
    usable = (
        bool(nb.mle_retvals.get("converged", False))
        and np.all(np.isfinite(nb.bse))
        and np.all(np.isfinite(bounds))
        and nb.params[-1] > 0
    )
    if usable:
        why = (
            f"A negative binomial model: the counts vary from night to night more than a "
            f"Poisson model allows (dispersion {dispersion:.2f}, above {OVERDISPERSED_ABOVE}; "
            f"alpha {nb.params[-1]:.2f})."
        )
        low, high = bounds
        return "negative binomial", why, dispersion, float(nb.params[1]), float(low), float(high)
    quasi = GLM(y, x, family=Poisson()).fit(tol=GLM_TOL, scale="X2")
    why = (
        f"A quasi-Poisson model: the counts vary more than a Poisson model allows "
        f"(dispersion {dispersion:.2f}) and the negative binomial fit did not converge, "
        "so the Poisson interval is widened by the dispersion."
    )
    low, high = quasi.conf_int(alpha=0.05)[1]
    return "quasi-poisson", why, dispersion, float(quasi.params[1]), float(low), float(high)


def compare_rates(
    counts: np.ndarray,
    in_group: np.ndarray,
    *,
    labels: tuple[str, str] = ("with the routine", "without it"),
    min_nights: int = MIN_NIGHTS,
    min_cramps: int = MIN_CRAMPS,
) -> RateRatio:
    """Rate ratio of cramps per night, nights `in_group` against the others.

    `counts` holds cramps per night (one entry per night, zeros included); `labels`
    names the two groups in the reason text ("9 with the routine and 40 without it").
    """
    counts = np.asarray(counts)
    in_group = np.asarray(in_group, dtype=bool)
    if counts.ndim != 1 or counts.shape != in_group.shape:
        raise ValueError("counts and in_group must be 1-D arrays of the same length")
    if counts.size and (counts.min() < 0 or not np.all(np.equal(np.mod(counts, 1), 0))):
        raise ValueError("counts must be whole numbers, 0 or more")
    n1, n0 = int(in_group.sum()), int((~in_group).sum())
    c1, c0 = int(counts[in_group].sum()), int(counts[~in_group].sum())
    facts = {
        "routine_nights": n1,
        "other_nights": n0,
        "routine_cramps": c1,
        "other_cramps": c0,
        "routine_rate": _rate(c1, n1),
        "other_rate": _rate(c0, n0),
    }
    reason = _why_not((n1, n0), (c1, c0), labels, min_nights, min_cramps)
    if reason is None:
        model, why, dispersion, log_ratio, log_low, log_high = _fit(counts, in_group)
        values = (math.exp(log_ratio), math.exp(log_low), math.exp(log_high))
        if all(math.isfinite(v) for v in values):
            ratio, low, high = values
            return RateRatio(
                **facts,
                ratio=ratio,
                low=low,
                high=high,
                verdict=_verdict(low, high),
                model=model,
                model_reason=why,
                dispersion=dispersion,
                reason=None,
            )
        reason = "The model did not give a finite answer for these nights."
    return RateRatio(
        **facts,
        ratio=None,
        low=None,
        high=None,
        verdict=None,
        model=None,
        model_reason=None,
        dispersion=None,
        reason=reason,
    )
