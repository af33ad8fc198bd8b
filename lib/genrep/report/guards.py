"""Small pure decisions behind chapter checks that used to be unable to fail, or to lean one way (issue 13, item 5).

Each function returns the outcome of one check (``True`` / ``False`` / ``None`` = not comparable or not
testable) and, where the reason matters to a reader, a note that says why. They take plain numbers, so a
unit test can show each outcome.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from .tables import within

# --- dcgan_vae_cats -------------------------------------------------------------------------------------


def clip_bug_raises_fd(fd_clip: float, fd_denorm: float, min_rel: float = 0.05) -> bool:
    """Does the authors' clip-saving bug raise the distance by at least ``min_rel`` (relative to the correct
    de-normalisation)? A test of the bug's effect on the metric, not of a claim of the paper: clipping blacks out
    every pixel below mid-grey, so any generator with dark pixels shows it; it fails when the generator's outputs
    are (almost) all above mid-grey or the extractor is blind to the distortion."""
    return bool(fd_clip >= (1 + min_rel) * fd_denorm)


def normaliser_bias(images_used: int, files: int) -> float:
    """Relative bias of the authors' 'Average Loss' normaliser (summed loss over the images actually used,
    divided by all files) against the per-image mean: ``images_used / files − 1`` (−0.94 % for 87 of 9,303)."""
    return images_used / files - 1


def loss_within_if_comparable(
    paper: float, ours: float | None, rel: float, *, same_data: bool, bias: float = 0.0, data_note: str = ""
) -> tuple[bool | None, str]:
    """A 'loss within ±rel of the paper' check that is decided only when the two numbers measure the same thing:
    the same data (then the same normaliser's bias cancels) and a normaliser bias smaller than the tolerance.
    Returns (ok, note); ok is None when not comparable."""
    if ours is None:
        return None, "not run"
    if not same_data:
        shift = (
            f"; the authors' normaliser alone shifts our value by {100 * bias:+.2f} % against a "
            f"±{100 * rel:g} % tolerance"
            if bias
            else ""
        )
        return None, f"not comparable: other data than the paper's{f' ({data_note})' if data_note else ''}{shift}"
    if abs(bias) >= rel:
        return None, (
            f"not comparable: the normaliser's bias {100 * bias:+.2f} % is not below the ±{100 * rel:g} % tolerance"
        )
    return within(paper, ours, rel=rel), ""


# --- rectified_flow_cars ----------------------------------------------------------------------------------


def collapses_more(
    base_units: float | None, arm_units: Mapping[str, float], min_drop_frac: float = 0.1, min_drop: float = 1.0
) -> bool | None:
    """A9: does every ablation arm keep noticeably fewer active units than the baseline? Each arm must drop by at
    least ``max(min_drop, min_drop_frac × base)`` units; equal counts (nothing collapses) fail. None when the
    baseline or every ablation arm is missing."""
    if base_units is None or not arm_units:
        return None
    need = max(min_drop, min_drop_frac * base_units)
    return bool(all(base_units - a >= need for a in arm_units.values()))


def fd_floor_comparable(n_methods: Iterable[int], n_floor: int) -> tuple[bool, str]:
    """Can a real-vs-real FD 'floor' be set beside the methods' FDs? FD's bias is O(1/N), so only at equal N.
    Returns (comparable, note)."""
    ns = sorted({int(n) for n in n_methods})
    if ns == [int(n_floor)]:
        return True, f"floor and methods at N = {n_floor}"
    return False, (
        f"not comparable: floor at N = {n_floor}, methods at N = {', '.join(map(str, ns))} (FD's bias is O(1/N))"
    )


# --- controlling_generative_models ------------------------------------------------------------------------


def spectrum_vae_low_avae_near_one(hf_vae: float, hf_avae: float, vae_max: float = 0.5, avae_tol: float = 0.25) -> bool:
    """'VAE ≪ 1, AVAE ≈ 1' for the high-frequency power ratio of reconstructions to originals: both conditions,
    with declared thresholds (VAE ≤ ``vae_max``; |AVAE − 1| ≤ ``avae_tol``)."""
    return bool(hf_vae <= vae_max and abs(hf_avae - 1) <= avae_tol)


def toy_on_data(scores: Mapping[str, float]) -> tuple[bool | None, str]:
    """Toy of Fig. 3.7: are the AVAE's reconstructions in denser data regions than the VAE's? Decided only when
    both were reconstructed from the same latent (``scores['recon_latent']``, written by 01_data_and_toy);
    results produced before both used it (VAE from μ, AVAE from a sampled z) are not comparable."""
    latent = scores.get("recon_latent")
    if latent is None:
        return None, (
            "not comparable: these results reconstruct the VAE from μ but the AVAE from a sampled z "
            "(produced before the fix; rerun 01_data_and_toy)"
        )
    ok = scores["avae_recon_log_density"] > scores["vae_recon_log_density"]
    return bool(ok), f"both reconstructed from {latent}"


# --- diffusion_augmented_flows ----------------------------------------------------------------------------


def still_falling(curve: Sequence[float], noise: float = 0.0) -> bool | None:
    """Is a training curve (means over equal parts of the run, in order) still falling at the end: is its last
    part below the one before by more than ``2 × noise``? None with fewer than two finite parts."""
    pts = [float(v) for v in curve if v is not None and math.isfinite(float(v))]
    if len(pts) < 2:
        return None
    return pts[-1] < pts[-2] - 2 * noise


def within_unless_falling(
    target: float, tol: float, ours: float, curve: Sequence[float], noise: float = 0.0
) -> tuple[str, str]:
    """The decision on "the converged value of a loss is ``target`` ± ``tol``" from a run that may have stopped
    early. Within the band: replicated. Below it: not replicated (training only lowers it further). Above it:
    inconclusive while ``curve`` is still falling (the converged value lies below ours, by an unknown amount),
    not replicated once it has stopped falling. Returns (decision, note)."""
    lo, hi = target - tol, target + tol
    if lo <= ours <= hi:
        return "replicated", f"{ours:.4g} lies in [{lo:.4g}, {hi:.4g}]"
    if ours < lo:
        return "not replicated", f"{ours:.4g} is already below {lo:.4g}; more training would lower it further"
    falling = still_falling(curve, noise)
    if falling:
        return "inconclusive", (
            f"{ours:.4g} is above {hi:.4g} but the training curve is still falling "
            f"({curve[-2]:.4g} → {curve[-1]:.4g} over the last two tenths of the run): "
            "the converged value lies lower, by an amount this run cannot tell"
        )
    why = "has stopped falling" if falling is False else "has no curve to show it is still falling"
    return "not replicated", f"{ours:.4g} is above {hi:.4g} and the training curve {why}"


def held_out_still_falling(
    bounds: Mapping, last_epoch: int | None = None, window: int = 50, noise: float | None = None
) -> tuple[bool | None, str]:
    """'The loss is still falling at the end', on the held-out bound (bits/dim; bounded below, unlike the
    thesis_fixed objective). Uses the bounds recorded in the last ``window`` epochs: falling when the last is
    below the first by more than ``2 × noise`` (the bound's standard error, 0 if unknown), not falling when it
    is not below the first. None (not testable) with fewer than two bounds in the window."""
    pts = sorted((int(e), float(v)) for e, v in bounds.items() if v is not None and math.isfinite(float(v)))
    if not pts:
        return None, "not testable: no held-out bound recorded per epoch"
    end = last_epoch if last_epoch is not None else pts[-1][0]
    pts = [(e, v) for e, v in pts if e >= end - window]
    if len(pts) < 2:
        return None, f"not testable: {len(pts)} held-out bound(s) in the last {window} epochs"
    (e0, v0), (e1, v1) = pts[0], pts[-1]
    margin = 2 * (noise or 0.0)
    note = f"held-out bound {v0:.4g} @ epoch {e0} → {v1:.4g} @ epoch {e1} (margin {margin:.3g} bits/dim)"
    if v1 < v0 - margin:
        return True, note
    if v1 >= v0:
        return False, note
    return None, note + ": the drop is within the bound's noise"


# --- cyclegan_monet ---------------------------------------------------------------------------------------


def judge_metric(distances: Iterable[float], eps: float = 0.1) -> str:
    """The metric that judges a comparison: MiFID unless the memorisation penalty fires (cosine distance d < eps)
    for one of the compared arms, which makes MiFID a ratio FD/d; then FD."""
    return "fd" if any(d < eps for d in distances) else "mifid"


def lower_on_own_metric(
    a: Sequence[Mapping[str, float]], b: Sequence[Mapping[str, float]], eps: float = 0.1
) -> tuple[bool | None, float | None, float | None, str | None]:
    """Is arm ``a`` lower than arm ``b``? ``a`` and ``b`` are the per-seed score dicts (mifid, fd, distance) of
    the two arms; the judging metric is chosen from these two arms only (:func:`judge_metric`). Returns
    (ok, mean a, mean b, metric); (None, None, None, None) when either arm did not run."""
    if not a or not b:
        return None, None, None, None
    judge = judge_metric([s["distance"] for s in (*a, *b)], eps)
    va = sum(s[judge] for s in a) / len(a)
    vb = sum(s[judge] for s in b) / len(b)
    return bool(va < vb), float(va), float(vb), judge
