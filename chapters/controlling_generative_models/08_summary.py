# %% [markdown]
# # Summary: the thesis's tables beside ours, and its headline claims
#
# Paper values are quoted verbatim from the thesis. Ours carry the tier: at the **reduced** tier every
# model is a tiny network trained for a few hundred CPU steps, so no verdict says "replicated" — the outcome
# column records only whether the numbers happened to agree. Our distances are proxies (LPIPS-cifarnet,
# FD-cifarnet) on the datasets this book has, and Ch. 4 runs on a class-conditional GAN trained here on a
# procedural stand-in in place of BigGAN: compare orderings, not absolute values.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/controlling_generative_models/reduced/08_summary"
runs_dir = "runs/controlling_generative_models/reduced/08_summary"

# %%
import itertools
import math
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from genrep.models.betavae import BetaVAE
from genrep.report import Check, ReplicationTable, Results, checks_frame
from genrep.report.guards import spectrum_vae_low_avae_near_one, toy_on_data
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


def claimed(cid: str, claim: str, paper_text: str, ok, ours: dict, note: str = "", metric: str | None = None) -> Check:
    """A check of the claim ``cid`` declared in paper.yaml (its id, minimal tier and, unless given, metric)."""
    c = paper.claim(cid)
    return Check(claim, paper_text, ok, tier, ours, note, claim_id=c.id, min_tier=c.min_tier, metric=metric or c.metric)

# %% [markdown]
# ## Table 3.1 (reconstruction MSE, perceptual distance, sample distance; mean ± std over runs)

# %%
PAPER_COLS = ["BEDROOM", "CELEBA", "CIFAR10", "CIFAR100", "SVHN"]
KEY = {"VAE": "vae", "GAN": "gan", "VAE/GAN": "vaegan", "BiGAN": "bigan", "Ours with ξ, L_Z^a": "avae_xi_a",
       "Ours without ξ, L_Z^a": "avae_a", "Ours without ξ, L_Z^b": "avae_b"}
T31_METRICS = {"VAE": ("MSE", "LPIPS", "FID"), "GAN": ("FID",)}  # the others have all three
T31 = {(model, metric): [P(f"t31_{k}_{metric.lower()}_{col.lower()}") for col in PAPER_COLS]  # verbatim, paper.yaml
       for model, k in KEY.items() for metric in T31_METRICS.get(model, ("MSE", "LPIPS", "FID"))}
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


t31 = ReplicationTable("table_3_1", "Reconstruction and sample quality of the AVAE family",
                       "Plumerault 2023, Table 3.1", tier,
                       data_note="; ".join(sorted({m["data"] for m in bench.values()}))
                       + f". Ours: MSE in [−1, 1]; LPIPS → {names['perceptual']}; FID → {names['fd']} (proxies)")
for (model, metric), vals in T31.items():
    for col, paper_v in zip(PAPER_COLS, vals):
        ours = agg("cifar10", KEY[model], METRIC[metric]) if col == "CIFAR10" else None
        note = "" if col == "CIFAR10" else "dataset not available offline"
        if col == "CIFAR10" and metric != "MSE":
            note = f"ours is {names[METRIC[metric]]}: not comparable with {metric}"
        t31.add(f"{model} — {metric}", col, paper_v, ours, None, note=note)
    for ds_name in sorted(d for d in by_ds if d != "cifar10"):
        t31.add(f"{model} — {metric}", ds_name, "— (not in the thesis)", agg(ds_name, KEY[model], METRIC[metric]), None,
                note="extra dataset of this book")
res.save_table(t31)
ours31 = pd.DataFrame({(d, k): {mt: agg(d, k, METRIC[mt]) for mt in METRIC} | {"hf ratio": agg(d, k, "hf_power_ratio")}
                       for d in by_ds for k in KEY.values()}).T
ours31  # noqa: B018

# %% [markdown]
# ## Table 4.1 (LPIPS between an image and its inversion)

