"""The summary of *diffusion_augmented_flows* (Sajekar 2023, M.S. thesis): Tables 5.1–5.4, Figs. 4.2 and 5.1–5.6
beside the thesis's numbers, and the headline checks, built from the arms' metrics with :class:`Summary`.

    s, r = load(results_dir, tier)           # the Summary and every arm's metrics (None where an arm did not run)
    s.show(table_5_1(s, r)); s.show(table_5_2(s, r)); s.show(table_5_x(s, r, "mnist"))
    sample_figures(s, r); fig_5_2(s, r); latents(s)
    structure_check(s, r); loss_checks(s, r); fid_order_checks(s, r); speed_checks(s, r)
    likelihood_checks(s, r); diagnostic_checks(s, r); s.finish()
    # each claim's decision is a function of plain numbers (loss_claim, fid_order, speed_control, nsf_fast,
    # bound_below, still_falling_trend, cifar_worst, latent_gap, grey_majority): tests/both_ways calls them
    closing(s, r)                            # the headline line, bits per content pixel, metrics.json
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass

import numpy as np

from ..coverage import absent_sentence, lower_tier
from ..figures import show_grid
from ..summary import Summary
from ..tables import ReplicationTable, within
from ..verdicts import Comparison, decide, family, superiority, superiority_bootstrap, tolerance, trend

SRC = "Sajekar 2023 (M.S. thesis, UGA)"
DATASETS = ("mnist", "cifar10", "celeba")
# model key -> (row label in Tables 5.3-5.4, label in Figs. 5.5-5.6, arm notebook, datasets it ran on)
MODELS = {
    "ddpm": ("DDPM", "DDPM", "03_ddpm_baseline", ("mnist", "celeba")),
    "nsf": ("NSF", "NSF", "02_nsf_baseline", ("mnist", "celeba")),
    "df": ("Diffused-Flows", "DiffusedFlows", "04_diffused_flows", DATASETS),
}
DF_NLL_TOL = 0.1  # bits/dim: the band around the thesis's Diffused-Flows "NLL" in the tables (no declared claim)


@dataclass
class Runs:
    """The arms' metrics: ``m[model][dataset]`` (None where that arm did not run at this tier), the controls
    (Diffused-Flows with the vlb objective, DDPM at half T, size-matched NSF) and 01_data's metrics."""

    m: dict
    df_vlb: dict | None
    ddpm_half: dict | None
    nsf_matched: dict | None
    data: dict
    not_run: str

    def every(self, d: str, keys=("ddpm", "df", "nsf")) -> list | None:
        """The metrics of ``keys`` on dataset ``d``, or None unless all of them ran."""
        ms = [self.m[k][d] for k in keys]
        return ms if all(ms) else None


def load(results_dir, tier: str) -> tuple[Summary, Runs]:
    """The summary's :class:`Summary` (its data note: the data every arm that ran used) and :class:`Runs`."""
    s = Summary(results_dir, tier)
    m = {k: {d: s.metrics(f"{arm}-{d}", optional=True) for d in ds} for k, (_, _, arm, ds) in MODELS.items()}
    s.data_note = "; ".join(sorted({x["data"] for by_d in m.values() for x in by_d.values() if x}))
    controls = ("04_diffused_flows-mnist_vlb", "03_ddpm_baseline-mnist_T_half", "02_nsf_baseline-mnist_matched")
    vlb, half, matched = (s.metrics(arm, optional=True) for arm in controls)
    return s, Runs(m, vlb, half, matched, s.metrics("01_data"), f"not run at tier {tier}")


def loss_text(s: Summary, id: str) -> str:
    """A 'Loss' cell of Tables 5.3-5.4 as printed: '<value> (<MSE or NLL>)'."""
    n = s.paper.number(id)
    return f"{n} ({n.unit})"


def fid_of(m: dict, name: str = "inception") -> tuple[float, str]:
    """(value, metric label) of the true FID an arm computed, else its proxy distance."""
    f = (m.get("true_fid") or {}).get(name)
    if f:
        return f["value"], f"{f['metric']} (TF-Inception, {f['n_fake']} samples vs {f['n_real']} test images)"
    return m["fd"]["large"], f"{m['fd_name']} (n={m['fd']['large_n']}): proxy, not FID"


# -- tables ---------------------------------------------------------------------------------------------------
T51_ROWS = {
    "Epochs": "epochs",
    "Batch Size": "batch_size",
    "Image Size": "image_size",
    "Levels": "levels",
    "Steps per levels": "steps_per_level",
    "Hidden Channels": "hidden_channels",
    "Resnet blocks": "resnet_blocks",
    "Timesteps": "timesteps",
}  # row of Table 5.1 -> its key (paper.yaml: t51_<key>_<dataset>; Diffused-Flows' config: <key>)


def _config_cell(c: dict, key: str) -> str:
    if key == "resnet_blocks":
        return f"{c['nflow_res_blocks']}(nflow); {c['unet_res_blocks']}(dpm)"
    return str(tuple(c[key])) if key == "image_size" else str(c[key])


def table_5_1(s: Summary, r: Runs) -> ReplicationTable:
    """Table 5.1: the thesis's training configuration of Diffused-Flows per dataset beside our arm's config."""
    t = s.table("5_1", "Training Configurations", f"{SRC}, Table 5.1")
    for row, key in T51_ROWS.items():
        for d in DATASETS:
            p, m = s.P(f"t51_{key}_{d}"), r.m["df"][d]
            if m is None:
                t.add(row, d.upper(), p, None, None, note=r.not_run)
            else:
                ours = _config_cell(m["config"], key)
                t.add(row, d.upper(), p, ours, ours == p)
    return t


