"""rectified_flow_cars (Goldschmidt et al. 2024, a student report): the summary's tables, figure and checks.

The report generates car images with three samplers (a pixel-space RF-UNet, a VAE whose latent is sampled by a
GMM or by the N(0, I) prior, and a rectified flow in that latent) and selects each one's top by a rating
regressor. :class:`Cars` holds the :class:`~genrep.report.summary.Summary` and each data set's four arms
(02_rf_unet … 05_selection); every other function builds one table, figure or group of checks from it, saves it
beside the summary and returns (or shows) what the notebook displays.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..checks import Check
from ..guards import collapses_more, fd_floor_comparable
from ..intervals import combine, compare_boot, compare_spearman
from ..summary import Summary
from ..verdicts import compare_seeds

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


def _claims_on(c: Cars, ds: str):
    """The headline claims on one data set: ``(claim id, text, paper, ok, ours, check keywords)`` each; a
    ``comparison`` keyword (paired bootstrap of FIDs, Welch over images, Spearman's interval) decides it where the
    tier saved the replicates, else the plain outcome ``ok``."""
    s, P, X = c.s, c.s.P, c.s.X
    sel, v = c.run[ds]["05_selection"], c.run[ds]["03_vae_gmm"]
    M, FM, (fd, fdm) = sel["methods"], c.fid(ds).get("methods", {}), c.fd(ds)
    k_all, k_act = c.kept(ds)
    g_act, g_all, r_act, r_all = f"vae_gmm_{k_act}", f"vae_gmm_{k_all}", f"vae_rf_{k_act}", f"vae_rf_{k_all}"
    top, sub, ht = {r["method"]: r for r in sel["r2"]}, _submission(sel), sel["honest_test"]
    gen_max, real_max, N = _max_pred(sel), _max_pred(sel, real=True), P("top_selected")
    r_seeds = [r_act] + sorted(k for k in FM if k.startswith(f"{r_act}@seed"))
    rf_t, g_t = top["rf_unet"], top[g_act]

    def lower(a, b, scale=1.0):
        """Paired-bootstrap comparison FID(a) < scale·FID(b), or None without replicates."""
        return compare_boot(FM[a], FM[b], "<", scale=scale) if a in FM and b in FM else None

    def by_fd(comp=None):
        """Decided on the distance ``fd`` by ``comp`` (None without bootstrap replicates: the plain outcome)."""
        return {"metric": fdm, "comparison": comp}

    per_seed = f"paired bootstrap per latent-RF training seed ({len(r_seeds)}); decided only when all agree"

    oracle = compare_seeds(g_t["oracle_top"], g_t["oracle_rest"], ">") if "oracle_top" in g_t else None
    rho_ok = np.isfinite(ht["spearman"]) and ht["n"] >= 4
    return [
        (
            "h1_inactive_units",
            f"H1 many latent units are inactive (8 ≤ AU ≤ 32 of {P('vae_latent')})",
            f"{P('active_dims')} most activated of {P('vae_latent')} kept",
            8 <= v["active_units"] <= 32,
            {"AU": v["active_units"], "latent": k_all, "β": v["beta"]},
            {},
        ),
        (
            "h2_compressed_predictions",
            "H2 regressor predictions are compressed (max on generated ≤ 0.7 × true max and below real)",
            f"max ≈ {X('regressor_max'):g} vs true max {P('moira_max')}",
            gen_max <= 0.7 * sel["true_max"] and gen_max < real_max,
            {"max generated": gen_max, "max real train": real_max, "true max": sel["true_max"]},
            {},
        ),
        (
            "h3_narrow_submission",
            f"H3 the submitted top {P('top_submitted')} lie in a narrow band (< 1 rating point)",
            f"{_submitted(s)} (width {X('submission_high') - X('submission_low'):.2f})",
            max(sub) - min(sub) < 1.0,
            {"range": [min(sub), max(sub)], "width": max(sub) - min(sub)},
            {},
        ),
        (
            "h4_rf_top20_collapse",
            f"H4 RF-UNet top {N} are less diverse than VAE-GMM top {N} (fewer clusters and smaller pairwise distance)",
            _rf_top20(s),
            rf_t["near_dup_clusters"] <= g_t["near_dup_clusters"]
            and rf_t["mean_pair_cos_dist"] < g_t["mean_pair_cos_dist"],
            {
                "clusters RF / GMM": [rf_t["near_dup_clusters"], g_t["near_dup_clusters"]],
                "pair dist RF / GMM": [rf_t["mean_pair_cos_dist"], g_t["mean_pair_cos_dist"]],
            },
            {},
        ),
        (
            "h5_gmm_more_diverse",
            "H5 VAE-GMM has more diversity than RF-UNet over all samples (recall)",
            "VAE-GMM best in diversity",
            M[g_act]["recall"] > M["rf_unet"]["recall"],
            {
                "recall GMM / RF": [M[g_act]["recall"], M["rf_unet"]["recall"]],
                "vendi GMM / RF": [M[g_act]["vendi"], M["rf_unet"]["vendi"]],
            },
            {},
        ),
        (
            "h6_gmm_best_quality",
            "H6 VAE-GMM has the best image quality (lowest FD of the three generators)",
            "VAE-GMM best in image quality",
            fd[g_act] <= min(fd["rf_unet"], fd.get(r_act, np.inf)),
            {
                "FD": {m: fd[m] for m in ("rf_unet", g_act, r_act) if m in fd},
                "sharpness/real RF / GMM": [M["rf_unet"]["sharpness_rel"], M[g_act]["sharpness_rel"]],
            },
            by_fd(combine([lower(g_act, "rf_unet"), lower(g_act, r_act)]) if FM else None),
        ),
        (
            "h7_latent_rf_not_better",
            "H7 latent RF is about as good as GMM but not better (FD-GMM ≤ 1.05 × FD-RF, kept dims)",
            "latent RF ≈ GMM, not better",
            fd[g_act] <= 1.05 * fd[r_act],
            {"FD GMM": fd[g_act], "FD latent RF per training seed": [fd[k] for k in r_seeds if k in fd]},
            by_fd(combine([lower(g_act, k, 1.05) for k in r_seeds], per_seed) if FM else None),
        ),
        (
            "h8_gmm_beats_prior",
            "H8 GMM sampling beats the N(0, I) prior",
            "GMM instead of the standard normal",
            fd[g_all] < fd["vae_prior"],
            {
                "FD GMM (all dims)": fd[g_all],
                "FD prior": fd["vae_prior"],
                "precision GMM / prior": [M[g_all]["precision"], M["vae_prior"]["precision"]],
            },
            by_fd(lower(g_all, "vae_prior")),
        ),
        (
            "h9_kept_dims_help",
            f"H9 the {k_act} most active dims beat all {k_all} for GMM and latent RF",
            "reduced latent 'slightly improved' fidelity",
            fd[g_act] <= fd[g_all] and fd[r_act] <= fd[r_all],
            {"GMM kept / all": [fd[g_act], fd[g_all]], "RF kept / all": [fd[r_act], fd[r_all]]},
            {"metric": fdm},
        ),
        (
            "h10_no_rating_clusters",
            "H10 the latent has no rating clusters (kNN R² on t-SNE < 0.3, |silhouette| < 0.1)",
            "no clusters in the t-SNE",
            v["knn_r2_tsne"] < 0.3 and abs(v["silhouette_tertiles"]) < 0.1,
            {"kNN R² t-SNE": v["knn_r2_tsne"], "kNN R² μ": v["knn_r2_mu"], "silhouette": v["silhouette_tertiles"]},
            {},
        ),
        (
            "h11_colour_bias",
            f"H11 the VAE-GMM top {N} is ≥ 70 % red/orange/yellow with at most 1 silver",
            "regressor favours colourful cars; no silver",
            g_t["warm"] >= 0.7 * sel["top_k"] and g_t["silver"] <= 1,
            {"warm": g_t["warm"], "silver": g_t["silver"], "colours": g_t["colors"]},
            {},
        ),
        (
            "h12_rf_hypothesis_rejected",
            "H12 VAE-GMM beats RF-UNet (FD), i.e. the hypothesis 'RF > VAE' is rejected",
            "RF hypothesis rejected",
            fd[g_act] < fd["rf_unet"],
            {"FD GMM": fd[g_act], "FD RF": fd["rf_unet"]},
            by_fd(lower(g_act, "rf_unet")),
        ),
        (
            "h13_all_blurry",
            "H13 every method is blurrier than the real images (sharpness/real < 1)",
            "all methods blurry",
            all(M[m]["sharpness_rel"] < 1 for m in M if m != "test (real)"),
            {m: M[m]["sharpness_rel"] for m in M},
            {},
        ),
        (
            "gmm_best_preference",
            f"the VAE-GMM top {N} has the highest oracle (true-preference) score of the generators",
            "VAE-GMM best in estimated preference scores",
            g_t["oracle_mean_top"] >= max(top[m]["oracle_mean_top"] for m in ("rf_unet", r_act) if m in top),
            {m: top[m]["oracle_mean_top"] for m in top},
            {},
        ),
        (
            "selection_raises_preference",
            f"regressor selection raises the true preference (oracle of top {N} > random {N}, VAE-GMM)",
            "selection by the regressor approximates Moira's taste",
            g_t["oracle_mean_top"] > g_t["oracle_mean_random"],
            {f"top {N}": g_t["oracle_mean_top"], f"random {N}": g_t["oracle_mean_random"]},
            {
                "comparison": oracle
                and replace(
                    oracle, method=f"Welch t-interval over images: the top {sel['top_k']} vs the samples not selected"
                )
            },
        ),
        (
            "regressor_ranks",
            "the regressor ranks held-out images in the right order (Spearman > 0)",
            "ranking 'effectively maintained'",
            ht["spearman"] > 0,
            ht,
            {"comparison": compare_spearman(ht["spearman"], ht["n"]) if rho_ok else None},
        ),
    ]


def claims(c: Cars) -> pd.DataFrame:
    """Decide every headline claim (spec §10) on each data set, then the trends across arms on SynthCars (A7 the
    data-size gap, A9 the collapse with β / reduction) and the pipeline check that the RF-UNet's loss falls; write
    checks.json and return the checks as a frame."""
    s = c.s
    for ds in c.run:
        for cid, text, paper, ok, ours, kw in _claims_on(c, ds):
            s.check(cid, paper, None if ok is None else bool(ok), ours, text=f"{text} [{NICE[ds]}]", **kw)
    a7 = _a7(c)
    syn = a7[a7.data.str.startswith("SynthCars")].sort_values("n_train") if len(a7) > 1 else []
    if len(syn) > 1:
        ratio = syn["FD ratio RF/VAE-GMM"].tolist()
        ours = {"n_train": syn.n_train.tolist(), "FD ratio RF/GMM": ratio}
        text = "A7 the RF-vs-VAE-GMM gap shrinks as the training set grows [SynthCars]"
        metric = f"FD ratio RF-UNet / VAE-GMM ({c.fd(list(c.run)[-1])[1]})"
        s.check(
            "a7_gap_shrinks_with_data",
            "'RF needs millions of images'",
            bool(ratio[-1] < ratio[0]),
            ours,
            text=text,
            metric=metric,
        )
    r3 = _r3(c)
    beta_rows = r3[r3.data.str.startswith("SynthCars")]
    if len(beta_rows) > 1:
        au = dict(zip(beta_rows["arm"], beta_rows.iloc[:, 6], strict=False))
        arms = {k: a for k, a in au.items() if "mean" in k or "beta1" in k}
        text = (
            f"A9 a mean-over-pixels loss or larger β collapses noticeably more units (≥ {100 * A9_DROP:g} % "
            f"fewer active) than sum/sum β = {s.P('vae_beta')} [SynthCars]"
        )
        paper = f"β = {s.P('vae_beta')} leaves {s.P('active_dims')} of {s.P('vae_latent')} active (reduction unstated)"
        ok = collapses_more(au.get("03_vae_gmm-synth"), arms, min_drop_frac=A9_DROP)
        s.check(
            "a9_collapse_with_beta", paper, ok, au, "strict: equal counts (nothing collapses) do not pass", text=text
        )
    for ds in c.run:
        loss = pd.DataFrame(c.run[ds]["02_rf_unet"]["history"]).loss
        n10 = max(1, len(loss) // 10)
        first, last = float(loss.iloc[:n10].mean()), float(loss.iloc[-n10:].mean())
        text = f"RF-UNet training loss decreases (last 10 % < first 10 %) [{NICE[ds]}]"
        s.checks.append(Check(text, "(pipeline check)", bool(last < first), s.tier, {"first": first, "last": last}))
    return s.finish()


def closing(c: Cars) -> pd.DataFrame:
    """Which claim held on which data set (rows: claims without their data-set tag; columns: data sets)."""
    rows = {}
    for chk in c.s.checks:
        claim, _, where = chk.claim.rpartition(" [")
        rows.setdefault(claim, {})[where.rstrip("]")] = (
            "—" if chk.ok is None else ("held" if chk.ok else "did not hold")
        )
    caption = f"Tier: {c.s.tier}. " + (
        "These outcomes come from the reduced CPU tier (24×32 images, a few hundred training steps); "
        "they test the pipeline and are not evidence for or against the report."
        if c.s.tier == "reduced"
        else "Outcomes at this tier."
    )
    print(caption)
    df = pd.DataFrame(rows).T.fillna("not tested")
    df.to_csv(c.s.res.dir / "closing_note.csv")  # indexed by claim
    return df