# %%
SIGMA = X("sigma_typical")  # the blur of Table 4.1's "Our (σ = 3)"
T41 = {"MSE": ("mse", P("t41_mse_mean"), P("t41_mse_std")), "DSSIM": ("dssim", P("t41_dssim_mean"), P("t41_dssim_std")),
       f"Ours (σ = {P('sigma_typical')})": ("blur_mse", P("t41_ours_mean"), P("t41_ours_std"))}
rows = pd.DataFrame(inv["inversion"])
con = rows[rows.constrain_norm & ((rows.loss != "blur_mse") | (rows.sigma == SIGMA))].set_index("loss")
t41 = ReplicationTable("table_4_1", "Inversion quality: perceptual distance between target and G(ẑ)",
                       "Plumerault 2023, Table 4.1", tier,
                       data_note=f"{inv['inv_targets']} held-out textured-shapes stand-in images, {inv['inv_iters']} "
                                 f"iterations, the book's class-conditional GAN (not BigGAN); {inv['perceptual']}")
for label, (key, pm, ps) in T41.items():
    r = con.loc[key] if key in con.index else None
    t41.add(label, "mean LPIPS", pm, float(r.lpips_mean) if r is not None else None, None,
            note=f"ours: {inv['perceptual']}")
    t41.add(label, "std LPIPS", ps, float(r.lpips_std) if r is not None else None, None)
res.save_table(t41)
rows.round(4)

# %% [markdown]
# ## Table 4.2 (the β-VAE architecture) and Table 5.1 (object detection)

# %%
t42 = ReplicationTable("table_4_2", "β-VAE architecture (dSprites)", "Plumerault 2023, Table 4.2", tier,
                       data_note="architecture check; parameter count of our implementation")
conv, out_, dense, lat = kv("t42_conv"), kv("t42_out"), kv("t42_dense")["units"], kv("t42_latent")["units"]
k, st = f"{conv['size']}×{conv['size']}", f"s{conv['stride']}"
layers = [("encoder", f"4 × Conv+ReLU {conv['filters']}, {k}, {st}, {conv['pad']}", "implemented"),
          ("encoder", f"2 × Dense+ReLU {dense}", "implemented"),
          ("encoder", f"μ: Dense {lat}; σ: Dense {lat} + exp", "implemented"),
          ("decoder", f"2 × Dense+ReLU {dense}", "implemented"),
          ("decoder", f"Reshape {kv('t42_reshape')['shape'].replace('x', '×')}",
           "Dense+ReLU 512 inserted before the reshape (errata)"),
          ("decoder", f"3 × ConvT+ReLU {conv['filters']}, {k}, {st}; ConvT+Sigmoid {out_['filters']}, "
                      f"{out_['size']}×{out_['size']}, s{out_['stride']}", "implemented")]
for part, layer, ours in layers:
    t42.add(layer, part, layer, ours, None)
n_bvae = count_params(BetaVAE())
t42.add("total parameters", "model", "not stated", float(n_bvae), None, note="with the Dense 512 fix")
res.save_table(t42)
T51_MODELS = {"ours": f"Our ({P('t51_grid_ours')})", "space": f"SPACE ({P('t51_grid_space')})",
              "spair": f"SPAIR ({P('t51_grid_space')})"}
T51 = [(name, f"3D-Room {room.upper()}", *(P(f"t51_{m}_{room}_{c}") for c in ("ap50", "ap", "count")))
       for room in ("l", "s") for m, name in T51_MODELS.items()]
t51 = ReplicationTable("table_5_1", "Object detection quality", "Plumerault 2023, Table 5.1 (SPACE/SPAIR rows from "
                       "Lin et al. 2020)", tier, data_note="not testable: " + scenes["table_5_1"].split(": ", 1)[1])
for model, ds_name, ap50, ap, cnt in T51:
    for col, v in (("AP @ IoU 0.5", ap50), ("AP @ IoU 0.5:0.95", ap), ("object count error rate", cnt)):
        t51.add(f"{model}, {ds_name}", col, v, None, None, note="not testable (no 3D-Room data; model not built)")
res.save_table(t51)
t42  # noqa: B018

