# %% [markdown]
# # Summary: the thesis's tables beside ours, and its headline claims
#
# Paper values are quoted verbatim from the thesis (`paper.yaml`). Ours carry the tier: at the **reduced**
# tier every model is a tiny network trained for a few hundred CPU steps and no claim is decided; the
# **cpu** tier trains scaled-down models (named in the tier description) long enough to decide orderings
# over seeds or targets. The perceptual distance is a proxy (LPIPS-cifarnet) at every tier; the sample
# distance is FD-cifarnet at reduced and true FID (TF-Inception) from cpu up, on the datasets this book has.
# Ch. 4 runs on a class-conditional GAN trained here on a procedural stand-in in place of BigGAN: compare
# orderings, not absolute values.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/controlling_generative_models/reduced/08_summary"
runs_dir = "runs/controlling_generative_models/reduced/08_summary"

# %%
import itertools
import json
import math
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from genrep.models.betavae import BetaVAE
from genrep.report import Check, ReplicationTable, Results, checks_frame
from genrep.report.checks import format_interval
from genrep.report.guards import toy_on_data
from genrep.report.intervals import combine, compare_spearman, compare_within
from genrep.report.verdicts import compare_mean, compare_seeds
from genrep.train import count_params

Path(runs_dir).mkdir(parents=True, exist_ok=True)
res = Results(results_dir, tier)
paper = res.paper()  # the thesis's numbers and claims (paper.yaml)
toy = res.metrics("01_data_and_toy")
bench = {a: res.metrics(a) for a in res.arms_of("02_avae_benchmark")}
inv = res.metrics("03_gan_inversion")
traj = res.metrics("04_trajectories")
dirs = res.metrics("05_gan_directions")
bvae = {a: res.metrics(a) for a in res.arms_of("06_beta_vae")}
scenes = res.metrics("07_scenes")
print("arms:", list(bench), list(bvae))


def P(id: str) -> str:
    """A thesis number, verbatim as printed (from paper.yaml)."""
    return str(paper.number(id))


def X(id: str) -> float:
    """A thesis number as a float."""
    return float(paper.number(id))


def mean_of(id: str) -> str:
    """The mean of a 'mean ± std' cell of Table 3.1, verbatim."""
    return P(id).split(" ± ")[0]


def kv(id: str) -> dict:
    """A Table 4.2 cell, 'filters=<n> size=<k> stride=<s> pad=<p>', as a dict."""
    return dict(item.split("=") for item in P(id).split())


bvae_n = {int(m["n_train"]) for m in bvae.values()}
DATA = {  # what each claim was measured on (claim-id prefix -> data label)
    "t31": "; ".join(sorted({m["data"] for m in bench.values()})),
    "toy": "2-D toy (synthetic, §3.4: x = (3 z1 + 0.1 ε, cos(3 z1 + tanh(3 z2)) + 0.1 ε))",
    "t41": inv["data"],
    "norm": inv["data"],
    "sigma": inv["data"],
    "direction": inv["data"],
    "chunk": inv["data"],
    "recursive": "analytic disk generator (exact)",
    "gradient": "analytic disk generator (exact)",
    "bvae": f"{toy['dsprites_source']}, {'/'.join(map(str, sorted(bvae_n)))} training images" if bvae_n else "",
    "capacity": "analytic (exact) and Monte Carlo",
    "t51": "3D-Room: not available offline",
}
DATA["bvae_params"] = "architecture (no data)"


def data_of(cid: str) -> str:
    return DATA.get(cid) or next((v for k, v in DATA.items() if cid.startswith(k)), "")


def claimed(cid: str, claim: str, paper_text: str, ok, ours: dict, note: str = "", metric: str | None = None) -> Check:
    """A check of the claim ``cid`` declared in paper.yaml (its id, minimal tier and, unless given, metric)."""
    c = paper.claim(cid)
    return Check(
        claim,
        paper_text,
        ok,
        tier,
        ours,
        note,
        claim_id=c.id,
        min_tier=c.min_tier,
        metric=metric or c.metric,
        data=data_of(cid),
    )


# %% [markdown]
# ## Table 3.1 (reconstruction MSE, perceptual distance, sample distance; mean ± std over runs)

# %%
PAPER_COLS = ["BEDROOM", "CELEBA", "CIFAR10", "CIFAR100", "SVHN"]
KEY = {
    "VAE": "vae",
    "GAN": "gan",
    "VAE/GAN": "vaegan",
    "BiGAN": "bigan",
    "Ours with ξ, L_Z^a": "avae_xi_a",
    "Ours without ξ, L_Z^a": "avae_a",
    "Ours without ξ, L_Z^b": "avae_b",
}
T31_METRICS = {"VAE": ("MSE", "LPIPS", "FID"), "GAN": ("FID",)}  # the others have all three
T31 = {
    (model, metric): [P(f"t31_{k}_{metric.lower()}_{col.lower()}") for col in PAPER_COLS]  # verbatim, paper.yaml
    for model, k in KEY.items()
    for metric in T31_METRICS.get(model, ("MSE", "LPIPS", "FID"))
}
METRIC = {"MSE": "mse", "LPIPS": "perceptual", "FID": "fd"}
by_ds: dict = {}
for m in bench.values():
    by_ds.setdefault(m["dataset"], []).append(m)
