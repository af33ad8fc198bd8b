"""rectified_flow_cars (Goldschmidt et al. 2024, a student report): the summary's tables, figure and checks.

The report generates car images with three samplers (a pixel-space RF-UNet, a VAE whose latent is sampled by a
GMM or by the N(0, I) prior, and a rectified flow in that latent) and selects each one's top by a rating
regressor. :class:`Cars` holds the :class:`~genrep.report.summary.Summary` and each data set's four arms
(02_rf_unet … 05_selection); every other function builds one table, figure or group of checks from it, saves it
beside the summary and returns (or shows) what the notebook displays.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from ..guards import fd_floor_comparable
from ..intervals import compare_boot, compare_spearman
from ..summary import Summary
from ..verdicts import Comparison, decide, equivalence_bootstrap, family, superiority, tolerance, trend

DS = {"synthcars": "synth", "cars": "cars"}  # data set -> arm suffix
NICE = {"synthcars": "SynthCars", "cars": "Stanford Cars"}
NOTEBOOKS = ("02_rf_unet", "03_vae_gmm", "04_vae_latent_rf", "05_selection")
NOT_TRAINED = "not trained in this chapter"
A9_DROP = 0.1  # each A9 ablation arm must keep at least 10 % (and ≥ 1 unit) fewer active units than the baseline
PROS = {  # the report's Table 1, verbatim
    "GANs": "- One step generation - High fidelity",
    "VAEs": "- Computational and sample efficiency - Compact representation not just sampling",
    "Normalized Flows": "- Invertible transformations - Exact likelihood estimation",
    "Diffusion Models": "- High-quality image generation",
    "Rectified Flows": "- High-quality output images - Arbitrary input distribution - Invertible transformation",
}
CONS = {  # the report's Table 2, verbatim
    "GANs": "- Training instabilities - Low mode coverage",
    "VAEs": "- Produces blurry output images - Unspecified latent sampling",
    "Normalized Flows": "- Memory requirement - low sample fidelity",
    "Diffusion Models": "- Large inference time",
    "Rectified Flows": "- Medium inference time - Novel/less established",
}


class Cars:
    """The summary's state: ``s`` (its Summary), ``data`` (01_data's metrics) and ``run[ds][notebook]``, each
    data set's four arms (a data set whose arms did not all run at this tier is left out, and says so)."""

    def __init__(self, results_dir, tier: str):
        self.s = s = Summary(results_dir, tier)
        self.data = s.metrics("01_data")
        self.run = {}
        for ds, arm in DS.items():
            try:
                self.run[ds] = {nb: s.metrics(f"{nb}-{arm}") for nb in NOTEBOOKS}
            except FileNotFoundError as e:
                print(f"{ds}: not run at this tier ({e})")
        s.data_note = "; ".join(self.note(ds) for ds in self.run)
        for ds in self.run:
            print(self.note(ds), "| methods:", list(self.method_names(ds)))

    def note(self, ds: str) -> str:
        """The data label of ``ds``: its source, training-set size and resolution."""
        st = self.data["stats"][ds]
        return (
            f"{NICE[ds]} ({st['source']}), {self.run[ds]['02_rf_unet']['n_train']} training images at "
            f"{self.data['height']}×{self.data['width']}"
        )

    def kept(self, ds: str) -> tuple[int, int]:
        """(all latent dims, kept dims) of the data set's VAE."""
        v = self.run[ds]["03_vae_gmm"]
        return v["latent_dim"], len(v["kept_dims"])

    def fid(self, ds: str) -> dict:
        """The true-FID table 05_selection scored ({} when the tier skipped it)."""
        return self.run[ds]["05_selection"].get("fid") or {}

    def fd(self, ds: str) -> tuple[dict, str]:
        """Each method's distance and its metric: the true FID when scored, else the proxy 05_selection computed."""
        F, M = self.fid(ds), self.run[ds]["05_selection"]["methods"]
        if F.get("methods"):
            fdm = f"{F['metric']} of {F['n']} samples per method vs {F['n_reference']} training images"
            return {m: r["value"] for m, r in F["methods"].items() if "value" in r}, fdm
        return {m: M[m]["fd"] for m in M}, M["rf_unet"]["metric"]

    def method_names(self, ds: str) -> dict[str, str]:
        """Display name -> method key, in the order of the tables (more latent-RF seeds last)."""
        k_all, k_act = self.kept(ds)
        return {
            "RF-UNet": "rf_unet",
            "VAE-prior": "vae_prior",
            f"VAE-GMM-{k_all}": f"vae_gmm_{k_all}",
            f"VAE-GMM-{k_act}": f"vae_gmm_{k_act}",
            f"VAE-RF-{k_all}": f"vae_rf_{k_all}",
            f"VAE-RF-{k_act}": f"vae_rf_{k_act}",
            "test (real)": "test (real)",
            **{k.replace("vae_rf_", "VAE-RF-"): k for k in self.fid(ds).get("methods", {}) if "@seed" in k},
        }


def _frame(c: Cars, rows, name: str, caption: str = "") -> pd.DataFrame:
    """``rows`` as a frame saved as ``<name>.csv`` beside the tables, with its caption printed."""
    if caption:
        print(caption)
    return c.s.frame(pd.DataFrame(rows), name)


def _submission(sel: dict) -> list[float]:
    return [r["predicted"] for r in sel["submission"]]


def _max_pred(sel: dict, real: bool = False) -> float:
    """The regressor's max prediction on the generated images, or (``real``) on the real training images."""
    return max(r["max"] for r in sel["compression"] if (("train" in r["set"]) if real else ("real" not in r["set"])))