# %% [markdown]
# ## Fig. 4.11 combined: the spread of the measured x along the direction, one curve per β

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
for m in sorted(bvae.values(), key=lambda m: m["beta"]):
    c = m["control"]
    axes[0].plot(c["alphas"], c["std"], "o-", ms=3, label=f"β = {m['beta']:g}")
    axes[1].plot(c["alphas"], c["mean"], "o-", ms=3, label=f"β = {m['beta']:g}")
axes[0].set(xlabel="t", ylabel="std of measured x", title="control precision (lower is better)")
axes[1].set(xlabel="t", ylabel="mean measured x", title="mean position along the direction")
for ax in axes:
    ax.legend(fontsize=7)
fig.suptitle(f"Fig. 4.11 regenerated: β-VAEs on procedural dSprites ({tier} tier)", fontsize=10)
res.save_figure(fig, "fig_4_11_betas")
plt.show()

# %% [markdown]
# ## Every figure of the thesis and where it is (spec §5)

# %%
FIGS = [
    ("1.1–1.7, 2.1, 2.3, 2.5, 2.6", "illustrations and borrowed figures", "not reproduced (not results)"),
    ("2.2 / 2.4", "samples of a small VAE / GAN on CelebA", "analogue: 02 fig_3_9_samples (CIFAR-10)"),
    ("3.1", "why VAEs blur (erf)", "regenerated exactly: 01 fig_3_1_erf"),
    ("3.2–3.5", "schematic, framework, algorithm, architecture", "documented in genrep.models.avae; no plot"),
    ("3.6", "FFHQ-256 triptych", ("not reproducible (FFHQ-256 StyleGAN2-derived model out of scope); analogue "
     "row 'AVAE's VAE decoder' in 02 fig_3_8_reconstructions")),
    ("3.7", "2-D toy", "regenerated: 01 fig_3_7_toy"),
    ("3.8 / 3.9", "reconstructions / samples on CelebA, SVHN, LSUN", ("regenerated on CIFAR-10 (+ MNIST, cats at "
     "budget): 02 fig_3_8_reconstructions, fig_3_9_samples")),
    ("4.1 / 4.8 / 4.9", "BigGAN traversals", "regenerated on the book's class-conditional GAN: 05 fig_4_8_traversals"),
    ("4.2", "reconstructions for several σ", "regenerated: 03 fig_4_2_sigma"),
    ("4.3", "MSE vs DSSIM vs blurred MSE, ± norm constraint", "regenerated: 03 fig_4_3_losses"),
    ("4.4", "PCA of dSprites trajectories", "regenerated exactly: 04 fig_4_4_pca"),
    ("4.5", "vanishing gradient", ("regenerated on the analytic disk: 04 fig_4_5_vanishing_gradient (the trained-"
     "decoder variant is not done)")),
    ("4.6", "recursive vs naive convergence", "regenerated on the analytic disk: 04 fig_4_6_recursive_vs_naive"),
    ("4.7", "control violins, train / held-out classes", "regenerated on the book's GAN: 05 fig_4_7_control"),
    ("4.10", "energy of u per latent chunk", "regenerated: 05 fig_4_10_chunks"),
    ("4.11", "β-VAE control precision", "regenerated: 06 fig_4_11_panel (per β), 08 fig_4_11_betas"),
    ("5.1", "architecture diagram", "not reproduced (diagram)"),
    ("5.2", "P(no cell overloaded)", "regenerated exactly: 07 fig_5_2_capacity"),
    ("5.3 / 5.4 / 5.5", "scene decompositions and generated scenes", ("not reproducible here: the SPACE-style "
     "model was not built; 07 shows the multi-object stand-in and its ground truth")),
]
figs = pd.DataFrame(FIGS, columns=["figure", "content", "status in this book"])
figs.to_csv(res.dir / "figures_status.csv", index=False)
figs  # noqa: B018

# %% [markdown]
# ## Headline checks (spec §10)