first = next(iter(bench.values()))
names = first["metric_names"]


def agg(dataset, model, metric):
    vals = [r["scores"][model][metric] for r in by_ds.get(dataset, []) if metric in r["scores"].get(model, {})]
    if not vals:
        return None
    return f"{np.mean(vals):.4g} ± {np.std(vals):.2g} (n={len(vals)})" if len(vals) > 1 else float(vals[0])


t31 = ReplicationTable(
    "table_3_1",
    "Reconstruction and sample quality of the AVAE family",
    "Plumerault 2023, Table 3.1",
    tier,
    data_note="; ".join(sorted({m["data"] for m in bench.values()}))
    + f". Ours: MSE in [−1, 1]; LPIPS → {names['perceptual']} (proxy); FID → {names['fd']}"
    + (
        f" (TF-Inception) of {first['eval_n']} samples vs {first['eval_n']} training images, mean ± sd over seeds"
        if names["fd"] == "FID"
        else " (proxy)"
    ),
)
for (model, metric), vals in T31.items():
    for col, paper_v in zip(PAPER_COLS, vals, strict=False):
        ours = agg("cifar10", KEY[model], METRIC[metric]) if col == "CIFAR10" else None
        note = "" if col == "CIFAR10" else "dataset not available offline"
        if col == "CIFAR10" and metric != "MSE":
            note = (
                f"ours is {names[METRIC[metric]]}: not comparable with {metric}"
                if names[METRIC[metric]] != metric
                else f"ours at n = {first['eval_n']} (FID's bias grows as n falls): compare orderings only"
            )
        t31.add(f"{model} — {metric}", col, paper_v, ours, None, note=note)
    for ds_name in sorted(d for d in by_ds if d != "cifar10"):
        t31.add(
            f"{model} — {metric}",
            ds_name,
            "— (not in the thesis)",
            agg(ds_name, KEY[model], METRIC[metric]),
            None,
            note="extra dataset of this book",
        )
res.save_table(t31)
ours31 = pd.DataFrame(
    {
        (d, k): {mt: agg(d, k, METRIC[mt]) for mt in METRIC} | {"hf ratio": agg(d, k, "hf_power_ratio")}
        for d in by_ds
        for k in KEY.values()
    }
).T
fig, axes = plt.subplots(len(by_ds), 3, figsize=(13, 3.2 * len(by_ds)), squeeze=False)
for row, (d, runs_) in zip(axes, sorted(by_ds.items()), strict=False):
    for ax, (metric, label) in zip(
        row,
        (("fd", names["fd"]), ("mse", "reconstruction MSE"), ("hf_power_ratio", "high-frequency power ratio")),
        strict=False,
    ):
        models_ = [k for k in KEY.values() if all(metric in r["scores"].get(k, {}) for r in runs_)]
        for i, k in enumerate(models_):
            v = [r["scores"][k][metric] for r in runs_]
            ax.scatter([i] * len(v), v, s=14, color="C0", alpha=0.7)
            ax.plot([i - 0.3, i + 0.3], [np.mean(v)] * 2, color="k", lw=1.5)
        ax.set_xticks(
            range(len(models_)),
            [next(m for m, kk in KEY.items() if kk == k) for k in models_],
            rotation=35,
            ha="right",
            fontsize=7,
        )
        ax.set_title(f"{label} ({d}; dots: seeds, bar: mean)", fontsize=9)
fig.suptitle(f"Table 3.1 at the {tier} tier: every seed of every model", fontsize=10)
fig.tight_layout()
res.save_figure(fig, "table_3_1_seeds")
plt.show()
ours31  # noqa: B018

# %% [markdown]
# ## Table 4.1 (LPIPS between an image and its inversion)