def _rf_top20(s: Summary) -> str:
    return f"{s.P('rf_top20_red')} near-identical red + {s.P('rf_top20_silver')} near-identical silver"


def _submitted(s: Summary) -> str:
    return f"{s.P('submission_low')} – {s.P('submission_high')}"


def table_r1(c: Cars) -> pd.DataFrame:
    """Table R1: per data set and method, the true FID / KID (at n and at the held-out set's n, when the tier
    scored them), the proxy distances, precision / recall / Vendi, sharpness, memorisation, and the regressor's
    predictions and oracle scores of all samples and of the top k."""
    rows, P = [], c.s.P
    for ds, r in c.run.items():
        sel, F = r["05_selection"], c.fid(ds)
        top = {t["method"]: t for t in sel["r2"]}
        for label, m in c.method_names(ds).items():
            rep = sel["methods"].get(m)
            if rep is None and m not in F.get("methods", {}):
                continue
            fr = F.get("methods", {}).get("held-out (real)" if m == "test (real)" else m, {})
            fid_cols = (
                {}
                if not F
                else {
                    f"{F['metric']} (n={F['n']})": fr.get("value"),
                    f"{F['kid_metric']}×1e3": 1e3 * fr["kid"] if "kid" in fr else None,
                    f"{F['metric']} at equal n": fr.get("eq", {}).get("value"),
                    "equal n": F["n_eq"],
                }
            )
            if rep is None:
                rows += [{"data": NICE[ds], "method": label, **fid_cols}] if fr else []
                continue
            floor_note = ""  # the real-vs-real floor: FD's bias is O(1/N), so it is a floor only at the methods' N
            if m == "test (real)":
                _, floor_note = fd_floor_comparable([x["n"] for k, x in sel["methods"].items() if k != m], rep["n"])
            ps = sel["pred_summary"].get(m, {})
            rows.append(
                {
                    "data": NICE[ds],
                    "method": label,
                    "N": rep.get("n"),
                    "floor note": floor_note,
                    **fid_cols,
                    rep["metric"]: rep["fd"],
                    rep["kid_metric"] + "×1e3": 1e3 * rep["kid"],
                    "precision": rep["precision"],
                    "recall": rep["recall"],
                    "vendi": rep["vendi"],
                    "sharpness/real": rep["sharpness_rel"],
                    "NN ratio median": rep["mem_ratio_median"],
                    "% NN ratio<1/3": 100 * rep["mem_frac_below_third"],
                    "oracle mean (all)": rep["oracle_mean"],
                    "pred mean": ps.get("mean"),
                    "pred max": ps.get("max"),
                    f"top-{P('top_submitted')} pred range": "–".join(f"{v:.2f}" for v in ps["top10_range"])
                    if ps
                    else "",
                    f"oracle mean top-{P('top_selected')}": top[m]["oracle_mean_top"] if m in top else None,
                }
            )
    F0 = c.fid(next(iter(c.run))) if c.run else {}
    caption = (
        f"Table R1 ({c.s.tier} tier; {F0.get('metric', 'no true FID')}"
        + (
            f" of {F0['n']} samples per method against the training images, and at equal n = the held-out count "
            "beside the held-out photos (the real-vs-real floor)"
            if F0
            else ""
        )
        + "; FD-/KID-cifarnet are proxies; oracle = Moira's noise-free pixel utility; VAE-RF-…@seedN rows are more "
        "training seeds of the latent RF)"
    )
    return _frame(c, rows, "table_R1", caption).round(3)


def fid_figure(c: Cars) -> None:
    """Each method's FID with the 2.5–97.5 % range of its bootstrap replicates, the same method at the held-out
    set's n (hollow), and the held-out photos at that n (dashed): one panel per data set; none without true FID."""
    import matplotlib.pyplot as plt

    if not any(c.fid(ds) for ds in c.run):
        return
    fig, axes = plt.subplots(1, len(c.run), figsize=(6 * len(c.run), 3.6), squeeze=False)
    for ax, ds in zip(axes[0], c.run, strict=False):
        F = c.fid(ds)
        if not F:
            continue
        rows = [(lab, F["methods"][m]) for lab, m in c.method_names(ds).items() if "value" in F["methods"].get(m, {})]
        for i, (label, r) in enumerate(rows):
            lo, hi = np.quantile(r["boot"], [0.025, 0.975])
            err = [[max(r["value"] - lo, 0)], [max(hi - r["value"], 0)]]
            color = "tab:red" if label == "RF-UNet" else "tab:blue"
            ax.errorbar(
                r["value"], i, xerr=err, fmt="o", color=color, capsize=3, label=f"n = {F['n']}" if not i else None
            )
            ax.plot(r["eq"]["value"], i, "o", mfc="none", color="gray", label=f"n = {F['n_eq']}" if not i else None)
        floor = F["methods"].get("held-out (real)", {}).get("eq", {}).get("value")
        if floor is not None:
            ax.axvline(floor, color="k", ls="--", lw=0.8, label=f"held-out photos, n = {F['n_eq']}")
        ax.legend(fontsize=7, loc="lower left")
        ax.set_yticks(range(len(rows)), [label for label, _ in rows], fontsize=8)
        ax.set(
            xlabel=f"{F['metric']} against {F['n_reference']} training images", title=f"{NICE[ds]} ({c.s.tier} tier)"
        )
    fig.tight_layout()
    c.s.res.save_figure(fig, "fid_per_method")
    plt.show()