# %%
checks = []
HF_VAE_MAX, HF_AVAE_TOL = 0.5, 0.25  # 'VAE ≪ 1': ratio ≤ 0.5; 'AVAE ≈ 1': |ratio − 1| ≤ 0.25 (declared)
for d, runs in sorted(by_ds.items()):
    s = {k: np.mean([r["scores"][k]["fd"] for r in runs]) for k in KEY.values() if all(k in r["scores"] for r in runs)}
    mse = {k: np.mean([r["scores"][k]["mse"] for r in runs]) for k in KEY.values()
           if all("mse" in r["scores"].get(k, {}) for r in runs)}
    lp = {k: np.mean([r["scores"][k]["perceptual"] for r in runs]) for k in mse}
    hf = {k: np.mean([r["scores"][k]["hf_power_ratio"] for r in runs]) for k in mse}
    fd_name = names["fd"]
    best_avae = min(s["avae_xi_a"], s["avae_a"], s["avae_b"])
    c31 = {k: mean_of(f"t31_{k}") for k in ("vae_fid_celeba", "avae_b_fid_celeba", "gan_fid_celeba", "vae_fid_bedroom",
                                             "avae_b_fid_bedroom", "gan_fid_bedroom", "vae_mse_celeba", "avae_b_mse_celeba",
                                             "vaegan_mse_celeba", "bigan_mse_celeba", "avae_xi_a_fid_celeba",
                                             "avae_a_fid_celeba")}
    checks.append(claimed("t31_fid_vae_avae_gan", f"{fd_name}: VAE ≫ AVAE ≈ GAN ({d})",
                          f"CelebA FID {c31['vae_fid_celeba']} vs {c31['avae_b_fid_celeba']} vs {c31['gan_fid_celeba']}; "
                          f"LSUN {c31['vae_fid_bedroom']} vs {c31['avae_b_fid_bedroom']} vs {c31['gan_fid_bedroom']}",
                          bool(s["vae"] > 1.2 * best_avae and abs(best_avae - s["gan"]) <= 0.25 * s["gan"]),
                          {"VAE": s["vae"], "best AVAE": best_avae, "GAN": s["gan"]}, metric=fd_name))
    checks.append(claimed("t31_mse_order", f"MSE ordering VAE < AVAE < VAE/GAN < BiGAN ({d})",
                          "CelebA " + " < ".join(c31[f"{k}_mse_celeba"] for k in ("vae", "avae_b", "vaegan", "bigan")),
                          bool(mse["vae"] < mse["avae_b"] < mse["vaegan"] < mse["bigan"]),
                          {k: mse[k] for k in ("vae", "avae_b", "vaegan", "bigan")}))
    checks.append(claimed("t31_lpips_vaegan_lowest", f"{names['perceptual']}: VAE/GAN lowest among reconstructing models ({d})",
                          "LPIPS: VAE/GAN lowest on 4/5 datasets, tied on SVHN", bool(min(lp, key=lp.get) == "vaegan"), lp,
                          metric=names["perceptual"]))
    checks.append(claimed("t31_lzb_best", f"L_Z^b gives the best AVAE {fd_name} ({d})", "best on bedroom, CelebA, CIFAR-100, SVHN",
                          bool(s["avae_b"] <= min(s["avae_xi_a"], s["avae_a"])),
                          {"with ξ, a": s["avae_xi_a"], "no ξ, a": s["avae_a"], "no ξ, b": s["avae_b"]}, metric=fd_name))
    xi_tol = paper.claim("t31_xi_negligible").tolerance
    checks.append(claimed("t31_xi_negligible", f"ξ has a negligible effect on {fd_name} (within {100 * xi_tol:g} %) ({d})",
                          f"CelebA {c31['avae_xi_a_fid_celeba']} vs {c31['avae_a_fid_celeba']}",
                          bool(abs(s["avae_xi_a"] - s["avae_a"]) <= xi_tol * s["avae_a"]),
                          {"with ξ": s["avae_xi_a"], "without ξ": s["avae_a"]}, metric=fd_name))
    checks.append(claimed("t31_spectrum", f"reconstruction high-frequency power: VAE ≪ 1 (≤ {HF_VAE_MAX:g}), "
                          f"AVAE ≈ 1 (within ±{HF_AVAE_TOL:g}) ({d})",
                          "spec §10: spectrum ratio VAE ≪ 1, AVAE ≈ 1 (our diagnostic for the texture claim)",
                          spectrum_vae_low_avae_near_one(hf["vae"], hf["avae_b"], HF_VAE_MAX, HF_AVAE_TOL), hf,
                          note="both stated conditions are tested, with the declared thresholds"))