def _not_run(t: ReplicationTable, row: str, cells: dict, r: Runs) -> None:
    for col, p in cells.items():
        t.add(row, col, p, None, None, note=r.not_run)


def _fid_cells(t: ReplicationTable, row: str, paper_fid: str, m: dict) -> None:
    """FID (true FID, else the proxy), FID-192 and the proxy distance where true FID exists."""
    v, lab = fid_of(m)
    t.add(row, "FID", paper_fid, v, None, note=lab + "; the thesis's FID is a different instrument")
    if (m.get("true_fid") or {}).get("inception192"):
        v192, lab192 = fid_of(m, "inception192")
        t.add(row, "FID-192 (ours only)", "—", v192, None, note=lab192)
    if m.get("true_fid"):
        t.add(row, m["fd_name"] + " (ours only)", "—", m["fd"]["large"], None, note=f"proxy, n={m['fd']['large_n']}")


def _fd25(t: ReplicationTable, row: str, m: dict, note: str) -> None:
    fd = m["fd"]
    t.add(row, "FD, 25 vs 25 (ours only)", "—", f"{fd['small_mean']:.3g} ± {fd['small_sd']:.2g}", None, note=note)


def table_5_2(s: Summary, r: Runs) -> ReplicationTable:
    """Table 5.2: Diffused-Flows' NLL (its objective, beside the real bound) and FID on each dataset."""
    t = s.table("5_2", "Evaluation on Datasets (Diffused-Flows)", f"{SRC}, Table 5.2")
    for d in DATASETS:
        row, nll, fid, m = d.upper(), s.P(f"df_nll_{d}"), s.P(f"df_fid_{d}"), r.m["df"][d]
        if m is None:
            _not_run(t, row, {"NLL": nll, "FID": fid}, r)
            continue
        note = "nll_thesis: the training objective in bits/dim, not a likelihood"
        t.add(row, "NLL", nll, m["nll_thesis"], within(float(nll), m["nll_thesis"], abs_=DF_NLL_TOL), note=note)
        t.add(row, "nll_bpd_bound (ours only)", "—", m["nll_bpd_bound"], None, note="a real upper bound, bits/dim")
        _fid_cells(t, row, fid, m)
        _fd25(t, row, m, f"{m['fd_name']}, mean ± sd over seeds")
    return t


# model -> (paper number of its Loss, our metric, claim whose tolerance bands it (None: DF_NLL_TOL), note)
T5X_LOSS = {
    "ddpm": ("ddpm_loss", "final_train_mse", "ddpm_mse", "final training ε-MSE per dim on [−1, 1] pixels"),
    "nsf": ("nsf_loss", "test_bpd", "nsf_nll", "test bits/dim (a real NLL)"),
    "df": ("df_nll", "nll_thesis", None, "nll_thesis (the objective, bits/dim): not a likelihood"),
}


def table_5_x(s: Summary, r: Runs, d: str) -> ReplicationTable:
    """Table 5.4 (``d='mnist'``) or 5.3 (``'celeba'``): DDPM, NSF and Diffused-Flows by loss, FID and sampling
    time, with our diagnostics (real bound, FID-192, proxy, latent std, sec/step) as 'ours only' rows."""
    name, src = ("5_4", "Table 5.4") if d == "mnist" else ("5_3", "Table 5.3")
    t = s.table(name, f"Model Comparison on {d.upper()}", f"{SRC}, {src}")
    for k, (number, key, cid, note) in T5X_LOSS.items():
        row, m = MODELS[k][0], r.m[k][d]
        loss, fid, secs = loss_text(s, f"{number}_{d}"), s.P(f"{k}_fid_{d}"), s.P(f"{k}_time_{d}")
        if m is None:
            _not_run(t, row, {"Loss": loss, "FID": fid, "Sampling Time (secs)": secs}, r)
            continue
        tol = s.paper.claim(f"{cid}_{d}").tolerance if cid else DF_NLL_TOL
        t.add(row, "Loss", loss, m[key], within(s.X(f"{number}_{d}"), m[key], abs_=tol), note=note)
        if k == "df":
            t.add(row, "nll_bpd_bound (ours only)", "—", m["nll_bpd_bound"], None, note="real upper bound, bits/dim")
        _fid_cells(t, row, fid, m)
        if k != "ddpm":
            std_note = "std of z0 = f(x) on test images (1 for a standard normal latent)"
            t.add(row, "latent std (ours only)", "—", m["latent_gaussianity"]["overall_std"], None, note=std_note)
        _fd25(t, row, m, m["fd_name"])
        timing_note = f"{m['n_timing']} samples, our hardware (thesis: RTX A5000): compare ratios"
        t.add(row, "Sampling Time (secs)", secs, m["timing"]["median_s"], None, note=timing_note)
        if k != "nsf":
            t.add(row, "sec/step (ours only)", "—", m["sec_per_step"], None, note=f"T = {m['timesteps']}")
    return t


# -- figures --------------------------------------------------------------------------------------------------
# A figure whose arms did not run at this tier is never drawn as an empty panel: the page shows the highest lower
# tier's figure with that tier in its title (displayed, not saved among this tier's results), or else one sentence
# from the item's declaration in chapter.yaml (what it needs).
CHAPTER = "diffusion_augmented_flows"


def _samples(s: Summary, arm: str) -> tuple[object, str] | None:
    """(25 samples, the tier they come from) of ``arm``: this tier's, else the highest lower tier's; None if none."""
    x = s.res.load_images("samples25", arm)
    if x is not None:
        return x, s.tier
    t = lower_tier(CHAPTER, s.tier, arm, "samples25.png", s.res.dir.parent.parent.parent)
    return (s.res.load_images("samples25", f"../{t}/{arm}"), t) if t else None


