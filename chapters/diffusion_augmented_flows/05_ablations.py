# %% [markdown]
# # Ablations E1–E7: what the thesis's claims depend on
#
# The thesis runs no ablation. Each sweep below is a set of papermill arms of notebooks 02–04 (spec §6);
# this notebook only collects their metrics. A sweep whose arms did not run at this tier says so.
#
# - **E1 objective:** Eq. 4.6 as printed (`thesis_printed`), with the usual sign (`thesis_fixed`, MSE summed or
#   averaged over dimensions), the §4.2 reading with iDDPM's learned variances (`hybrid`) and the true bound
#   (`vlb`). Does the latent collapse or blow up; which "NLL" means anything?
# - **E2 speed control:** sampling time against T for Diffused-Flows and for DDPM. Is "2× faster" just "half the steps"?
# - **E3 matched NSF:** the thesis's NSF has twice the flow steps of Diffused-Flows; an NSF of equal depth.
# - **E4 FID protocol:** 25 vs 25 images repeated over seeds (what the thesis may have done) vs n_fid vs the test set.
# - **E5 CIFAR levels:** 4 levels squeeze 32×32 down to 2×2 (the thesis's over-compression hypothesis); one level fewer.
# - **E6 latent layout:** the U-Net sees z0 in image layout or the NSF code's flat concatenation reshaped.
# - **E7 epochs (CIFAR):** does training longer help (the thesis: "not converged after 500 epochs")?

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/diffusion_augmented_flows/reduced/05_ablations"
runs_dir = "runs/diffusion_augmented_flows/reduced/05_ablations"

# %%
import math

import matplotlib.pyplot as plt
import pandas as pd

from genrep.report import TIER_NOTE, Results

res = Results(results_dir, tier)
runs = {
    a: res.metrics(a) for nb in ("02_nsf_baseline", "03_ddpm_baseline", "04_diffused_flows") for a in res.arms_of(nb)
}
has_true_fid = any(m.get("true_fid") for m in runs.values())
note = f"{TIER_NOTE[tier]}; " + (
    "FID and FID-192 are TF-Inception; FD-mnistcnn / FD-cifarnet are proxies, not FID"
    if has_true_fid
    else "distances are FD-mnistcnn / FD-cifarnet proxies, not FID"
)
print(note)
print("arms:", ", ".join(runs))


def df_row(arm, m):
    return {
        "arm": arm,
        "dataset": m["dataset"],
        "objective": m["objective"],
        "mse_reduction": m["mse_reduction"],
        "T": m["timesteps"],
        "layout": m["latent_layout"],
        "levels": m["config"]["levels"],
        "epochs": m["config"]["epochs"],
        "nll_thesis (bpd)": m["nll_thesis"],
        "nll_bpd_bound": m["nll_bpd_bound"],
        "final ε-MSE/dim": m["final_mse"],
        "final logdet/dim": m["final_logdet"],
        "latent std": m["final_latent_std"],
        "stopped (latent blow-up)": m["stopped_at"],
        m["fd_name"] + f" (n={m['fd']['large_n']})": m["fd"]["large"],
        "25 samples (s)": m["timing"]["median_s"],
    }


def show(name, rows, caption):
    if not rows:
        print(f"{name}: no arms of this sweep ran at tier {tier}")
        return pd.DataFrame()
    t = pd.DataFrame(rows)
    t.to_csv(res.dir / f"{name}.csv", index=False)
    print(f"{name}: {caption} ({note})")
    return t


df_arms = {a: m for a, m in runs.items() if a.startswith("04_")}

# %% [markdown]
# ## E1: the objective

# %%
e1 = [
    df_row(a, m)
    for a, m in df_arms.items()
    if m["dataset"] == "mnist"
    and m["timesteps"] == runs["04_diffused_flows-mnist"]["timesteps"]
    and m["latent_layout"] == "image"
]
e1_table = show("e1_objective", e1, "Diffused-Flows on MNIST by objective")
fig, ax = plt.subplots(1, 2, figsize=(11, 3.4))
for a, m in df_arms.items():
    if any(r["arm"] == a for r in e1):
        log = pd.DataFrame(m["epoch_log"])
        D = math.prod(m["config"]["image_size"])
        lab = f"{m['objective']} ({m['mse_reduction']})"
        ax[0].plot(log.epoch, log.loss_raw / (D * math.log(2)), "o-", ms=3, label=lab)
        ax[1].semilogy(log.epoch, log.latent_std, "o-", ms=3, label=lab)
ax[0].set(xlabel="epoch", ylabel="training objective, bits/dim", title="E1: objective per epoch")
ax[1].set(xlabel="epoch", ylabel="std of z0", title="E1: latent scale")
ax[1].legend(fontsize=7)
fig.suptitle(note, fontsize=7)
res.show_figure(fig, "e1_objective_curves")
e1_table  # noqa: B018 (the notebook shows it)