def table_r2(c: Cars) -> pd.DataFrame:
    """Table R2: each method's top-k selection: diversity, colour families and the oracle's view of it."""
    drop = ("colors", "oracle_top", "oracle_rest")
    rows = [
        {
            "data": NICE[ds],
            **{k: v for k, v in r.items() if k not in drop},
            "colours": ", ".join(f"{col} {n}" for col, n in sorted(r["colors"].items(), key=lambda t: -t[1])),
        }
        for ds in c.run
        for r in c.run[ds]["05_selection"]["r2"]
    ]
    P = c.s.P
    cap = f"Table R2 ({c.s.tier} tier). Report: RF-UNet top {P('top_selected')} = {_rf_top20(c.s)}; "
    return _frame(c, rows, "table_R2", cap + f"VAE-GMM top {P('top_selected')} has no silver.").round(3)


def _r3(c: Cars) -> pd.DataFrame:
    rows = []
    for arm, v in c.s.arms("03_vae_gmm").items():
        k_all, k_act = v["latent_dim"], len(v["kept_dims"])
        rows.append(
            {
                "arm": arm,
                "data": v["data"],
                "β": v["beta"],
                "recon": v["recon_reduction"],
                "kl": v["kl_reduction"],
                "n_train": v["n_train"],
                f"AU (Var μ>{v['au_threshold']})": v["active_units"],
                "latent": k_all,
                "kept": k_act,
                "Var μ of kept (min)": float(np.min(v["top_variances"])),
                "K (all dims)": v["gmm_k"][str(k_all)],
                "K (kept)": v["gmm_k"][str(k_act)],
                "recon MSE/pixel": v["recon_mse"],
                "KL nats/image": v["kl_nats"],
                "kNN R² t-SNE": v["knn_r2_tsne"],
                "kNN R² μ": v["knn_r2_mu"],
                "silhouette": v["silhouette_tertiles"],
            }
        )
    return pd.DataFrame(rows)


def table_r3(c: Cars) -> pd.DataFrame:
    """Table R3: the VAE latent of every 03_vae_gmm arm (the β / reduction ablations A9, the data-size arm)."""
    P = c.s.P
    cap = (
        f"Table R3 ({c.s.tier} tier). Report: {P('active_dims')} of {P('vae_latent')} units kept, β = {P('vae_beta')}."
    )
    return _frame(c, _r3(c), "table_R3", cap).round(4)


def table_r4(c: Cars) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table R4: the regressor's grid search (CV), its held-out error, and the compression of its predictions."""
    r4, comp = [], []
    for ds, r in c.run.items():
        sel = r["05_selection"]
        r4 += [{"data": NICE[ds], "kind": "CV", **row} for row in sel["cv"]]
        test = {k: sel["honest_test"][k] for k in ("rmse", "mae", "spearman")}
        r4.append({"data": NICE[ds], "kind": "held-out (best config)", **test})
        comp += [{"data": NICE[ds], **x} for x in sel["compression"]]
    cap = (
        f"Table R4 ({c.s.tier} tier; regressor trained from scratch). Report: max prediction ≈ "
        f"{c.s.X('regressor_max'):g} vs true max {c.s.P('moira_max')}."
    )
    return _frame(c, r4, "table_R4", cap).round(3), _frame(c, comp, "table_R4_compression").round(3)


def tables_1_2(c: Cars) -> None:
    """Tables 1 and 2: the report's literature lists of pros and cons, verbatim, beside what this chapter
    measured for the families it trained (VAE, rectified flow), on the first data set; saved and shown."""
    ds = next(iter(c.run))
    r, (_, k) = c.run[ds], c.kept(ds)
    rf, gmm, prior = (r["05_selection"]["methods"].get(m, {}) for m in ("rf_unet", f"vae_gmm_{k}", "vae_prior"))
    thr_rf, thr_vae = r["02_rf_unet"]["throughput"].get("RF-UNet", {}), r["03_vae_gmm"]["throughput"].get("VAE", {})
    nan, v, u = float("nan"), r["03_vae_gmm"], r["02_rf_unet"]
    ours = {
        ("1", "VAEs"): f"{v['active_units']} of {v['latent_dim']} latent units active; training "
        f"{thr_vae.get('images_per_s', nan):.0f} img/s vs RF-UNet {thr_rf.get('images_per_s', nan):.0f} img/s; "
        "one decoder pass per sample",
        ("1", "Rectified Flows"): f"RF-UNet {rf.get('metric')} {rf.get('fd', nan):.3g} vs VAE-GMM "
        f"{gmm.get('fd', nan):.3g}; sharpness/real {rf.get('sharpness_rel', nan):.2f} vs "
        f"{gmm.get('sharpness_rel', nan):.2f}",
        ("2", "VAEs"): f"VAE-GMM sharpness/real {gmm.get('sharpness_rel', nan):.2f}; {prior.get('metric')} prior "
        f"{prior.get('fd', nan):.3g} vs GMM {gmm.get('fd', nan):.3g}",
        ("2", "Rectified Flows"): f"{u['nfe']} network evaluations per sample ({u['sampler']}); see the NFE sweep "
        "(A8) below",
    }
    tables = []
    for name, col, what, quotes in (("1", "pros", "Advantages", PROS), ("2", "cons", "Disadvantages", CONS)):
        title = f"{what} of Different Approaches (report's Table {name}) beside our observations"
        t = c.s.table(name, title, f"Goldschmidt et al. 2024, Table {name}", c.note(ds))
        for row, quote in quotes.items():
            t.add(row, col, quote, ours.get((name, row), NOT_TRAINED), None)
        tables.append(t)
    c.s.show(*tables)