# %%
SIGMA = X("sigma_typical")  # the blur of Table 4.1's "Our (σ = 3)"
T41 = {
    "MSE": ("mse", P("t41_mse_mean"), P("t41_mse_std")),
    "DSSIM": ("dssim", P("t41_dssim_mean"), P("t41_dssim_std")),
    f"Ours (σ = {P('sigma_typical')})": ("blur_mse", P("t41_ours_mean"), P("t41_ours_std")),
}
rows = pd.DataFrame(inv["inversion"])
con = rows[rows.constrain_norm & ((rows.loss != "blur_mse") | (rows.sigma == SIGMA))].set_index("loss")
t41 = ReplicationTable(
    "table_4_1",
    "Inversion quality: perceptual distance between target and G(ẑ)",
    "Plumerault 2023, Table 4.1",
    tier,
    data_note=f"{inv['inv_targets']} held-out textured-shapes stand-in images, {inv['inv_iters']} "
    f"iterations, the book's class-conditional GAN (not BigGAN); {inv['perceptual']}",
)
for label, (key, pm, ps) in T41.items():
    r = con.loc[key] if key in con.index else None
    t41.add(
        label, "mean LPIPS", pm, float(r.lpips_mean) if r is not None else None, None, note=f"ours: {inv['perceptual']}"
    )
    t41.add(label, "std LPIPS", ps, float(r.lpips_std) if r is not None else None, None)
res.save_table(t41)
rows.round(4)

# %% [markdown]
# ## Table 4.2 (the β-VAE architecture) and Table 5.1 (object detection)

# %%
t42 = ReplicationTable(
    "table_4_2",
    "β-VAE architecture (dSprites)",
    "Plumerault 2023, Table 4.2",
    tier,
    data_note="architecture check; parameter count of our implementation",
)
conv, out_, dense, lat = kv("t42_conv"), kv("t42_out"), kv("t42_dense")["units"], kv("t42_latent")["units"]
k, st = f"{conv['size']}×{conv['size']}", f"s{conv['stride']}"
layers = [
    ("encoder", f"4 × Conv+ReLU {conv['filters']}, {k}, {st}, {conv['pad']}", "implemented"),
    ("encoder", f"2 × Dense+ReLU {dense}", "implemented"),
    ("encoder", f"μ: Dense {lat}; σ: Dense {lat} + exp", "implemented"),
    ("decoder", f"2 × Dense+ReLU {dense}", "implemented"),
    (
        "decoder",
        f"Reshape {kv('t42_reshape')['shape'].replace('x', '×')}",
        "Dense+ReLU 512 inserted before the reshape (errata)",
    ),
    (
        "decoder",
        f"3 × ConvT+ReLU {conv['filters']}, {k}, {st}; ConvT+Sigmoid {out_['filters']}, "
        f"{out_['size']}×{out_['size']}, s{out_['stride']}",
        "implemented",
    ),
]
for part, layer, ours in layers:
    t42.add(layer, part, layer, ours, None)
n_bvae = count_params(BetaVAE())
t42.add("total parameters", "model", "not stated", float(n_bvae), None, note="with the Dense 512 fix")
res.save_table(t42)
T51_MODELS = {
    "ours": f"Our ({P('t51_grid_ours')})",
    "space": f"SPACE ({P('t51_grid_space')})",
    "spair": f"SPAIR ({P('t51_grid_space')})",
}
T51 = [
    (name, f"3D-Room {room.upper()}", *(P(f"t51_{m}_{room}_{c}") for c in ("ap50", "ap", "count")))
    for room in ("l", "s")
    for m, name in T51_MODELS.items()
]
t51 = ReplicationTable(
    "table_5_1",
    "Object detection quality",
    "Plumerault 2023, Table 5.1 (SPACE/SPAIR rows from Lin et al. 2020)",
    tier,
    data_note="not testable: " + scenes["table_5_1"].split(": ", 1)[1],
)
for model, ds_name, ap50, ap, cnt in T51:
    for col, v in (("AP @ IoU 0.5", ap50), ("AP @ IoU 0.5:0.95", ap), ("object count error rate", cnt)):
        t51.add(f"{model}, {ds_name}", col, v, None, None, note="not testable (no 3D-Room data; model not built)")
res.save_table(t51)
t42  # noqa: B018

# %% [markdown]
# ## Fig. 4.11 combined: the spread of the measured x along the direction, one curve per β

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
groups: dict = {}
for m in bvae.values():
    groups.setdefault(float(m["beta"]), []).append(m["control"])
for b, cs in sorted(groups.items()):
    t_ = np.array(cs[0]["alphas"])
    for ax, key in zip(axes, ("std", "mean"), strict=False):
        v = np.array([c[key] for c in cs], dtype=float)
        (line,) = ax.plot(t_, v.mean(0), "o-", ms=3, label=f"β = {b:g} ({len(cs)} seed{'s' * (len(cs) > 1)})")
        if len(cs) > 1:  # the spread over training seeds
            ax.fill_between(t_, v.min(0), v.max(0), color=line.get_color(), alpha=0.15, lw=0)
axes[0].set(xlabel="t", ylabel="std of measured x", title="control precision (lower is better)")
axes[1].set(xlabel="t", ylabel="mean measured x", title="mean position along the direction")
for ax in axes:
    ax.legend(fontsize=7)