# %% [markdown]
# ## E2: sampling time against the number of steps

# %%
e2 = []
for a, m in runs.items():
    if (
        m["dataset"] == "mnist"
        and m["model"] in ("ddpm", "diffused_flows")
        and (
            m["model"] == "ddpm"
            or (m["objective"] == "thesis_fixed" and m["mse_reduction"] == "sum" and m["latent_layout"] == "image")
        )
    ):
        e2.append(
            {
                "arm": a,
                "model": m["model"],
                "T": m["timesteps"],
                "25 samples (s)": m["timing"]["median_s"],
                "s/step": m["sec_per_step"],
                m["fd_name"]: m["fd"]["large"],
            }
        )
e2_table = show("e2_speed", e2, "sampling time for 25 samples vs T")
if len(e2_table):
    fig, ax = plt.subplots(figsize=(5, 3.4))
    for model, grp in e2_table.sort_values("T").groupby("model"):
        ax.plot(grp["T"], grp["25 samples (s)"], "o-", label=model)
    ax.set(xlabel="T (reverse steps)", ylabel="seconds for 25 samples", title="E2: time is linear in T")
    ax.legend()
    fig.suptitle(note, fontsize=7)
    res.show_figure(fig, "e2_time_vs_T")
e2_table  # noqa: B018 (the notebook shows it)

# %% [markdown]
# ## E3: an NSF of the same depth as the Diffused-Flows flow

# %%
e3 = [
    {
        "arm": a,
        "transforms": m["num_transforms"],
        "params": m["params"],
        "test bpd": m["test_bpd"],
        m["fd_name"]: m["fd"]["large"],
    }
    for a, m in runs.items()
    if m["model"] == "nsf" and m["dataset"] == "mnist"
]
e3 += [
    {
        "arm": a,
        "transforms": m["num_transforms"],
        "params": m["flow_params"] + m["unet_params"],
        "test bpd": m["nll_bpd_bound"],
        m["fd_name"]: m["fd"]["large"],
    }
    for a, m in df_arms.items()
    if a == "04_diffused_flows-mnist"
]
show("e3_matched_nsf", e3, "NSF at two depths beside Diffused-Flows (its bpd is the bound)")

# %% [markdown]
# ## E4: the FD protocol — 25 vs 25 repeated, or n_fid vs the test split; 192 or 2,048 Inception features
# Where an arm computed true FID, the same samples are also scored on the 192-d features of the same TF-Inception
# network (after its second max pool), the feature size the thesis reports. The question is whether the choice
# changes the ordering of the models; the values themselves are on different scales.


# %%
def true_fid_cols(m):
    f = m.get("true_fid") or {}
    return {
        label: f[k]["value"] if k in f else None
        for k, label in (("inception", "FID (2048)"), ("inception192", "FID-192"))
    }


e4 = [
    {
        "arm": a,
        "distance": m["fd_name"],
        "n=25 vs 25 (mean)": m["fd"]["small_mean"],
        "n=25 vs 25 (sd)": m["fd"]["small_sd"],
        "large n": m["fd"]["large_n"],
        "n_fid vs test": m["fd"]["large"],
        **true_fid_cols(m),
    }
    for a, m in runs.items()
]
has_fid = any(r["FID (2048)"] is not None for r in e4)
e4_table = show(
    "e4_fd_protocol",
    e4,
    "the same samples scored under two protocols"
    + (
        "; FID and FID-192 on n_fid samples vs n_fid test images"
        if has_fid
        else " (FID and FID-192 not computed at this tier)"
    ),
)
if has_fid:
    ranked = e4_table.dropna(subset=["FID (2048)", "FID-192"])
    same = list(ranked.sort_values("FID (2048)").arm) == list(ranked.sort_values("FID-192").arm)
    print(f"E4: ordering of {len(ranked)} arms by FID-2048 and by FID-192 is {'the same' if same else 'different'}")
e4_table  # noqa: B018 (the notebook shows it)

# %% [markdown]
# ## E5 and E7: CIFAR-10 levels and epochs; E6: the latent layout

# %%
e5 = [df_row(a, m) for a, m in df_arms.items() if m["dataset"] == "cifar10"]
e5_table = show("e5_e7_cifar", e5, "Diffused-Flows on CIFAR-10 (JPEG mirror, lossy) by levels and epochs")
e6 = [
    df_row(a, m)
    for a, m in df_arms.items()
    if m["dataset"] == "mnist"
    and m["objective"] == "thesis_fixed"
    and m["mse_reduction"] == "sum"
    and m["timesteps"] == runs["04_diffused_flows-mnist"]["timesteps"]
]
e6_table = show("e6_layout", e6, "image layout vs flat_reshape")
pd.concat([e5_table, e6_table])

# %%
res.save_metrics(arms=list(runs), e1=e1, e2=e2, e3=e3, e4=e4, e5_e7=e5, e6=e6)