def table_numbers(c: Cars):
    """Every number of the report's prose (settings and predicted scores) beside ours, per data set; only
    Moira's maximum rating is compared (the others are settings, or scores on a scale of their own)."""
    s, P = c.s, c.s.P
    t = s.table("numbers", "Every number stated in the report's prose", "Goldschmidt et al. 2024, §§1–6")
    for ds, r in c.run.items():
        sel, v, st, sub = r["05_selection"], r["03_vae_gmm"], c.data["stats"][ds], _submission(r["05_selection"])
        rf_top = next(x for x in sel["r2"] if x["method"] == "rf_unet")
        for col, paper, ours, *rest in (
            ("training images", f"{P('n_train')} RGB", r["02_rf_unet"]["n_train"]),
            ("resolution", P("resolution"), f"{c.data['height']}×{c.data['width']}"),
            ("VAE latent / β", f"{P('vae_latent')} / {P('vae_beta')}", f"{v['latent_dim']} / {v['beta']}"),
            (
                "active latent dims kept",
                P("active_dims"),
                f"{len(v['kept_dims'])} kept; {v['active_units']} above 0.01",
            ),
            ("samples per method", P("n_samples"), sel["methods"]["rf_unet"]["n"]),
            (
                "selected / submitted",
                f"top {P('top_selected')} / top {P('top_submitted')} (VAE-GMM)",
                f"top {sel['top_k']} / top {len(sub)} ({sel['submit_method']})",
            ),
            (
                "predicted scores of the submission",
                _submitted(s),
                f"{min(sub):.2f} – {max(sub):.2f}",
                None,
                "regressor trained from scratch: scale not comparable",
            ),
            ("regressor max prediction (generated)", f"≈ {s.X('regressor_max'):g}", round(_max_pred(sel), 3)),
            ("Moira's max true rating", P("moira_max"), st["max"], st["max"] == s.X("moira_max")),
            (
                f"RF-UNet top-{P('top_selected')} composition",
                _rf_top20(s),
                f"{rf_top['near_dup_clusters']} clusters; {rf_top['warm']} warm, {rf_top['silver']} silver",
            ),
        ):
            t.add(NICE[ds], col, paper, ours, *(rest or [None]))
    s.show(t)


def _a7(c: Cars) -> pd.DataFrame:
    """A7: RF-UNet vs VAE-GMM of each 02_rf_unet arm whose 03_vae_gmm twin ran (training-set size)."""
    rows = []
    for arm, m in c.s.arms("02_rf_unet").items():
        v = c.s.metrics(arm.replace("02_rf_unet", "03_vae_gmm"), optional=True)
        if v is None:
            continue
        gk, rf = f"vae_gmm_{len(v['kept_dims'])}", m["methods"]["rf_unet"]
        rows.append(
            {
                "arm": arm.split("-", 1)[1],
                "data": m["data"],
                "n_train": m["n_train"],
                "steps (both)": m["steps"],
                "FD RF-UNet": rf["fd"],
                f"FD {gk}": v["methods"][gk]["fd"],
                "FD ratio RF/VAE-GMM": rf["fd"] / v["methods"][gk]["fd"],
                "recall RF-UNet": rf["recall"],
                f"recall {gk}": v["methods"][gk]["recall"],
                "precision RF-UNet": rf.get("precision"),
                "precision VAE-GMM": v["methods"][gk].get("precision"),
            }
        )
    return pd.DataFrame(rows)


def ablations(c: Cars) -> None:
    """A7 training-set size, A8 ODE steps (pixel and latent RF), A10/A11 GMM components and kept dims, A6 number of
    samples scored (the winner's curse): each saved and shown."""
    from IPython.display import display

    run = c.run
    a8 = [{"data": NICE[ds], "space": "pixel", **r} for ds in run for r in run[ds]["02_rf_unet"]["nfe_sweep"]]
    a8 += [{"data": NICE[ds], "space": "latent", **r} for ds in run for r in run[ds]["04_vae_latent_rf"]["nfe_sweep"]]
    a1011 = [{"data": NICE[ds], **r} for ds in run for r in run[ds]["03_vae_gmm"]["ablations"]]
    a6 = [{"data": NICE[ds], **r} for ds in run for r in run[ds]["05_selection"]["a6"]]
    for rows, name, caption in (
        (_a7(c), "ablation_A7_data_size", f"A7 ({c.s.tier} tier; FD = FD-cifarnet)"),
        (a8, "ablation_A8_nfe", "A8: distance vs ODE steps"),
        (a1011, "ablation_A10_A11", "A10 / A11: GMM components and kept dims"),
        (a6, "ablation_A6_n_scored", "A6: winner's curse"),
    ):
        display(_frame(c, rows, name, caption).round(3))


# -- the claims ------------------------------------------------------------------------------------------------
# Each claim's decision on one data set is a function of plain numbers below (so that tests/both_ways feeds them
# synthetic metrics); ``_on`` reads a data set's arms into them; ``claims`` joins the data sets (family 'all') and
# writes one check per claim with its premise.

PRECISION_MIN = 0.1  # premise: samples resemble the training images (paper.yaml)
RHO_HELD_OUT_MIN = 0.3  # premise: the regressor ranks held-out photos
RHO_TRAIN_MIN = 0.5  # premise of regressor_ranks: the regressor fit its training photos
H9 = sum(1 / j for j in range(1, 10))  # expected top-10 width of an exponential tail, in units of its scale