fig.suptitle(
    f"Fig. 4.11 regenerated: β-VAEs on procedural dSprites ({tier} tier; mean over seeds, band = min–max)", fontsize=10
)
res.save_figure(fig, "fig_4_11_betas")
plt.show()

# %% [markdown]
# ## Every figure of the thesis and where it is (spec §5)

# %%
FIGS = [
    ("1.1–1.7, 2.1, 2.3, 2.5, 2.6", "illustrations and borrowed figures", "not reproduced (not results)"),
    ("2.2 / 2.4", "samples of a small VAE / GAN on CelebA", "analogue: 02 fig_3_9_samples (CIFAR-10)"),
    ("3.1", "why VAEs blur (erf)", "regenerated exactly: 01 fig_3_1_erf"),
    (
        "3.2–3.5",
        "schematic, framework, algorithm, architecture",
        "documented in genrep.models.avae and genrep.systems.avae; no plot",
    ),
    (
        "3.6",
        "FFHQ-256 triptych",
        (
            "not reproducible (FFHQ-256 StyleGAN2-derived model out of scope); analogue "
            "row 'AVAE's VAE decoder' in 02 fig_3_8_reconstructions"
        ),
    ),
    ("3.7", "2-D toy", "regenerated: 01 fig_3_7_toy"),
    (
        "3.8 / 3.9",
        "reconstructions / samples on CelebA, SVHN, LSUN",
        ("regenerated on CIFAR-10 (+ MNIST, cats at budget): 02 fig_3_8_reconstructions, fig_3_9_samples"),
    ),
    ("4.1 / 4.8 / 4.9", "BigGAN traversals", "regenerated on the book's class-conditional GAN: 05 fig_4_8_traversals"),
    ("4.2", "reconstructions for several σ", "regenerated: 03 fig_4_2_sigma"),
    ("4.3", "MSE vs DSSIM vs blurred MSE, ± norm constraint", "regenerated: 03 fig_4_3_losses"),
    ("4.4", "PCA of dSprites trajectories", "regenerated exactly: 04 fig_4_4_pca"),
    (
        "4.5",
        "vanishing gradient",
        ("regenerated on the analytic disk: 04 fig_4_5_vanishing_gradient (the trained-decoder variant is not done)"),
    ),
    ("4.6", "recursive vs naive convergence", "regenerated on the analytic disk: 04 fig_4_6_recursive_vs_naive"),
    ("4.7", "control violins, train / held-out classes", "regenerated on the book's GAN: 05 fig_4_7_control"),
    ("4.10", "energy of u per latent chunk", "regenerated: 05 fig_4_10_chunks"),
    ("4.11", "β-VAE control precision", "regenerated: 06 fig_4_11_panel (per β), 08 fig_4_11_betas"),
    ("5.1", "architecture diagram", "not reproduced (diagram)"),
    ("5.2", "P(no cell overloaded)", "regenerated exactly: 07 fig_5_2_capacity"),
    (
        "5.3 / 5.4 / 5.5",
        "scene decompositions and generated scenes",
        (
            "not reproducible here: the SPACE-style "
            "model was not built; 07 shows the multi-object stand-in and its ground truth"
        ),
    ),
]
figs = pd.DataFrame(FIGS, columns=["figure", "content", "status in this book"])
figs.to_csv(res.dir / "figures_status.csv", index=False)
figs  # noqa: B018

# %% [markdown]
# ## Headline checks (spec §10)

# %%
checks = []
HF_VAE_MAX, HF_AVAE_TOL = 0.5, 0.25  # 'VAE ≪ 1': ratio ≤ 0.5; 'AVAE ≈ 1': |ratio − 1| ≤ 0.25 (declared)
FID_GAP, GAN_TOL = 1.2, 0.25  # 'VAE ≫ AVAE': FID(VAE) > 1.2 × FID(AVAE); 'AVAE ≈ GAN': ratio within 1 ± 0.25


def decided(
    cid: str, claim: str, paper_text: str, comparison, ours: dict, metric: str | None = None, n=None, note: str = ""
) -> Check:
    """A check of the claim ``cid`` decided by a noise-aware comparison (seeds or targets)."""
    c = paper.claim(cid)
    return Check.from_comparison(
        claim,
        paper_text,
        tier,
        comparison,
        ours,
        claim_id=c.id,
        min_tier=c.min_tier,
        metric=metric or c.metric,
        n=n,
        note=note or comparison.method,
        data=data_of(cid),
    )


def fmt_iv(interval) -> str:
    return format_interval(interval) if interval is not None else "(no interval)"


def per_seed(runs, model, metric):
    """Per-seed values of one model's metric, in seed order (arms of one dataset)."""
    return np.array([r["scores"][model][metric] for r in sorted(runs, key=lambda r: r.get("seed", 0))])