def _tier_label(s: Summary, t: str) -> str:
    return f"{t} tier" if t == s.tier else f"{t} tier; not run at the {s.tier} tier"


def _finish(s: Summary, fig, name: str, t: str) -> None:
    """Save the figure among this tier's results when it is this tier's, and show it."""
    import matplotlib.pyplot as plt

    if t == s.tier:
        s.res.save_figure(fig, name)
    plt.show()


def _absent(s: Summary, item_id: str) -> None:
    print(absent_sentence(CHAPTER, item_id, s.tier, s.res.dir.parent.parent.parent))


def sample_figures(s: Summary, r: Runs) -> None:
    """Figs. 5.1, 5.3, 5.4 (25 Diffused-Flows samples per dataset; 5.4 with its grey-background fraction) and
    Figs. 5.5 (CelebA), 5.6 (MNIST): the three models side by side, in the thesis's panel order."""
    import matplotlib.pyplot as plt

    for name, d, title in [
        ("fig_5_1", "mnist", "MNIST"),
        ("fig_5_3", "cifar10", "CIFAR-10"),
        ("fig_5_4", "celeba", "CelebA"),
    ]:
        fig_id = f"Fig. {name[4:].replace('_', '.')}"
        got = _samples(s, f"04_diffused_flows-{d}")
        if got is None:
            _absent(s, fig_id)
            continue
        x, t = got
        fig, ax = plt.subplots(figsize=(3.6, 3.9))
        show_grid(ax, x, nrow=5, title=f"{fig_id}: Diffused-Flows, {title}\n({_tier_label(s, t)})")
        if d == "celeba" and t == s.tier and r.m["df"][d]:
            ax.set_xlabel(f"grey-background fraction {r.m['df'][d]['grey_background_fraction']:.2f}", fontsize=8)
        _finish(s, fig, name, t)
    for name, d, order in [("fig_5_5", "celeba", ("ddpm", "nsf", "df")), ("fig_5_6", "mnist", ("df", "ddpm", "nsf"))]:
        fig_id = f"Fig. {name[4:].replace('_', '.')}"
        got = [_samples(s, f"{MODELS[k][2]}-{d}") for k in order]
        tiers = {g[1] for g in got if g is not None}
        if None in got or len(tiers) != 1:  # the three panels must come from one tier
            _absent(s, fig_id)
            continue
        (t,) = tiers
        fig, axes = plt.subplots(1, 3, figsize=(10, 3.8))
        for ax, k, (x, _) in zip(axes, order, got, strict=True):
            show_grid(ax, x, nrow=5, title=f"{MODELS[k][1]} - {d.upper()}")
        fig.suptitle(f"{fig_id}: model comparison ({_tier_label(s, t)})", fontsize=9)
        _finish(s, fig, name, t)


def fig_5_2(s: Summary, r: Runs) -> None:
    """Fig. 5.2: the CIFAR-10 training objective per epoch (bits/dim) with the held-out bound beside it (this
    tier's run, else the highest lower tier's)."""
    import matplotlib.pyplot as plt
    import pandas as pd

    arm, c, t = "04_diffused_flows-cifar10", r.m["df"]["cifar10"], s.tier
    if not c:
        t = lower_tier(CHAPTER, s.tier, arm, "metrics.json", s.res.dir.parent.parent.parent)
        if t is None:
            _absent(s, "Fig. 5.2")
            return
        c = s.metrics(f"../{t}/{arm}")
    fig, ax = plt.subplots(figsize=(6, 3.4))
    log, D = pd.DataFrame(c["epoch_log"]), math.prod(c["config"]["image_size"])
    ax.plot(log.epoch, log.loss_raw / (D * math.log(2)), "o-", ms=3, label=f"training objective ({c['objective']})")
    b = c["held_out_bounds"]
    ax.plot([int(k) for k in b], list(b.values()), "s--", ms=4, label="held-out nll_bpd_bound")
    ax.legend(fontsize=7)
    ax.set(xlabel="epoch", ylabel="bits/dim")
    ax.set_title(f"Fig. 5.2: CIFAR-10 training loss vs epochs ({_tier_label(s, t)})", fontsize=9)
    _finish(s, fig, "fig_5_2", t)


def latents(s: Summary):
    """Fig. 4.2 (latent panel): histogram and QQ-plot of NSF's and Diffused-Flows' MNIST test latents against
    N(0, 1); returns their Gaussianity statistics as a frame."""
    import matplotlib.pyplot as plt
    import pandas as pd
    from scipy.special import erfinv

    fig, ax = plt.subplots(1, 2, figsize=(10, 3.6))
    q = np.linspace(0.005, 0.995, 199)
    ref = np.sqrt(2) * erfinv(2 * q - 1)
    rows = []
    for arm, lab in [("02_nsf_baseline-mnist", "NSF"), ("04_diffused_flows-mnist", "Diffused-Flows flow")]:
        v = s.res.load_values("latent_values", arm)
        if v is not None:
            ax[0].hist(v, bins=80, range=(-5, 5), density=True, histtype="step", label=lab)
            ax[1].plot(ref, np.quantile(v, q), ".", ms=3, label=lab)
            rows.append({"latent": lab, **s.res.metrics(arm)["latent_gaussianity"]})
    xs = np.linspace(-5, 5, 200)
    ax[0].plot(xs, np.exp(-(xs**2) / 2) / np.sqrt(2 * np.pi), "k:", label="N(0, 1)")
    ax[1].plot([-3, 3], [-3, 3], "k:")
    ax[0].legend(fontsize=7)
    ax[1].set(xlabel="N(0,1) quantile", ylabel="latent quantile")
    fig.suptitle(f"Fig. 4.2 (latent panel): MNIST test latents ({s.tier} tier)", fontsize=9)
    s.res.save_figure(fig, "fig_4_2_latents")
    plt.show()
    return pd.DataFrame(rows).round(4)