def point(d: float, better: str = "<", what: str = "one run: no interval") -> Comparison:
    """Superiority of a single difference ``d`` (A − B, or a value against its bound) with no noise estimate: decided
    by its sign, inconclusive exactly on the boundary."""
    iv = (float(d), float(d))
    return Comparison(decide(iv, better, 0.0), float(d), iv, (1,), what, better, test="superiority")


def point_tolerance(value: float, target: float, tol: float) -> Comparison:
    """Tolerance of a single value with no noise estimate (inconclusive only exactly on an edge)."""
    return tolerance((float(value), float(value)), target, tol, estimate=float(value))


def boot_superiority(a: dict, b: dict, better: str = "<") -> Comparison:
    """FID(a) − FID(b) against 0 from paired bootstrap replicates (the real-side resamples are shared)."""
    return compare_boot(a, b, better)


def boot_equivalence(a: dict, b: dict, margin: float) -> Comparison:
    """FID(a) / FID(b) − 1 within ± ``margin`` (TOST) from paired bootstrap replicates."""
    ra, rb = np.asarray(a["boot"], float), np.asarray(b["boot"], float)
    if ra.shape != rb.shape or len(ra) < 2:
        raise ValueError(f"need two equal-length replicate lists, got {ra.shape} and {rb.shape}")
    n = (int(a.get("n_fake", len(ra))), int(b.get("n_fake", len(rb))))
    return equivalence_bootstrap(float(a["value"]) / float(b["value"]) - 1, boot=ra / rb - 1, n=n, margin=margin)


def extrapolated_max(max_n: float, tenth_n: float, n: int, n_report: int) -> float:
    """The max of ``n_report`` draws from the max and the 10th largest of ``n``, under an exponential upper tail (the
    Gumbel domain; lighter tails, such as a normal one, grow more slowly, so this errs high): scale b = (max − x₁₀)
    / H₉, max grows by b·ln(n_report / n)."""
    if n < 10 or n_report < n:
        raise ValueError(f"need n ≥ 10 and n_report ≥ n, got {n}, {n_report}")
    b = max(0.0, max_n - tenth_n) / H9
    return float(max_n + b * math.log(n_report / n))


def compression_decision(observed_max: float, extrapolated: float, true_max: float, target: float, tol: float):
    """h2: the max prediction over the report's n, as a share of the true max, within target ± tol; the interval
    runs from the max we saw (more samples only raise it) to its extrapolation."""
    if true_max <= 0:
        raise ValueError(f"true max must be > 0, got {true_max}")
    lo, hi = sorted((observed_max / true_max, extrapolated / true_max))
    return tolerance((lo, hi), target, tol, estimate=hi)


def band_width_decision(top: Sequence[float], target: float, tol: float, confidence: float = 0.95) -> Comparison:
    """h3: the expected width of the top-10 band under an exponential upper tail fitted to the 10 values (a width
    that does not grow with n): scale b̂ = Σ j·(x_j − x_{j+1}) / 9, width b̂·H₉, with the exact Gamma(9) interval."""
    from scipy import stats

    x = sorted((float(v) for v in top), reverse=True)
    if len(x) != 10:
        raise ValueError(f"band_width_decision wants the 10 top values, got {len(x)}")
    b = sum(j * (x[j - 1] - x[j]) for j in range(1, 10)) / 9
    q = (1 - confidence) / 2
    lo, hi = (9 * b / stats.gamma.ppf(p, 9) for p in (1 - q, q))
    c = tolerance((H9 * lo, H9 * hi), target, tol, estimate=H9 * b)
    return replace(
        c, method=f"exponential tail fitted to the top 10 (Gamma(9) interval, {confidence:.0%}); " + c.method
    )


def spearman_superiority(rho: float, n: int, confidence: float = 0.95) -> Comparison:
    """ρ > 0 from the Fisher-z interval (SE √(1.06 / (n − 3))), with its one-sided p."""
    from scipy import stats

    c = compare_spearman(rho, n, ">", 0.0, confidence)
    p = float(stats.norm.sf(math.atanh(rho) / math.sqrt(1.06 / (n - 3))))
    return replace(c, test="superiority", p=p)


def collapse_decision(base_units: float, arm_units: Mapping[str, float], min_frac: float, min_drop: float = 1.0):
    """a9: every ablation arm keeps at least max(min_drop, min_frac × base) fewer active units (family 'all')."""
    if not arm_units:
        raise ValueError("collapse_decision needs at least one ablation arm")
    need = max(min_drop, min_frac * base_units)
    return family([point(base_units - a - need, ">") for a in arm_units.values()], "all")


def premise_min(values: Mapping[str, float], bound: float, what: str) -> tuple[str, bool]:
    """A premise 'every value ≥ bound' as (measured text, met)."""
    met = all(float(v) >= bound for v in values.values())
    return f"{what}: " + ", ".join(f"{k} {float(v):.3g}" for k, v in values.items()) + f" (≥ {bound:g})", bool(met)


def _over_images(c: Comparison) -> Comparison:
    """A Welch comparison whose units are images, not seeds."""
    return replace(c, method=c.method.replace("over seeds", "over images"), unit="samples")