for d, runs in sorted(by_ds.items()):
    fd_name, n_seeds = names["fd"], len(runs)
    fid_n = f"{fd_name}, n = {first['eval_n']} samples vs {first['eval_n']} training images"
    fd = {k: per_seed(runs, k, "fd") for k in KEY.values()}
    mse = {k: per_seed(runs, k, "mse") for k in ("vae", "avae_b", "vaegan", "bigan")}
    hf = {k: per_seed(runs, k, "hf_power_ratio") for k in ("vae", "avae_b")}

    def mean(v):
        return float(np.mean(v))

    c31 = {
        k: mean_of(f"t31_{k}")
        for k in (
            "vae_fid_celeba",
            "avae_b_fid_celeba",
            "gan_fid_celeba",
            "vae_fid_bedroom",
            "avae_b_fid_bedroom",
            "gan_fid_bedroom",
            "vae_mse_celeba",
            "avae_b_mse_celeba",
            "vaegan_mse_celeba",
            "bigan_mse_celeba",
            "avae_xi_a_fid_celeba",
            "avae_a_fid_celeba",
        )
    }
    # are the adversarial generators trained? (the thesis's GAN has a far lower FID than its VAE on every dataset)
    worse = int((fd["gan"] > fd["vae"]).sum())
    adv = (
        f"{d}: the GAN's {fd_name} is above the VAE's in {worse} of {n_seeds} seeds (GAN "
        f"{', '.join(f'{v:.0f}' for v in fd['gan'])} vs VAE {', '.join(f'{v:.0f}' for v in fd['vae'])}): "
        + (
            "the adversarial generators have not left their collapsed start at this tier (see Fig. 3.9 in 02)"
            if worse == n_seeds
            else "the adversarial generators produce samples competitive with the VAE's"
        )
    )
    print(adv)
    gap = compare_mean(fd["vae"] - FID_GAP * fd["avae_b"], ">", 0.0)
    near = compare_within(fd["avae_b"] / fd["gan"], 1.0, GAN_TOL)
    checks.append(
        decided(
            "t31_fid_vae_avae_gan",
            f"{fd_name}: VAE ≫ AVAE (L_Z^b) ≈ GAN ({d}, {n_seeds} seeds)",
            f"CelebA FID {c31['vae_fid_celeba']} vs {c31['avae_b_fid_celeba']} vs {c31['gan_fid_celeba']}; "
            f"LSUN {c31['vae_fid_bedroom']} vs {c31['avae_b_fid_bedroom']} vs {c31['gan_fid_bedroom']}",
            combine(
                [gap, near],
                f"both: FID(VAE) − {FID_GAP:g}·FID(AVAE) > 0 ({gap.decision}, "
                f"interval {fmt_iv(gap.interval)}) and FID(AVAE)/FID(GAN) within 1 ± {GAN_TOL:g} "
                f"({near.decision}, interval {fmt_iv(near.interval)}); t-intervals over seeds",
            ),
            {
                "VAE": mean(fd["vae"]),
                "AVAE (L_Z^b)": mean(fd["avae_b"]),
                "GAN": mean(fd["gan"]),
                "AVAE/GAN ratio": mean(fd["avae_b"] / fd["gan"]),
            },
            metric=fid_n,
            n=n_seeds,
            note=f"{gap.method}; {adv}",
        )
    )
    pairs = [("vae", "avae_b"), ("avae_b", "vaegan"), ("vaegan", "bigan")]
    order = [compare_seeds(mse[a], mse[b], "<") for a, b in pairs]
    order_c = combine(
        order,
        "each consecutive pair lower, Welch t-intervals over seeds: "
        + "; ".join(f"{a} − {b} {c.decision} {fmt_iv(c.interval)}" for (a, b), c in zip(pairs, order, strict=False)),
    )
    checks.append(
        decided(
            "t31_mse_order",
            f"MSE ordering VAE < AVAE < VAE/GAN < BiGAN ({d}, {n_seeds} seeds)",
            "CelebA " + " < ".join(c31[f"{k}_mse_celeba"] for k in ("vae", "avae_b", "vaegan", "bigan")),
            order_c,
            {k: mean(v) for k, v in mse.items()},
            n=n_seeds,
            note=f"{order_c.method}; {adv}",
        )
    )
    lp = {k: mean(per_seed(runs, k, "perceptual")) for k in ("vae", "avae_b", "vaegan", "bigan")}
    checks.append(
        claimed(
            "t31_lpips_vaegan_lowest",
            f"{names['perceptual']}: VAE/GAN lowest among reconstructing models ({d})",
            "LPIPS: VAE/GAN lowest on 4/5 datasets, tied on SVHN",
            bool(min(lp, key=lp.get) == "vaegan"),
            lp,
            metric=names["perceptual"],
        )
    )
    s_mean = {k: mean(v) for k, v in fd.items()}
    checks.append(
        claimed(
            "t31_lzb_best",
            f"L_Z^b gives the best AVAE {fd_name} ({d})",
            "best on bedroom, CelebA, CIFAR-100, SVHN",
            bool(s_mean["avae_b"] <= min(s_mean["avae_xi_a"], s_mean["avae_a"])),
            {"with ξ, a": s_mean["avae_xi_a"], "no ξ, a": s_mean["avae_a"], "no ξ, b": s_mean["avae_b"]},
            metric=fid_n,
        )
    )
    xi_tol = paper.claim("t31_xi_negligible").tolerance
    checks.append(
        decided(
            "t31_xi_negligible",
            f"ξ has a negligible effect on {fd_name} (ratio within 1 ± {xi_tol:g}) ({d}, {n_seeds} seeds)",
            f"CelebA {c31['avae_xi_a_fid_celeba']} vs {c31['avae_a_fid_celeba']}",
            compare_within(fd["avae_xi_a"] / fd["avae_a"], 1.0, xi_tol),
            {
                "with ξ": s_mean["avae_xi_a"],
                "without ξ": s_mean["avae_a"],
                "ratio": mean(fd["avae_xi_a"] / fd["avae_a"]),
            },
            metric=fid_n,
            n=n_seeds,
            note=f"t-interval (95 %) over {n_seeds} seeds of FID(with ξ)/FID(without ξ), inside 1 ± {xi_tol:g}; " + adv,
        )
    )
    low, one = compare_mean(hf["vae"], "<", HF_VAE_MAX), compare_within(hf["avae_b"], 1.0, HF_AVAE_TOL)
    spec = combine(
        [low, one],
        f"both stated conditions, t-intervals over seeds: VAE {low.decision} "
        f"{fmt_iv(low.interval)}; AVAE {one.decision} {fmt_iv(one.interval)}",
    )
    checks.append(
        decided(
            "t31_spectrum",
            f"reconstruction high-frequency power: VAE ≪ 1 (≤ {HF_VAE_MAX:g}), "
            f"AVAE ≈ 1 (within ±{HF_AVAE_TOL:g}) ({d}, {n_seeds} seeds)",
            "spec §10: spectrum ratio VAE ≪ 1, AVAE ≈ 1 (our diagnostic for the texture claim)",
            spec,
            {"VAE": mean(hf["vae"]), "AVAE (L_Z^b)": mean(hf["avae_b"])},
            n=n_seeds,
            note=f"{spec.method}; {adv}",
        )
    )