# -- checks ---------------------------------------------------------------------------------------------------
# Each claim's decision is a function of plain numbers (the both-ways tests call them with synthetic metrics); the
# *_checks functions below read the arms' metrics, call them and record the checks. A premise is (value, met).
FILES = [f"table_{n}.csv" for n in ("5_1", "5_2", "5_3", "5_4")] + [
    f"{n}.png" for n in ("fig_5_1", "fig_5_2", "fig_5_3", "fig_5_4", "fig_5_5", "fig_5_6", "fig_4_2_latents")
]
FID_PREMISE = 100.0  # samples recognisable: TF-Inception FID at most this (paper.yaml, fid_order_* premise)
FAST_DESCENT = 0.05  # df_bound_below_nsf's premise: each curve fell by less than 5 % over the last half of its run
KS_BAR = 0.01  # nsf_latent_gap: a KS distance one could see in Fig. 4.2
SPEED_TOL_NOTE = "range over each arm's timing repeats"


def _premise(text: str, met: bool) -> tuple[str, bool]:
    return text, bool(met)


def settled(curve, noise: float) -> tuple[bool | None, str]:
    """Has a training curve (means over equal parts of the run, in order) stopped falling? The OLS slope over the
    last half of the curve against twice its standard error, from ``noise`` (the standard error of one part's
    mean). Returns (settled, text); None with fewer than three points in the last half."""
    pts = np.array([float(v) for v in curve if v is not None and math.isfinite(float(v))])
    half = pts[len(pts) // 2 :]
    if len(half) < 3:
        return None, f"{len(half)} point(s) in the last half of the curve: too few to tell"
    x = np.arange(len(half), dtype=float)
    sxx = float(((x - x.mean()) ** 2).sum())
    slope = float(((x - x.mean()) * (half - half.mean())).sum() / sxx)
    se = noise / math.sqrt(sxx)
    falling = slope < -2 * se
    text = f"slope over the last half {slope:.3g} per part (± {2 * se:.2g}, twice its standard error): " + (
        "still falling" if falling else "settled"
    )
    return not falling, text


def loss_claim(
    target: float, tol: float, value: float, half_width: float, curve, noise: float
) -> tuple[Comparison, tuple[str, bool]]:
    """A converged-loss claim ('the loss is ``target`` ± ``tol``'): the tolerance test on ``value`` ± ``half_width``
    (its 95 % interval), with the premise that the run has settled — or that the value already lies below the band,
    since more training only lowers it."""
    c = tolerance((value - half_width, value + half_width), target, tol, estimate=value)
    ok, why = settled(curve, noise) if curve else (None, "no training curve recorded")
    below = value + half_width < target - tol
    met = bool(ok) or below
    return c, _premise(why + ("; the value already lies below the band" if below else ""), met)


def fid_order(fids: list[dict], level: float = FID_PREMISE) -> tuple[Comparison, tuple[str, bool]]:
    """'FID(A) < FID(B) < FID(C)' from three ``{"value", "boot"}`` records whose bootstrap replicates share the
    real-side resamples: both consecutive differences must lie below 0 (paired bootstrap, family 'all'). The
    premise: every FID at most ``level`` (samples recognisable)."""
    members = []
    for a, b in itertools.pairwise(fids):
        boot = np.asarray(a["boot"], float) - np.asarray(b["boot"], float)
        n = (int(a.get("n_fake", len(boot))), int(b.get("n_fake", len(boot))))
        members.append(superiority_bootstrap(a["value"] - b["value"], better="<", boot=boot, n=n, paired=True))
    vals = [float(f["value"]) for f in fids]
    met = all(v <= level for v in vals)
    return family(members, "all"), _premise(f"FIDs {', '.join(f'{v:.1f}' for v in vals)} (≤ {level:g} each?)", met)


def timing_values(t: dict) -> list[float]:
    """The per-repeat times of a timing record: its ``times_s`` when recorded, else (two repeats) the minimum and
    the other repeat (2 × median − min), else the median alone."""
    if t.get("times_s"):
        return [float(v) for v in t["times_s"]]
    if t.get("repeats") == 2 and "min_s" in t:
        return [float(t["min_s"]), 2 * float(t["median_s"]) - float(t["min_s"])]
    return [float(t["median_s"])]


def speed_control(df_times, ddpm_times, tol: float) -> Comparison:
    """E2: at equal T, t(Diffused-Flows) / t(DDPM) within 1 ± ``tol``; the interval is the ratio's range over the
    timing repeats (slowest over fastest both ways), the estimate the ratio of medians."""
    a, b = np.asarray(df_times, float), np.asarray(ddpm_times, float)
    iv = (float(a.min() / b.max()), float(a.max() / b.min()))
    return tolerance(iv, 1.0, tol, estimate=float(np.median(a) / np.median(b)))


def nsf_fast(times, on_gpu: bool, limit: float = 1.0) -> tuple[Comparison, tuple[str, bool]]:
    """'NSF draws 25 samples in under ``limit`` s': the per-repeat times against ``limit`` (paired t of
    time − limit). The premise: a GPU timing, or one under the limit anyway (a slower device cannot refute it)."""
    t = np.asarray(times, float)
    c = superiority(t, np.full(len(t), limit), better="<", paired=True)
    under = c.decision == "replicated"
    where = "a GPU" if on_gpu else "a CPU"
    return c, _premise(f"timed on {where}; median {float(np.median(t)):.3g} s", on_gpu or under)


def welch_from_stats(m1: float, sd1: float, n1: int, m2: float, sd2: float, n2: int, better: str = "<") -> Comparison:
    """Superiority of mean 1 over mean 2 from per-unit means, standard deviations and counts (Welch, 95 %)."""
    from scipy import stats

    v1, v2 = sd1**2 / n1, sd2**2 / n2
    se = math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    diff = m1 - m2
    half = float(stats.t.ppf(0.975, df)) * se
    iv = (diff - half, diff + half)
    z = diff / se if better == "<" else -diff / se
    return Comparison(
        decide(iv, better, 0.0),
        diff,
        iv,
        (int(n1), int(n2)),
        f"Welch t over test images ({n1} and {n2}), 95 % interval of A − B",
        better,
        0.95,
        test="superiority",
        p=float(stats.t.cdf(z, df)),
        se=se,
        df=df,
        unit="samples",
    )


def relative_fall(curve) -> float | None:
    """How much a curve (in order) fell over the last half of its points, relative to its last value."""
    pts = [float(v) for v in curve if v is not None and math.isfinite(float(v))]
    if len(pts) < 2:
        return None
    return (pts[(len(pts) - 1) // 2] - pts[-1]) / abs(pts[-1])


def bound_below(
    vlb: tuple[float, float, int], nsf: tuple[float, float, int], nsf_curve, df_curve, level: float = FAST_DESCENT
) -> tuple[Comparison, tuple[str, bool]]:
    """(6b) the bound of Diffused-Flows (vlb) below NSF's NLL: Welch over test images from (mean, sd, n) of each;
    the premise: each curve fell by less than ``level`` over the last half of its run."""
    c = welch_from_stats(*vlb, *nsf, better="<")
    falls = {"NSF": relative_fall(nsf_curve), "Diffused-Flows": relative_fall(df_curve)}
    met = all(f is not None and f < level for f in falls.values())
    text = ", ".join(f"{k} fell {100 * f:.1f} %" if f is not None else f"{k}: no curve" for k, f in falls.items())
    return c, _premise(f"{text} over the last half of its run (< {100 * level:g} % each?)", met)


def still_falling_trend(bounds: dict, epochs: int, window: int = 50, target_epochs: int = 500):
    """'Still falling at the end': the OLS slope of the held-out bounds over the last ``window`` epochs, expected
    decreasing. The premise: the run reached ``target_epochs``."""
    pts = sorted((int(e), float(v)) for e, v in bounds.items() if v is not None and math.isfinite(float(v)))
    end = pts[-1][0] if pts else 0
    pts = [(e, v) for e, v in pts if e >= end - window]
    c = trend([e for e, _ in pts], [v for _, v in pts], expect="decreasing")
    return c, _premise(f"trained {epochs} epochs (≥ {target_epochs}?)", epochs >= target_epochs)


def cifar_worst(cifar: dict, others: list[dict]) -> tuple[Comparison, tuple[str, bool]]:
    """CIFAR-10's FID above each other dataset's: independent bootstrap replicates differenced (unpaired: the real
    sets differ), family 'all'. The premise: one instrument (the records' ``metric`` and ``n_fake`` agree)."""
    members = []
    for o in others:
        boot = np.asarray(cifar["boot"], float) - np.asarray(o["boot"], float)
        members.append(superiority_bootstrap(cifar["value"] - o["value"], better=">", boot=boot))
    kinds = {(f.get("metric"), f.get("n_fake")) for f in (cifar, *others)}
    return family(members, "all"), _premise(f"instruments {sorted(map(str, kinds))}", len(kinds) == 1)


def latent_gap(ks: float, n_values: int, bar: float = KS_BAR) -> Comparison:
    """'Measurable Gaussianity gap': the KS distance of the latents from N(0, 1) above ``bar``, decided on its DKW
    95 % band (± √(ln(2/0.05) / 2n) over ``n_values`` pooled values)."""
    eps = math.sqrt(math.log(2 / 0.05) / (2 * n_values))
    iv = (ks - eps - bar, ks + eps - bar)
    return Comparison(
        decide(iv, ">", 0.0),
        ks - bar,
        iv,
        (int(n_values),),
        f"DKW 95 % band of the KS distance (± {eps:.2g} over {n_values} pooled values), against {bar:g}",
        ">",
        0.95,
        test="superiority",
        unit="samples",
    )


def grey_majority(fraction: float, n: int) -> Comparison:
    """'Samples have grey backgrounds': the fraction of grey-bordered samples above one half (normal interval over
    ``n`` samples; no interval for n < 2)."""
    se = math.sqrt(max(fraction * (1 - fraction), 1e-12) / n) if n >= 2 else None
    iv = None if se is None else (fraction - 0.5 - 1.96 * se, fraction - 0.5 + 1.96 * se)
    return Comparison(
        decide(iv, ">", 0.0),
        fraction - 0.5,
        iv,
        (int(n),),
        f"normal 95 % interval of the fraction over {n} samples, against 0.5",
        ">",
        0.95,
        test="superiority",
        se=se,
        unit="samples",
    )


def expected_files(r: Runs) -> list[str]:
    """The tables and figures this tier writes: every table, Fig. 4.2's latent panel, and each sample figure (and
    Fig. 5.2) whose arms ran at this tier (the others are shown from a lower tier, or named in one sentence)."""
    ran = {
        "fig_5_1": r.m["df"]["mnist"],
        "fig_5_2": r.m["df"]["cifar10"],
        "fig_5_3": r.m["df"]["cifar10"],
        "fig_5_4": r.m["df"]["celeba"],
        "fig_5_5": r.every("celeba"),
        "fig_5_6": r.every("mnist"),
    }
    return [f for f in FILES if ran.get(f.removesuffix(".png"), True)]


def structure_check(s: Summary, r: Runs) -> None:
    """Sanity: every table and figure this tier writes (:func:`expected_files`) exists."""
    missing = [f for f in expected_files(r) if not (s.res.dir / f).exists()]
    forward = (s.res.arm("04_diffused_flows-mnist") / "fig_4_2_forward.png").exists()
    s.sanity("structure", not missing and forward, f"missing {missing or 'none'}; fig_4_2_forward written: {forward}")


# claim prefix -> (model, paper number, our value, its sd key (None: relative noise), curve, relative noise, unit)
LOSS_CLAIMS = {
    "nsf_nll": ("nsf", "nsf_loss", "test_bpd", "test_bpd_sd", "train_bpd_tenths", 0.002, " bits/dim"),
    "ddpm_mse": ("ddpm", "ddpm_loss", "final_train_mse", None, "train_mse_tenths", 0.02, ""),
}


def loss_checks(s: Summary, r: Runs) -> None:
    """The converged-loss claims (NSF bits/dim, DDPM ε-MSE; MNIST and CelebA) by :func:`loss_claim`."""
    for kind, (k, number, key, sd_key, curve_key, rel_noise, unit) in LOSS_CLAIMS.items():
        for d in ("mnist", "celeba"):
            m, cid, paper = r.m[k][d], f"{kind}_{d}", loss_text(s, f"{number}_{d}")
            if m is None:
                s.not_run(cid, r.not_run)
                continue
            noise = rel_noise * m[key]
            if sd_key and m.get(sd_key) and m.get("n_eval"):
                half, of = (
                    1.96 * m[sd_key] / math.sqrt(m["n_eval"]),
                    f"95 % normal interval over {m['n_eval']} test images",
                )
            else:
                half, of = 1.96 * noise, f"± 1.96 × the declared noise of a tenth's mean ({100 * rel_noise:g} %)"
            c, premise = loss_claim(
                s.X(f"{number}_{d}"), s.paper.claim(cid).tolerance, m[key], half, m.get(curve_key), noise
            )
            ours = {key: m[key]} | ({"test_mse": m["test_mse"]} if k == "ddpm" else {})
            ours[f"{curve_key} (last half)"] = [round(v, 5) for v in (m.get(curve_key) or [])[5:]]
            s.decide(cid, paper, c, ours, premise=premise, interval_of=f"{key}{unit}, {of}", n=m.get("n_eval"))


def fid_order_checks(s: Summary, r: Runs) -> None:
    """'FID: DDPM < Diffused-Flows < NSF' per dataset by :func:`fid_order` on true FID; not testable where an arm
    did not run or only the proxy distance was computed."""
    for d in ("mnist", "celeba"):
        ms, cid = r.every(d), f"fid_order_{d}"
        paper = " < ".join(s.P(f"{k}_fid_{d}") for k in ("ddpm", "df", "nsf"))
        if ms is None:
            s.not_run(cid, r.not_run)
            continue
        if not all((m.get("true_fid") or {}).get("inception") for m in ms):
            proxy = [round(m["fd"]["large"], 1) for m in ms]
            s.not_run(cid, f"true FID not computed at this tier (proxy {ms[0]['fd_name']} (ddpm, df, nsf): {proxy})")
            continue
        f = [m["true_fid"]["inception"] for m in ms]
        c, premise = fid_order(f)
        epochs = [m["epochs"] if "epochs" in m else m["config"]["epochs"] for m in ms]
        ours = {
            "FID (ddpm, df, nsf)": [round(x["value"], 2) for x in f],
            "FID-192 (ddpm, df, nsf)": [
                round(m["true_fid"].get("inception192", {}).get("value", math.nan), 2) for m in ms
            ],
            "95% interval FID(DDPM) − FID(DF)": [round(v, 2) for v in c.members[0].interval],
            "95% interval FID(DF) − FID(NSF)": [round(v, 2) for v in c.members[1].interval],
            "epochs (ddpm, df, nsf)": epochs,
        }
        metric = f"FID (TF-Inception pool3), {f[0]['n_fake']} samples vs {f[0]['n_real']} test images"
        of = "the less decided consecutive difference, paired bootstrap (shared real-side resamples)"
        s.decide(cid, paper, c, ours, premise=premise, interval_of=of, metric=metric, n=f[0]["n_fake"])


def _on_gpu(s: Summary, arm: str) -> bool:
    f = s.res.arm(arm) / "run.json"
    return bool(f.exists() and json.loads(f.read_text()).get("gpus"))


def speed_checks(s: Summary, r: Runs) -> None:
    """Sampling time on MNIST: the T ratio (sanity), the E2 control at equal T (:func:`speed_control`) and NSF's
    absolute '< 1 s' for the thesis-size NSF (:func:`nsf_fast`)."""
    ms = r.every("mnist", ("df", "ddpm", "nsf"))
    if ms is None:
        for cid in ("speed_from_t", "nsf_fast"):
            s.not_run(cid, r.not_run)
        return
    (m_df, m_dd, m_ns), (t_df, t_dd, t_ns) = ms, [m["timing"]["median_s"] for m in ms]
    ratio, t_ratio = t_df / t_dd, m_df["timesteps"] / m_dd["timesteps"]
    ok = bool(t_ns < t_df < t_dd and abs(ratio - t_ratio) <= 0.1)
    s.sanity(
        "speed_ratio",
        ok,
        f"NSF {t_ns:.3g} s, DF {t_df:.3g} s, DDPM {t_dd:.3g} s; ratio {ratio:.3f} vs T ratio {t_ratio:g}",
    )
    if h := r.ddpm_half:
        tol = s.paper.claim("speed_from_t").tolerance
        c = speed_control(timing_values(m_df["timing"]), timing_values(h["timing"]), tol)
        ours = {
            "df_s": t_df,
            "ddpm_half_T_s": h["timing"]["median_s"],
            "T_df": m_df["timesteps"],
            "T_ddpm_half": h["timesteps"],
        }
        paper = f"not tested in the thesis (its ratios {s.X('df_time_mnist') / s.X('ddpm_time_mnist'):.2f} and " + (
            f"{s.X('df_time_celeba') / s.X('ddpm_time_celeba'):.2f} equal T_DF / T_DDPM = {t_ratio:g})"
        )
        s.decide("speed_from_t", paper, c, ours, premise=None, interval_of=f"ratio of sampling times, {SPEED_TOL_NOTE}")
    else:
        s.not_run("speed_from_t", "the DDPM at T = 500 (03_ddpm_baseline-mnist_T_half) did not run at this tier")
    big = m_ns.get("timing_thesis_size")
    if big is None and m_ns.get("num_transforms", 0) >= s.X("nsf_flows_mnist"):
        big = m_ns["timing"]  # the arm itself is thesis-size
    if big is None:
        s.not_run(
            "nsf_fast",
            f"not computed at this tier: our NSF has {m_ns.get('num_transforms')} flows (the thesis's: "
            f"{s.P('nsf_flows_mnist')}) and no timing of a thesis-size NSF was recorded ({t_ns:.3g} s for ours)",
        )
        return
    c, premise = nsf_fast(timing_values(big), _on_gpu(s, "02_nsf_baseline-mnist"))
    s.decide(
        "nsf_fast",
        f"{s.P('nsf_time_mnist')} s (RTX A5000)",
        c,
        {"median_s": big["median_s"], "our NSF (smaller) s": t_ns},
        premise=premise,
        interval_of="time − 1 s, paired t over timing repeats",
    )


def _n_eval(s: Summary, arm: str, m: dict) -> int | None:
    """How many test images an arm's bits/dim average: its metrics, else the parameters in its run.json (None
    when neither says, e.g. a notebook run outside the runner)."""
    if m.get("n_eval"):
        return m["n_eval"]
    f = s.res.arm(arm) / "run.json"
    return min(json.loads(f.read_text())["params"]["n_eval"], 10000) if f.exists() else None


def likelihood_checks(s: Summary, r: Runs) -> None:
    """(6a) the objective below NSF's NLL (sanity: true by construction) and (6b) the real bound (vlb objective)
    below NSF's NLL by :func:`bound_below`."""
    m_df, m_ns, vlb = r.m["df"]["mnist"], r.m["nsf"]["mnist"], r.df_vlb
    if m_df and m_ns:
        s.sanity(
            "df_objective_below_nsf",
            m_df["nll_thesis"] < m_ns["test_bpd"],
            f"nll_thesis {m_df['nll_thesis']:.3g} vs NSF {m_ns['test_bpd']:.3g} bits/dim",
        )
    if not (vlb and m_ns):
        s.not_run("df_bound_below_nsf", r.not_run)
        return
    n_v, n_n = _n_eval(s, "04_diffused_flows-mnist_vlb", vlb), _n_eval(s, "02_nsf_baseline-mnist", m_ns)
    if not (n_v and n_n):
        s.not_run("df_bound_below_nsf", "no test-image counts recorded: no interval can be formed")
        return
    bounds = [v for _, v in sorted((int(e), v) for e, v in vlb.get("held_out_bounds", {}).items())]
    c, premise = bound_below(
        (vlb["nll_bpd_bound"], vlb["nll_bpd_bound_sd"], n_v),
        (m_ns["test_bpd"], m_ns["test_bpd_sd"], n_n),
        m_ns.get("train_bpd_tenths") or [],
        bounds,
    )
    ours = {
        "nll_bpd_bound (vlb)": vlb["nll_bpd_bound"],
        "nsf_bpd": m_ns["test_bpd"],
        "nll_bpd_bound (thesis_fixed)": m_df["nll_bpd_bound"] if m_df else None,
        "nsf_matched_bpd": r.nsf_matched["test_bpd"] if r.nsf_matched else None,
        "epochs (df vlb, nsf)": [vlb["config"]["epochs"], m_ns["epochs"]],
    }
    paper = f"{s.P('df_nll_mnist')} < {s.P('nsf_loss_mnist')} (the thesis's 'NLL', Tables 5.2, 5.4)"
    note = "equal epochs, unequal size (the thesis's NSF has twice the flow steps; Diffused-Flows adds a U-Net)"
    of = "bound(DF, vlb) − NLL(NSF) in bits/dim, Welch over test images (ignores their pairing: wider than paired)"
    s.decide("df_bound_below_nsf", paper, c, ours, note, premise=premise, interval_of=of, n=[n_v, n_n])


def diagnostic_checks(s: Summary, r: Runs) -> None:
    """CIFAR-10 still converging (:func:`still_falling_trend`), CIFAR-10's FID the worst (:func:`cifar_worst`),
    NSF's latent gap (:func:`latent_gap`) and CelebA's grey backgrounds (:func:`grey_majority`)."""
    c10 = r.m["df"]["cifar10"]
    window = [e for e in (c10 or {}).get("held_out_bounds", {}) if int(e) >= c10["config"]["epochs"] - 50]
    if c10 is None:
        s.not_run("cifar_not_converged", r.not_run)
    elif len(window) < 2:
        s.not_run("cifar_not_converged", f"{len(window)} held-out bound(s) in the last 50 epochs: no slope to test")
    else:
        c, premise = still_falling_trend(
            c10["held_out_bounds"], c10["config"]["epochs"], 50, int(s.X("t51_epochs_cifar10"))
        )
        ours = {"held-out bounds": c10["held_out_bounds"], "objective slope (not used)": c10["loss_slope_last50"]}
        paper = f"Fig. 5.2: 'hasn't converged even after {s.P('t51_epochs_cifar10')} epochs'"
        s.decide(
            "cifar_not_converged",
            paper,
            c,
            ours,
            premise=premise,
            interval_of="OLS slope of the held-out bound per epoch, last 50 epochs",
        )
    fids = {d: (r.m["df"][d] or {}).get("true_fid", {}).get("inception") for d in DATASETS}
    if not all(fids.values()):
        s.not_run(
            "cifar_fid_worst", r.not_run if not all(r.m["df"].values()) else "true FID not computed on every dataset"
        )
    else:
        c, premise = cifar_worst(fids["cifar10"], [fids["mnist"], fids["celeba"]])
        paper = f"{s.P('df_fid_cifar10')} vs {s.P('df_fid_mnist')} and {s.P('df_fid_celeba')}"
        ours = {f"FID {d}": round(f["value"], 2) for d, f in fids.items()}
        s.decide(
            "cifar_fid_worst", paper, c, ours, premise=premise, interval_of="FID(CIFAR-10) − FID(other), bootstrap"
        )
    if m := r.m["nsf"]["mnist"]:
        g = m["latent_gaussianity"]
        ok, why = settled(m.get("train_bpd_tenths") or [], 0.002 * m["test_bpd"])
        ours = {k: g[k] for k in ("ks", "gap_nats_per_dim", "excess_kurtosis")} | {
            "ks_reference": g["ks_normal_reference"]
        }
        paper = "Fig. 4.2: 'NF on its own cannot completely transform the data to pure Gaussian noise'"
        c = latent_gap(g["ks"], int(g["n"]) * int(g["dims"]))
        s.decide("nsf_latent_gap", paper, c, ours, premise=(why, bool(ok)), interval_of=f"KS − {KS_BAR:g}, DKW band")
    else:
        s.not_run("nsf_latent_gap", r.not_run)
    celeba = r.m["df"]["celeba"]
    if celeba is None:
        s.not_run("celeba_grey", r.not_run)
    else:
        fid = (celeba.get("true_fid") or {}).get("inception", {}).get("value")
        c = grey_majority(celeba["grey_background_fraction"], int(celeba.get("n_grey", celeba["fd"]["large_n"])))
        premise = (f"FID {fid}", fid is not None and fid <= FID_PREMISE)
        s.decide(
            "celeba_grey",
            "all samples have grey backgrounds (Fig. 5.4)",
            c,
            {"grey_fraction": celeba["grey_background_fraction"]},
            premise=premise,
            interval_of="fraction − 0.5",
        )


# -- closing --------------------------------------------------------------------------------------------------
def closing(s: Summary, r: Runs):
    """The headline line (NSF's MNIST bits/dim, the FID ordering), MNIST bits per 28×28 content pixel, and
    metrics.json. MNIST zero-padded to 32×32 spends (almost) no bits on the 240 padding pixels, so bpd × 1024/784
    is the number to set beside published 28×28 MNIST results (e.g. RealNVP 1.06, Glow 1.05 and FFJORD 0.99
    bits/dim, FFJORD Table 2, Grathwohl et al. 2019); it is an upper bound on the 28×28 NLL."""
    import pandas as pd

    m_dd, m_df, m_ns = (r.m[k]["mnist"] for k in ("ddpm", "df", "nsf"))
    order = None
    if m_ns and m_df and m_dd:
        order = sorted([(MODELS[k][0], fid_of(r.m[k]["mnist"])[0]) for k in ("ddpm", "df", "nsf")], key=lambda x: x[1])
        print(
            f"[{s.tier} tier] NSF test bits/dim on MNIST: {m_ns['test_bpd']:.3f} ({m_ns['data']}); "
            f"ordering by {fid_of(m_ns)[1]}: " + " < ".join(f"{k} {v:.1f}" for k, v in order)
        )
    content = []
    for name, m, key in (
        ("NSF", m_ns, "test_bpd"),
        ("Diffused-Flows (thesis_fixed), bound", m_df, "nll_bpd_bound"),
        ("Diffused-Flows (vlb), bound", r.df_vlb, "nll_bpd_bound"),
    ):
        size = m and (m.get("image_size") or m["config"]["image_size"][-1])
        if m and size == 32 and m.get("dataset") == "mnist":
            bpd = round(m[key], 4), round(m[key] * 1024 / 784, 4)
            content.append({"model": name, "bits/dim at 32×32": bpd[0], "bits per 28×28 content pixel": bpd[1]})
    s.res.save_metrics(
        tables=["5_1", "5_2", "5_3", "5_4"],
        n_checks=len(s.checks),
        nsf_mnist_bpd=m_ns["test_bpd"] if m_ns else None,
        fd_ordering=[k for k, _ in order] if order else None,
        content_bits=content,
    )
    return pd.DataFrame(content)