def _on(c: Cars, ds: str) -> dict:
    """Per claim on data set ``ds``: (comparison or None, premise (text, met), our numbers)."""
    X = c.s.X
    sel, v = c.run[ds]["05_selection"], c.run[ds]["03_vae_gmm"]
    M, FM = sel["methods"], c.fid(ds).get("methods", {})
    k_all, k_act = c.kept(ds)
    g_act, g_all, r_act, r_all = f"vae_gmm_{k_act}", f"vae_gmm_{k_all}", f"vae_rf_{k_act}", f"vae_rf_{k_all}"
    top, ht = {r["method"]: r for r in sel["r2"]}, sel["honest_test"]
    r_seeds = [r_act] + sorted(k for k in FM if k.startswith(f"{r_act}@seed"))
    rf_t, g_t = top["rf_unet"], top[g_act]

    def prec(*ms):
        return premise_min({m: M[m]["precision"] for m in ms}, PRECISION_MIN, "precision")

    vae_p = prec(g_all)
    reg_p = premise_min({"held-out ρ": ht["spearman"]}, RHO_HELD_OUT_MIN, "Spearman")
    claim = c.s.paper.claim
    out = {}

    def boot(a, b):
        return boot_superiority(FM[a], FM[b]) if a in FM and b in FM else None

    out["h1_inactive_units"] = (
        point_tolerance(v["active_units"], 20, claim("h1_inactive_units").tolerance),
        vae_p,
        {"AU": v["active_units"], "latent": k_all, "β": v["beta"]},
    )
    three = ("rf_unet", g_act, r_act)
    ps = {m: sel["pred_summary"][m] for m in three if m in sel["pred_summary"]}
    n_gen, n_rep = M["rf_unet"]["n"], int(X("n_samples"))
    obs = max(p["max"] for p in ps.values())
    ext = max(extrapolated_max(p["max"], p["top10_range"][0], n_gen, n_rep) for p in ps.values())
    cl = claim("h2_compressed_predictions")
    out["h2_compressed_predictions"] = (
        compression_decision(obs, ext, sel["true_max"], X("regressor_max") / X("moira_max"), cl.tolerance),
        reg_p,
        {f"max over {n_gen} per method": obs, f"extrapolated to {n_rep}": ext, "true max": sel["true_max"]}
        | {"max on real train": _max_pred(sel, real=True)},
    )
    sub = _submission(sel)
    cl = claim("h3_narrow_submission")
    out["h3_narrow_submission"] = (
        band_width_decision(sub, X("submission_high") - X("submission_low"), cl.tolerance),
        reg_p,
        {"range": [min(sub), max(sub)], "width seen": max(sub) - min(sub)},
    )
    out["h4_rf_top20_collapse"] = (
        point(rf_t["mean_pair_cos_dist"] - g_t["mean_pair_cos_dist"], "<"),
        prec("rf_unet", g_act),
        {"pair dist RF / GMM": [rf_t["mean_pair_cos_dist"], g_t["mean_pair_cos_dist"]]}
        | {"clusters RF / GMM": [rf_t["near_dup_clusters"], g_t["near_dup_clusters"]]},
    )
    out["h5_gmm_more_diverse"] = (
        point(M[g_act]["recall"] - M["rf_unet"]["recall"], ">"),
        prec("rf_unet", g_act),
        {"recall GMM / RF": [M[g_act]["recall"], M["rf_unet"]["recall"]]}
        | {"vendi GMM / RF": [M[g_act]["vendi"], M["rf_unet"]["vendi"]]},
    )
    fid = {m: FM[m]["value"] for m in (*three, g_all, "vae_prior", r_all) if "value" in FM.get(m, {})}
    h6 = [boot(g_act, "rf_unet"), boot(g_act, r_act)]
    out["h6_gmm_best_quality"] = (h6 if None not in h6 else None, prec(*three), {"FID": fid})
    cl = claim("h7_latent_rf_not_better")
    h7 = [boot_equivalence(FM[k], FM[g_act], cl.margin) for k in r_seeds if k in FM and g_act in FM]
    out["h7_latent_rf_not_better"] = (
        h7 or None,
        prec(g_act, r_act),
        {"FID GMM": fid.get(g_act), "FID latent RF per training seed": [FM[k]["value"] for k in r_seeds if k in FM]},
    )
    out["h8_gmm_beats_prior"] = (
        boot(g_all, "vae_prior"),
        vae_p,
        {"FID GMM (all dims)": fid.get(g_all), "FID prior": fid.get("vae_prior")}
        | {"precision GMM / prior": [M[g_all]["precision"], M["vae_prior"]["precision"]]},
    )
    h9 = [boot(g_act, g_all), boot(r_act, r_all)]
    out["h9_kept_dims_help"] = (
        h9 if None not in h9 else None,
        vae_p,
        {"GMM kept / all": [fid.get(g_act), fid.get(g_all)], "RF kept / all": [fid.get(r_act), fid.get(r_all)]},
    )
    out["h10_no_rating_clusters"] = (
        point_tolerance(v["knn_r2_tsne"], 0.0, claim("h10_no_rating_clusters").tolerance),
        vae_p,
        {"kNN R² t-SNE": v["knn_r2_tsne"], "kNN R² μ": v["knn_r2_mu"], "silhouette": v["silhouette_tertiles"]},
    )
    out["h12_rf_hypothesis_rejected"] = (
        boot(g_act, "rf_unet"),
        prec("rf_unet", g_act),
        {"FID GMM": fid.get(g_act), "FID RF": fid.get("rf_unet")},
    )
    out["h13_all_blurry"] = (
        [point(M[m]["sharpness_rel"] - 1, "<", f"{m}: one number per method, no interval") for m in three],
        prec(*three),
        {m: M[m]["sharpness_rel"] for m in M},
    )
    pref = [
        _over_images(superiority(g_t["oracle_top"], top[m]["oracle_top"], better=">"))
        for m in ("rf_unet", r_act)
        if "oracle_top" in g_t and "oracle_top" in top.get(m, {})
    ]
    out["gmm_best_preference"] = (pref or None, prec(*three), {m: top[m]["oracle_mean_top"] for m in top})
    sel_c = (
        _over_images(superiority(g_t["oracle_top"], g_t["oracle_rest"], better=">")) if "oracle_rest" in g_t else None
    )
    out["selection_raises_preference"] = (
        sel_c,
        reg_p,
        {
            f"top {sel['top_k']}": g_t["oracle_mean_top"],
            "not selected": float(np.mean(g_t.get("oracle_rest", [np.nan]))),
        },
    )
    tf = sel.get("train_fit", {})
    ok_rho = np.isfinite(ht["spearman"]) and ht["n"] >= 4 and abs(ht["spearman"]) < 1
    out["regressor_ranks"] = (
        spearman_superiority(ht["spearman"], ht["n"]) if ok_rho else None,
        premise_min({"train ρ": tf.get("spearman", float("nan"))}, RHO_TRAIN_MIN, "Spearman"),
        {k: ht[k] for k in ("spearman", "pearson", "rmse", "mae", "n") if k in ht},
    )
    return out