for name, t in toy["toy"].items():
    ok, why = toy_on_data(t)  # decided only when the VAE and the AVAE reconstruct from the same latent
    checks.append(
        claimed(
            "toy_avae_on_data",
            f"toy: AVAE reconstructions lie in denser data regions than the VAE's ({name} G)",
            "VAE reconstructions fall between the branches; AVAE's lie on the data (Fig. 3.7)",
            ok,
            dict(t),
            note=f"mean log-density of reconstructions under a Gaussian KDE of held-out data; {why}",
        )
    )
# Table 4.1 and Figs. 4.2-4.3: per-target LPIPS-cifarnet of one GAN's inversions, compared pairwise per target
per_t = {k: np.array(v) for k, v in inv.get("lpips_per_target", {}).items()}
n_t = inv["inv_targets"]
tgt = lambda loss, sigma=SIGMA, c=True: per_t[f"{loss}|{sigma:g}|{c}"]  # noqa: E731
lp = con["lpips_mean"]
t41_text = (
    " < ".join([f"{P('t41_ours_mean')} ± {P('t41_ours_std')}", f"{P('t41_mse_mean')} ± {P('t41_mse_std')}"])
    + f" ≈ {P('t41_dssim_mean')} ± {P('t41_dssim_std')}"
)
inv_metric = f"{inv['perceptual']}, {n_t} held-out targets, σ × {inv.get('sigma_scale', 1):g} px"
if per_t:
    t41_tol = paper.claim("t41_blur_best").tolerance
    parts = [
        compare_mean(tgt("blur_mse") - tgt("mse"), "<"),
        compare_mean(tgt("blur_mse") - tgt("dssim"), "<"),
        compare_within(tgt("dssim") - tgt("mse"), 0.0, t41_tol * float(tgt("mse").mean())),
    ]
    checks.append(
        decided(
            "t41_blur_best",
            f"Table 4.1: blurred MSE (σ = {P('sigma_typical')}) inverts best, MSE ≈ DSSIM (within {100 * t41_tol:g} %)",
            t41_text,
            combine(
                parts,
                "paired per target: "
                + "; ".join(
                    f"{lab} {c.decision} {fmt_iv(c.interval)}"
                    for lab, c in zip(("blur − MSE < 0", "blur − DSSIM < 0", "DSSIM − MSE ≈ 0"), parts, strict=False)
                ),
            ),
            lp.to_dict(),
            metric=inv_metric,
            n=n_t,
        )
    )
    checks.append(
        decided(
            "norm_constraint_helps",
            "the norm constraint ‖z‖ ≤ √d improves the blurred-MSE inversion",
            "removes artifacts (Fig. 4.3)",
            compare_mean(tgt("blur_mse") - tgt("blur_mse", c=False), "<"),
            {"constrained": float(tgt("blur_mse").mean()), "unconstrained": float(tgt("blur_mse", c=False).mean())},
            metric=inv_metric,
            n=n_t,
            note=f"paired per target: t-interval (95 %) of mean(constrained − unconstrained) over {n_t} targets",
        )
    )
    sig = rows[(rows.loss == "blur_mse") & rows.constrain_norm].set_index("sigma").lpips_mean
    good = [float(v) for v in re.findall(r"σ = (\d+(?:\.\d+)?)", P("sigma_good"))]  # "σ = 3 and σ = 5"
    best = min((g for g in good if g in sig.index), key=lambda g: sig[g])
    others = [float(o) for o in sig.index if float(o) not in good]
    beats = [compare_mean(tgt("blur_mse", best) - tgt("blur_mse", o), "<") for o in others]
    checks.append(
        decided(
            "sigma_3_to_5_best",
            f"σ = {'–'.join(f'{v:g}' for v in good)} (thesis px) is the best blur among those tried",
            f"{' and '.join(f'{v:g}' for v in good)} look good; larger σ is less accurate",
            combine(
                beats,
                f"σ = {best:g} (the better of {good}) against every other σ, paired per target: "
                + "; ".join(f"σ={o:g} {c.decision} {fmt_iv(c.interval)}" for o, c in zip(others, beats, strict=False)),
            ),
            {f"σ={k:g}": v for k, v in sig.items()},
            metric=inv_metric,
            n=n_t,
        )
    )