for name, t in toy["toy"].items():
    ok, why = toy_on_data(t)  # decided only when the VAE and the AVAE reconstruct from the same latent
    checks.append(claimed("toy_avae_on_data", f"toy: AVAE reconstructions lie in denser data regions than the VAE's ({name} G)",
                          "VAE reconstructions fall between the branches; AVAE's lie on the data (Fig. 3.7)", ok,
                          dict(t),
                          note=f"mean log-density of reconstructions under a Gaussian KDE of held-out data; {why}"))
lp = con["lpips_mean"]
t41_text = " < ".join([f"{P('t41_ours_mean')} ± {P('t41_ours_std')}", f"{P('t41_mse_mean')} ± {P('t41_mse_std')}"]) \
    + f" ≈ {P('t41_dssim_mean')} ± {P('t41_dssim_std')}"
checks.append(claimed("t41_blur_best", f"Table 4.1: blurred MSE (σ = {P('sigma_typical')}) inverts best, MSE ≈ DSSIM", t41_text,
                      bool(lp["blur_mse"] < lp["mse"] and lp["blur_mse"] < lp["dssim"]), lp.to_dict(), metric=inv["perceptual"]))
unc = rows[(~rows.constrain_norm) & ((rows.loss != "blur_mse") | (rows.sigma == SIGMA))].set_index("loss").lpips_mean
checks.append(claimed("norm_constraint_helps", "the norm constraint ‖z‖ ≤ √d improves the blurred-MSE inversion",
                      "removes artifacts (Fig. 4.3)", bool(lp["blur_mse"] <= unc["blur_mse"]),
                      {"constrained": lp["blur_mse"], "unconstrained": unc["blur_mse"]}, metric=inv["perceptual"]))
sig = rows[(rows.loss == "blur_mse") & rows.constrain_norm].set_index("sigma").lpips_mean
good = [float(v) for v in re.findall(r"σ = (\d+(?:\.\d+)?)", P("sigma_good"))]  # "σ = 3 and σ = 5"
checks.append(claimed("sigma_3_to_5_best", f"σ = {'–'.join(f'{v:g}' for v in good)} is the best blur among those tried",
                      f"{' and '.join(f'{v:g}' for v in good)} look good; larger σ is less accurate",
                      bool(float(sig.idxmin()) in good), {f"σ={k:g}": v for k, v in sig.items()}, metric=inv["perceptual"]))
f46 = traj["fig_4_6"]
checks.append(claimed("recursive_beats_naive", "recursive inversion reaches a translation that naive inversion misses (analytic disk)",
                      "recursive converges in far fewer steps (Fig. 4.6)",
                      bool(abs(f46["recursive_px"] - f46["target_px"]) < 0.1 * f46["target_px"]
                           and abs(f46["naive_px"] - f46["target_px"]) > 0.5 * f46["target_px"]), f46,
                      note="exact generator, so this check is meaningful at every tier"))
gf = traj["grad_norm_far"]
checks.append(claimed("gradient_vanishes", "the MSE gradient vanishes once the disks do not overlap; the blurred loss keeps one",
                      "naive gradient ≈ 0 when disks do not overlap (Fig. 4.5)",
                      bool(gf["MSE"] < 0.1 * gf[f"blurred MSE σ={SIGMA:g}"]), gf))
ctl = dirs["control"]
for kind in ("x", "y", "scale"):
    if f"{kind} / held-out classes" in ctl:
        c = ctl[f"{kind} / held-out classes"]
        checks.append(claimed("direction_transfers",
                              f"the {kind} direction learned on training classes controls held-out classes (Spearman > 0.5)",
                              "a direction learned on merged classes transfers to held-out classes (Fig. 4.7)",
                              bool(c["spearman"] > 0.5), {"spearman": c["spearman"], "mean std": c["mean_std"],
                                                          "train-class spearman": ctl[f'{kind} / train classes']['spearman']}))