def _join_premise(ps: list[tuple[str, bool]]) -> tuple[str, bool]:
    return "; ".join(p[0] for p in ps), all(p[1] for p in ps)


def _metric_of(c: Cars, cid: str) -> str | None:
    if cid.startswith(("h6", "h7", "h8", "h9", "h12")):
        fm = [c.fid(ds) for ds in c.run if c.fid(ds)]
        return f"{fm[0]['metric']} of {fm[0]['n']} samples per method vs the training images" if fm else None
    return None


def claims(c: Cars) -> pd.DataFrame:
    """Decide every claim of paper.yaml over both data sets (family 'all'), with its premise, then the trends across
    arms on SynthCars (A7 the data-size gap, A9 the collapse with β / reduction) and the sanity checks; write
    checks.json and return the checks as a frame."""
    s = c.s
    per = {ds: _on(c, ds) for ds in c.run}
    c.per_ds = {}
    for cid in s.paper.claims:
        if cid.startswith(("a7", "a9")):
            continue
        comps, prem, ours = [], [], {}
        for ds, res in per.items():
            comp, p, o = res[cid]
            c.per_ds.setdefault(cid, {})[NICE[ds]] = "not run" if comp is None else _decisions(comp)
            if comp is None:
                continue
            comps += comp if isinstance(comp, list) else [comp]
            prem.append((f"{NICE[ds]}: {p[0]}", p[1]))
            ours[NICE[ds]] = o
        if not comps:
            s.not_run(cid, "the comparison's inputs (bootstrap replicates or arms) were not saved at this tier")
            continue
        arms = [f"{nb}-{DS[ds]}" for ds in per for nb in NOTEBOOKS]
        try:
            _one_commit(s, arms)
        except ValueError as e:
            s.not_run(cid, f"refused to join arms from different commits or parameters ({e})")
            continue
        joined = family(comps, "all")
        kw = {"metric": _metric_of(c, cid)} if _metric_of(c, cid) else {}
        s.decide(
            cid,
            PAPER_TEXT.get(cid, s.paper.claim(cid).text),
            joined,
            ours=ours,
            premise=_join_premise(prem),
            interval_of=INTERVAL_OF[cid] + f"; {len(comps)} comparison(s) over {', '.join(NICE[d] for d in per)}",
            **kw,
        )
    _a7_claim(c)
    _a9_claim(c)
    _sanity(c, per)
    return s.finish()


def _one_commit(s: Summary, arms: Sequence[str]) -> None:
    """One verdict, one commit: the arms behind a claim (each data set's arm of each notebook, which differ in their
    data set by design) come from one commit (:meth:`Summary.same_commit` per arm); raises ValueError otherwise."""
    commits = {a: s.same_commit([a]) for a in arms}
    if len({c for c in commits.values() if c}) > 1:
        parts = "; ".join(f"{a}: {c[:10]}" for a, c in commits.items() if c)
        raise ValueError(f"the arms behind one verdict come from different commits ({parts}); re-run them together")


def _decisions(comp) -> str:
    cs = comp if isinstance(comp, list) else [comp]
    return ", ".join(x.decision for x in cs)


PAPER_TEXT = {
    "h2_compressed_predictions": "max ≈ 4.4 vs true max 9 (ratio 0.49)",
    "h3_narrow_submission": "3.91 – 4.28 (width 0.37)",
    "h4_rf_top20_collapse": "18 near-identical red + 2 near-identical silver",
    "h1_inactive_units": "18 most activated of 64 kept",
}
INTERVAL_OF = {
    "h1_inactive_units": "active units of one VAE per data set (no interval)",
    "h2_compressed_predictions": "max prediction / true max, from the max over our samples to its extrapolation",
    "h3_narrow_submission": "expected top-10 width under an exponential tail (Gamma(9) interval)",
    "h4_rf_top20_collapse": "mean pair distance RF − GMM of one top 20 (no interval)",
    "h5_gmm_more_diverse": "recall GMM − RF of one sample set (no interval)",
    "h6_gmm_best_quality": "FID(GMM) − FID(RF-UNet) and − FID(latent RF), paired bootstrap over samples",
    "h7_latent_rf_not_better": "FID(latent RF) / FID(GMM) − 1 per latent-RF seed, paired bootstrap (90 %, TOST)",
    "h8_gmm_beats_prior": "FID(GMM, all dims) − FID(prior), paired bootstrap over samples",
    "h9_kept_dims_help": "FID(kept) − FID(all dims) for GMM and latent RF, paired bootstrap over samples",
    "h10_no_rating_clusters": "kNN R² of one VAE's latent per data set (no interval)",
    "h12_rf_hypothesis_rejected": "FID(GMM) − FID(RF-UNet), paired bootstrap over samples",
    "h13_all_blurry": "sharpness / real − 1 per method (no interval)",
    "gmm_best_preference": "oracle of the GMM top 20 − of the RF-UNet's / latent RF's, Welch over images",
    "selection_raises_preference": "oracle of the top 20 − of the samples not selected, Welch over images",
    "regressor_ranks": "Spearman ρ on held-out photos, Fisher-z interval",
}