f46 = traj["fig_4_6"]
checks.append(
    claimed(
        "recursive_beats_naive",
        "recursive inversion reaches a translation that naive inversion misses (analytic disk)",
        "recursive converges in far fewer steps (Fig. 4.6)",
        bool(
            abs(f46["recursive_px"] - f46["target_px"]) < 0.1 * f46["target_px"]
            and abs(f46["naive_px"] - f46["target_px"]) > 0.5 * f46["target_px"]
        ),
        f46,
        note="exact generator, so this check is meaningful at every tier",
    )
)
gf = traj["grad_norm_far"]
checks.append(
    claimed(
        "gradient_vanishes",
        "the MSE gradient vanishes once the disks do not overlap; the blurred loss keeps one",
        "naive gradient ≈ 0 when disks do not overlap (Fig. 4.5)",
        bool(gf["MSE"] < 0.1 * gf[f"blurred MSE σ={SIGMA:g}"]),
        gf,
    )
)
ctl = dirs["control"]
run05 = res.dir.parent / "05_gan_directions" / "run.json"  # its parameters: images traversed per held-out class
per_class = json.loads(run05.read_text())["params"].get("eval_per_class") if run05.exists() else None
n_pts = per_class * len(dirs["heldout_classes"]) if per_class else 0  # independent z's (each traversed over t)
for kind in ("x", "y", "scale"):
    if f"{kind} / held-out classes" in ctl:
        c = ctl[f"{kind} / held-out classes"]
        checks.append(
            decided(
                "direction_transfers",
                f"the {kind} direction learned on training classes controls held-out classes (Spearman > 0.5)",
                "a direction learned on merged classes transfers to held-out classes (Fig. 4.7)",
                compare_spearman(c["spearman"], n_pts, ">", 0.5)
                if n_pts > 3
                else compare_mean([c["spearman"]], ">", 0.5),
                {
                    "spearman": c["spearman"],
                    "mean std": c["mean_std"],
                    "train-class spearman": ctl[f"{kind} / train classes"]["spearman"],
                },
                n=n_pts,
            )
        )
ce = dirs["chunk_energy"]
sp = [k for k in ("x", "y", "scale") if k in ce]
checks.append(
    claimed(
        "chunk_energy",
        "spatial directions concentrate in the first latent chunk",
        "mostly in chunk 1; y has more chunk-5 weight (Fig. 4.10)",
        bool(all(int(np.argmax(ce[k])) == 0 for k in sp)),
        {k: [round(v, 3) for v in ce[k]] for k in sp},
    )
)
by_beta: dict = {}
for m in bvae.values():
    by_beta.setdefault(float(m["beta"]), []).append(m)