ce = dirs["chunk_energy"]
sp = [k for k in ("x", "y", "scale") if k in ce]
checks.append(claimed("chunk_energy", "spatial directions concentrate in the first latent chunk",
                      "mostly in chunk 1; y has more chunk-5 weight (Fig. 4.10)",
                      bool(all(int(np.argmax(ce[k])) == 0 for k in sp)), {k: [round(v, 3) for v in ce[k]] for k in sp}))
bs = sorted(bvae.values(), key=lambda m: m["beta"])
stds = {f"β={m['beta']:g}": m["control"]["mean_std"] for m in bs}
betas = P("betas").split("= ", 1)[1]  # the list after "β = "
checks.append(claimed("bvae_std_monotone", "β-VAE: the std of the measured x along the direction decreases with β",
                      f"std vs t decreases monotonically with β ∈ {{{betas}}} (Fig. 4.11)",
                      bool(all(b["control"]["mean_std"] < a["control"]["mean_std"] for a, b in itertools.pairwise(bs))) if len(bs) > 1 else None,
                      stds))
checks.append(claimed("bvae_erf_shape",
                      "β-VAE: the mean x along the direction is erf-shaped (range > 5 % of the width; erf RMSE < 0.8 × line)",
                      "mean x vs t is erf-shaped (Eq. 4.11)",
                      bool(all(m["control"]["range"] > 0.05 and m["control"]["erf_rmse"] < 0.8 * m["control"]["linear_rmse"]
                               for m in bs)),
                      {f"β={m['beta']:g}": f"erf {m['control']['erf_rmse']:.3g} / line {m['control']['linear_rmse']:.3g}" for m in bs}))
checks.append(claimed("capacity_monotone", "Fig. 5.2: at fixed capacity, more boxes per cell never lowers P(no overload); Monte Carlo agrees",
                      "larger K gives a higher P(no overloaded cell)", bool(scenes["monotone_in_k"] and scenes["mc_max_abs_err"] < 0.03),
                      {"max |exact − MC|": scenes["mc_max_abs_err"], **{f"K={k}": v for k, v in scenes["p_at_quarter_capacity"].items()}},
                      note="analytic: exact at every tier"))
proposals = (math.prod(int(v) for v in re.findall(r"\d+", P("t51_grid_space")))
             / math.prod(int(v) for v in re.findall(r"\d+", P("t51_grid_ours"))))  # SPACE's grid vs ours
checks.append(claimed("t51_detection", f"Table 5.1: AP@0.5 {P('t51_ours_l_ap50')} / {P('t51_ours_s_ap50')} vs SPACE "
                      f"{P('t51_space_l_ap50')} / {P('t51_space_s_ap50')} with {proposals:g}× fewer proposals",
                      "Table 5.1", None, {"status": scenes["table_5_1"]}))
checks.append(claimed("bvae_params", f"the β-VAE of Table 4.2 (with the Dense 512 fix) has {P('bvae_params')} parameters",
                      "architecture of Table 4.2", n_bvae == X("bvae_params"), {"params": n_bvae}))
res.write_checks(checks, data_note=f"{tier} tier; " + "; ".join(sorted({m['data'] for m in bench.values()}))
                 + "; textured-shapes and procedural dSprites stand-ins; proxies LPIPS-cifarnet and FD-cifarnet")
checks_frame(checks)

# %% [markdown]
# ## Closing note: which claims held, and at which tier
#
# The list below is computed from the checks above. Every number in this chapter as published comes from
# the tier printed here; at the reduced tier the networks are far too small and short-trained for the
# thesis's claims to be tested, so "consistent" means only that the smoke run happened to agree. The
# analytic checks (the vanishing disk gradient, recursive vs naive inversion on the exact disk generator,
# the Poisson capacity formula) and the architecture check do not depend on training and are meaningful
# at every tier. The budget and full tiers (one GPU) are defined in `tiers/` and were not run here.

# %%
for outcome, label in (("consistent", "held (consistent)"), ("inconsistent", "did not hold (inconsistent)"),
                       ("", "not testable")):
    names_ = [c.claim for c in checks if c.outcome == outcome]
    print(f"{tier} tier — {label}: {len(names_)}")
    for n_ in names_:
        print("   •", n_)