def _a7_claim(c: Cars) -> None:
    """A7 on SynthCars: the trend of the FD ratio RF-UNet / VAE-GMM over log training-set size; not testable with
    fewer than three sizes."""
    a7 = _a7(c)
    syn = a7[a7.data.str.startswith("SynthCars")].sort_values("n_train") if len(a7) else a7
    if len(syn) < 3 or syn.n_train.nunique() < 3:
        c.s.not_run("a7_gap_shrinks_with_data", f"{syn.n_train.nunique() if len(syn) else 0} training-set size(s) ran")
        return
    comp = trend(syn.n_train.tolist(), syn["FD ratio RF/VAE-GMM"].tolist(), "decreasing", log=True)
    ours = {"n_train": syn.n_train.tolist(), "FD ratio RF/GMM": syn["FD ratio RF/VAE-GMM"].tolist()}
    low = syn[["precision RF-UNet", "precision VAE-GMM"]].min(axis=1)
    prem = premise_min(dict(zip(syn.n_train.astype(int).astype(str), low, strict=True)), PRECISION_MIN, "precision")
    c.s.decide(
        "a7_gap_shrinks_with_data",
        "'RF needs millions of images'",
        comp,
        ours=ours,
        premise=prem,
        interval_of="OLS slope of the FD ratio on log n_train",
    )


def _a9_claim(c: Cars) -> None:
    """A9 on SynthCars: each β / reduction ablation arm collapses noticeably more units than the baseline."""
    s, r3 = c.s, _r3(c)
    rows = r3[r3.data.str.startswith("SynthCars")]
    au = dict(zip(rows["arm"], rows.iloc[:, 6], strict=False))
    arms = {k: a for k, a in au.items() if "mean" in k or "beta1" in k}
    base = au.get("03_vae_gmm-synth")
    if base is None or not arms or "synthcars" not in c.run:
        s.not_run("a9_collapse_with_beta", "the baseline or every ablation arm did not run at this tier")
        return
    comp = collapse_decision(base, arms, A9_DROP)
    paper = f"β = {s.P('vae_beta')} leaves {s.P('active_dims')} of {s.P('vae_latent')} active (reduction unstated)"
    base_gmm = c.run["synthcars"]["05_selection"]["methods"][f"vae_gmm_{c.kept('synthcars')[0]}"]
    prem = premise_min(
        {"baseline GMM": base_gmm["precision"]},
        PRECISION_MIN,
        "precision",
    )
    s.decide(
        "a9_collapse_with_beta",
        paper,
        comp,
        ours=au,
        premise=prem,
        interval_of=f"AU drop − max(1, {A9_DROP:g} × baseline) per ablation arm, one run each (no interval)",
    )


def _sanity(c: Cars, per: dict) -> None:
    """h11 (fixed by the simulated rater) and the RF-UNet's falling loss, on every data set."""
    s, oks, vals = c.s, [], []
    for ds in c.run:
        sel = c.run[ds]["05_selection"]
        g = {r["method"]: r for r in sel["r2"]}[f"vae_gmm_{c.kept(ds)[1]}"]
        oks.append(g["warm"] >= 0.7 * sel["top_k"] and g["silver"] <= 1)
        vals.append(f"{NICE[ds]}: {g['warm']} warm, {g['silver']} silver of {sel['top_k']} ({g['colors']})")
    s.sanity("h11_colour_bias", all(oks), "; ".join(vals))
    oks, vals = [], []
    for ds in c.run:
        loss = pd.DataFrame(c.run[ds]["02_rf_unet"]["history"]).loss
        n10 = max(1, len(loss) // 10)
        first, last = float(loss.iloc[:n10].mean()), float(loss.iloc[-n10:].mean())
        oks.append(last < first)
        vals.append(f"{NICE[ds]}: {first:.4g} → {last:.4g}")
    s.sanity("rf_loss_decreases", all(oks), "; ".join(vals))


def closing(c: Cars) -> pd.DataFrame:
    """Which claim held on which data set: per claim and data set, the decision of each comparison (before the
    premise and the tier, which the verdict in checks.json applies)."""
    caption = f"Tier: {c.s.tier}. " + (
        "These outcomes come from the reduced CPU tier (24×32 images, a few hundred training steps); "
        "they test the pipeline and are not evidence for or against the report."
        if c.s.tier == "reduced"
        else "Outcomes of each comparison at this tier; the verdicts (premises and tiers applied) are in the checks."
    )
    print(caption)
    df = pd.DataFrame(getattr(c, "per_ds", {})).T.fillna("not tested")
    df.to_csv(c.s.res.dir / "closing_note.csv")  # indexed by claim
    return df