bs = sorted(by_beta)
ctl_of = lambda b, key: np.array([m["control"][key] for m in by_beta[b]])  # noqa: E731  per seed
betas = P("betas").split("= ", 1)[1]  # the list after "β = "
seeds_b = min(len(v) for v in by_beta.values())
steps = [compare_seeds(ctl_of(b2, "mean_std"), ctl_of(b1, "mean_std"), "<") for b1, b2 in itertools.pairwise(bs)]
checks.append(
    decided(
        "bvae_std_monotone",
        "β-VAE: the std of the measured x along the direction decreases with β",
        f"std vs t decreases monotonically with β ∈ {{{betas}}} (Fig. 4.11)",
        combine(
            steps,
            "each larger β lower, Welch t-intervals over seeds: "
            + "; ".join(
                f"β {b2:g} − {b1:g} {c.decision} {fmt_iv(c.interval)}"
                for (b1, b2), c in zip(itertools.pairwise(bs), steps, strict=False)
            ),
        )
        if steps
        else compare_mean([0.0], "<"),
        {f"β={b:g}": float(ctl_of(b, "mean_std").mean()) for b in bs},
        n=seeds_b,
    )
)
shape = [compare_mean(ctl_of(b, "erf_rmse") / ctl_of(b, "linear_rmse"), "<", 0.8) for b in bs]
span = [compare_mean(ctl_of(b, "range"), ">", 0.05) for b in bs]
checks.append(
    decided(
        "bvae_erf_shape",
        "β-VAE: the mean x along the direction is erf-shaped (range > 5 % of the width; erf RMSE < 0.8 × line)",
        "mean x vs t is erf-shaped (Eq. 4.11)",
        combine(
            shape + span,
            "for every β, t-intervals over seeds: "
            + "; ".join(
                f"β={b:g} erf/line < 0.8 {c.decision} {fmt_iv(c.interval)}, range > 0.05 {r.decision} "
                f"{fmt_iv(r.interval)}"
                for b, c, r in zip(bs, shape, span, strict=False)
            ),
        ),
        {
            f"β={b:g}": f"erf/line {float((ctl_of(b, 'erf_rmse') / ctl_of(b, 'linear_rmse')).mean()):.3g}, "
            f"range {float(ctl_of(b, 'range').mean()):.3g}"
            for b in bs
        },
        n=seeds_b,
    )
)
checks.append(
    claimed(
        "capacity_monotone",
        "Fig. 5.2: at fixed capacity, more boxes per cell never lowers P(no overload); Monte Carlo agrees",
        "larger K gives a higher P(no overloaded cell)",
        bool(scenes["monotone_in_k"] and scenes["mc_max_abs_err"] < 0.03),
        {
            "max |exact − MC|": scenes["mc_max_abs_err"],
            **{f"K={k}": v for k, v in scenes["p_at_quarter_capacity"].items()},
        },
        note="analytic: exact at every tier",
    )
)
proposals = math.prod(int(v) for v in re.findall(r"\d+", P("t51_grid_space"))) / math.prod(
    int(v) for v in re.findall(r"\d+", P("t51_grid_ours"))
)  # SPACE's grid vs ours
checks.append(
    claimed(
        "t51_detection",
        f"Table 5.1: AP@0.5 {P('t51_ours_l_ap50')} / {P('t51_ours_s_ap50')} vs SPACE "
        f"{P('t51_space_l_ap50')} / {P('t51_space_s_ap50')} with {proposals:g}× fewer proposals",
        "Table 5.1",
        None,
        {"status": scenes["table_5_1"]},
    )
)
checks.append(
    claimed(
        "bvae_params",
        f"the β-VAE of Table 4.2 (with the Dense 512 fix) has {P('bvae_params')} parameters",
        "architecture of Table 4.2",
        n_bvae == X("bvae_params"),
        {"params": n_bvae},
    )
)
res.write_checks(
    checks,
    data_note=f"{tier} tier; "
    + "; ".join(sorted({m["data"] for m in bench.values()}))
    + f"; textured-shapes and procedural dSprites stand-ins; {names['fd']} and {names['perceptual']}",
)
checks_frame(checks)

# %% [markdown]
# ## Closing note: which claims held, and at which tier
#
# The list below is computed from the checks above. Every number in this chapter as published comes from
# the tier printed here. At the reduced tier the networks are far too small and short-trained for the
# thesis's claims to be tested, so every verdict there is "not testable at this tier". From the `cpu` tier up a
# claim is decided when its declared minimal tier is reached and its difference exceeds its noise (seeds, or
# targets for the inversions); otherwise it is "inconclusive" with the interval shown. The analytic checks
# (the vanishing disk gradient, recursive vs naive inversion on the exact disk generator, the Poisson
# capacity formula) and the architecture check do not depend on training.

# %%
for v in ("replicated", "not replicated", "inconclusive", "not testable at this tier"):
    names_ = [c.claim for c in checks if c.verdict == v]
    print(f"{tier} tier — {v}: {len(names_)}")
    for n_ in names_:
        print("   •", n_)
