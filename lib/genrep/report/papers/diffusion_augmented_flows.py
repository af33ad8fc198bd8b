"""The summary of *diffusion_augmented_flows* (Sajekar 2023, M.S. thesis): Tables 5.1–5.4, Figs. 4.2 and 5.1–5.6
beside the thesis's numbers, and the headline checks, built from the arms' metrics with :class:`Summary`.

    s, r = load(results_dir, tier)           # the Summary and every arm's metrics (None where an arm did not run)
    s.show(table_5_1(s, r)); s.show(table_5_2(s, r)); s.show(table_5_x(s, r, "mnist"))
    sample_figures(s, r); fig_5_2(s, r); latents(s)
    structure_check(s); loss_checks(s, r); fid_order_checks(s, r); speed_checks(s, r)
    likelihood_checks(s, r); diagnostic_checks(s, r); s.finish()
    closing(s, r)                            # the headline line, bits per content pixel, metrics.json
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np

from ..figures import show_grid
from ..guards import held_out_still_falling, within_unless_falling
from ..intervals import all_of, boot_difference_interval
from ..summary import Summary
from ..tables import ReplicationTable, within
from ..verdicts import decide

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
def _grid_or_note(s: Summary, r: Runs, ax, arm: str, title: str) -> None:

    x = s.res.load_images("samples25", arm)
    if x is None:
        ax.text(0.5, 0.5, f"{title}\n{r.not_run}", ha="center", va="center", fontsize=8)
        ax.set_axis_off()
    else:
        show_grid(ax, x, nrow=5, title=title)


def sample_figures(s: Summary, r: Runs) -> None:
    """Figs. 5.1, 5.3, 5.4 (25 Diffused-Flows samples per dataset; 5.4 with its grey-background fraction) and
    Figs. 5.5 (CelebA), 5.6 (MNIST): the three models side by side, in the thesis's panel order."""
    import matplotlib.pyplot as plt

    for name, d, title in [
        ("fig_5_1", "mnist", "MNIST"),
        ("fig_5_3", "cifar10", "CIFAR-10"),
        ("fig_5_4", "celeba", "CelebA"),
    ]:
        fig, ax = plt.subplots(figsize=(3.6, 3.9))
        label = f"Fig. {name[4:].replace('_', '.')}: Diffused-Flows, {title}\n({s.tier} tier)"
        _grid_or_note(s, r, ax, f"04_diffused_flows-{d}", label)
        if d == "celeba" and r.m["df"][d]:
            ax.set_xlabel(f"grey-background fraction {r.m['df'][d]['grey_background_fraction']:.2f}", fontsize=8)
        s.res.save_figure(fig, name)
        plt.show()
    for name, d, order in [("fig_5_5", "celeba", ("ddpm", "nsf", "df")), ("fig_5_6", "mnist", ("df", "ddpm", "nsf"))]:
        fig, axes = plt.subplots(1, 3, figsize=(10, 3.8))
        for ax, k in zip(axes, order, strict=True):
            _grid_or_note(s, r, ax, f"{MODELS[k][2]}-{d}", f"{MODELS[k][1]} - {d.upper()}")
        fig.suptitle(f"Fig. {name[4:].replace('_', '.')}: model comparison ({s.tier} tier)", fontsize=9)
        s.res.save_figure(fig, name)
        plt.show()


def fig_5_2(s: Summary, r: Runs) -> None:
    """Fig. 5.2: the CIFAR-10 training objective per epoch (bits/dim) with the held-out bound beside it."""
    import matplotlib.pyplot as plt
    import pandas as pd

    c = r.m["df"]["cifar10"]
    fig, ax = plt.subplots(figsize=(6, 3.4))
    if c:
        log, D = pd.DataFrame(c["epoch_log"]), math.prod(c["config"]["image_size"])
        ax.plot(log.epoch, log.loss_raw / (D * math.log(2)), "o-", ms=3, label=f"training objective ({c['objective']})")
        b = c["held_out_bounds"]
        ax.plot([int(k) for k in b], list(b.values()), "s--", ms=4, label="held-out nll_bpd_bound")
        ax.legend(fontsize=7)
        ax.set(xlabel="epoch", ylabel="bits/dim")
    else:
        ax.text(0.5, 0.5, r.not_run, ha="center")
    ax.set_title(f"Fig. 5.2: CIFAR-10 training loss vs epochs ({s.tier} tier)", fontsize=9)
    s.res.save_figure(fig, "fig_5_2")
    plt.show()


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
FILES = [f"table_{n}.csv" for n in ("5_1", "5_2", "5_3", "5_4")] + [
    f"{n}.png" for n in ("fig_5_1", "fig_5_2", "fig_5_3", "fig_5_4", "fig_5_5", "fig_5_6", "fig_4_2_latents")
]


def structure_check(s: Summary) -> None:
    """'Tables 5.1–5.4 and Figs. 4.2, 5.1–5.6 are regenerated': every file written above exists."""
    missing = [f for f in FILES if not (s.res.dir / f).exists()]
    forward = (s.res.arm("04_diffused_flows-mnist") / "fig_4_2_forward.png").exists()
    ours = {"missing": missing, "fig_4_2_forward": forward}
    s.check("structure", "Tables 5.1–5.4, Figs. 4.2, 5.1–5.6", not missing, ours)


# claim prefix -> (model, paper number, our value, training curve, relative noise of a tenth's mean, what, unit)
LOSS_CLAIMS = {
    "nsf_nll": ("nsf", "nsf_loss", "test_bpd", "train_bpd_tenths", 0.002, "NSF test NLL", " bits/dim"),
    "ddpm_mse": ("ddpm", "ddpm_loss", "final_train_mse", "train_mse_tenths", 0.02, "DDPM final training MSE", ""),
}


def loss_checks(s: Summary, r: Runs) -> None:
    """The converged-loss claims (NSF bits/dim, DDPM ε-MSE, MNIST and CelebA), decided by
    :func:`~genrep.report.guards.within_unless_falling` on the training curve (plain band without one)."""
    for kind, (k, number, key, curve_key, rel_noise, what, unit) in LOSS_CLAIMS.items():
        for d in ("mnist", "celeba"):
            m, cid, paper = r.m[k][d], f"{kind}_{d}", loss_text(s, f"{number}_{d}")
            tol = s.paper.claim(cid).tolerance
            text = f"{what} on {d} within ±{tol}{unit}"
            if m is None:
                s.check(cid, paper, None, {"run": r.not_run}, text=text)
                continue
            ours = {key: m[key]} | ({"test_mse": m["test_mse"]} if k == "ddpm" else {})
            curve = m.get(curve_key)
            if not curve:  # results written before the curve was recorded
                s.check(cid, paper, within(s.X(f"{number}_{d}"), m[key], abs_=tol), ours, text=text)
                continue
            decision, why = within_unless_falling(s.X(f"{number}_{d}"), tol, m[key], curve, noise=rel_noise * m[key])
            ours[f"{curve_key} (last two)"] = [round(v, 5) for v in curve[-2:]]
            s.check(cid, paper, None, ours, why, text=text, decision=decision, n=m.get("n_eval"))


def fid_order_checks(s: Summary, r: Runs) -> None:
    """'FID: DDPM < Diffused-Flows < NSF' per dataset: on true FID both paired-bootstrap intervals (DDPM − DF,
    DF − NSF) below 0 replicate it, either above 0 refutes it, else inconclusive; on the proxy a plain ordering."""
    for d in ("mnist", "celeba"):
        ms, cid = r.every(d), f"fid_order_{d}"
        paper = " < ".join(s.P(f"{k}_fid_{d}") for k in ("ddpm", "df", "nsf"))
        text = f"FID ordering DDPM < Diffused-Flows < NSF on {d}"
        if ms is None:
            s.check(cid, paper, None, {"run": r.not_run}, text=text)
        elif all((m.get("true_fid") or {}).get("inception") for m in ms):
            f = [m["true_fid"]["inception"] for m in ms]
            iv = [boot_difference_interval(a["boot"], b["boot"]) for a, b in zip(f, f[1:], strict=False)]
            parts = [decide(i, "<", 0.0) for i in iv]
            f192 = [m["true_fid"].get("inception192", {}).get("value") for m in ms]
            epochs = [m["epochs"] if "epochs" in m else m["config"]["epochs"] for m in ms]
            ours = {
                "FID (ddpm, df, nsf)": [round(x["value"], 2) for x in f],
                "FID-192 (ddpm, df, nsf)": [round(x, 2) if x is not None else None for x in f192],
                "95% interval FID(DDPM) − FID(DF)": [round(v, 2) for v in iv[0]],
                "95% interval FID(DF) − FID(NSF)": [round(v, 2) for v in iv[1]],
                f"{ms[0]['fd_name']} (ddpm, df, nsf)": [round(m["fd"]["large"], 3) for m in ms],
            }
            note = (
                f"paired bootstrap over {len(f[0]['boot'])} replicates (the interval shown is the less decided "
                f"pair's); the three models trained {epochs} epochs"
            )
            metric = f"FID (TF-Inception pool3), {f[0]['n_fake']} samples vs {f[0]['n_real']} test images"
            interval = iv[0] if parts[0] != "replicated" else iv[1]
            s.check(
                cid,
                paper,
                None,
                ours,
                note,
                text=text,
                interval=interval,
                metric=metric,
                n=f[0]["n_fake"],
                decision=all_of(parts),
            )
        else:
            big = [round(m["fd"]["large"], 3) for m in ms]
            small = [round(m["fd"]["small_mean"], 3) for m in ms]
            ours = {"distance": ms[0]["fd_name"], "n_fid (ddpm, df, nsf)": big, "25 vs 25 (ddpm, df, nsf)": small}
            ours["25 vs 25 ordering holds"] = small[0] < small[1] < small[2]
            s.check(
                cid,
                paper,
                big[0] < big[1] < big[2],
                ours,
                "proxy distance, not FID",
                text=text,
                metric=ms[0]["fd_name"],
            )


def speed_checks(s: Summary, r: Runs) -> None:
    """Sampling time on MNIST: NSF ≪ Diffused-Flows < DDPM with the thesis's ratio (= its T ratio), the E2
    control at equal T (ratio ≈ 1: the speed comes from T alone), and NSF's absolute '< 1 s'."""
    ms = r.every("mnist", ("df", "ddpm", "nsf"))
    if ms is None:
        return
    (m_df, m_dd, _), (t_df, t_dd, t_ns) = ms, [m["timing"]["median_s"] for m in ms]
    ratio, t_ratio = t_df / t_dd, s.X("t51_timesteps_mnist") / s.X("ddpm_timesteps")  # the thesis's T_DF / T_DDPM
    tol = s.paper.claim("speed_ratio").tolerance
    paper = (
        f"{s.P('nsf_time_mnist')} s, {s.P('df_time_mnist')} s, {s.P('ddpm_time_mnist')} s "
        f"(ratio {s.X('df_time_mnist') / s.X('ddpm_time_mnist'):.2f})"
    )
    ok = bool(t_ns < t_df < t_dd and abs(ratio - t_ratio) <= tol)
    ours = {
        "nsf_s": t_ns,
        "df_s": t_df,
        "ddpm_s": t_dd,
        "ratio": ratio,
        "T_df": m_df["timesteps"],
        "T_ddpm": m_dd["timesteps"],
    }
    text = f"sampling time NSF ≪ Diffused-Flows < DDPM, ratio Diffused-Flows/DDPM = {t_ratio:g} ± {tol:g} (MNIST)"
    s.check("speed_ratio", paper, ok, ours, text=text)
    if h := r.ddpm_half:
        r_ctrl = t_df / h["timing"]["median_s"]
        ours = {"df_s": t_df, "ddpm_half_T_s": h["timing"]["median_s"], "ratio": r_ctrl, "T_df": m_df["timesteps"]}
        paper = f"not tested in the thesis (its ratio equals T_DF/T_DDPM = {t_ratio:g})"
        s.check("speed_from_t", paper, bool(0.75 <= r_ctrl <= 1.5), ours | {"T_ddpm_half": h["timesteps"]})
    s.check("nsf_fast", f"{s.P('nsf_time_mnist')} s", t_ns < 1.0, {"nsf_s": t_ns})


def _n_eval(s: Summary, arm: str, m: dict) -> int | None:
    """How many test images an arm's bits/dim average: its metrics, else the parameters in its run.json (None
    when neither says, e.g. a notebook run outside the runner)."""
    if m.get("n_eval"):
        return m["n_eval"]
    f = s.res.arm(arm) / "run.json"
    return min(json.loads(f.read_text())["params"]["n_eval"], 10000) if f.exists() else None


def likelihood_checks(s: Summary, r: Runs) -> None:
    """(6a) Diffused-Flows' objective below NSF's NLL (trivially expected), and (6b) its real bound (vlb
    objective) below NSF's NLL, decided by a 95 % Welch interval over test images when both record n."""
    m_df, m_ns, vlb = r.m["df"]["mnist"], r.m["nsf"]["mnist"], r.df_vlb
    paper = f"{s.P('df_nll_mnist')} < {s.P('nsf_loss_mnist')}"
    if m_df and m_ns and r.m["ddpm"]["mnist"]:
        ours = {"nll_thesis": m_df["nll_thesis"], "nsf_bpd": m_ns["test_bpd"]}
        note = "expected to hold trivially: the objective drops the Gaussian entropy term"
        s.check("df_objective_below_nsf", paper, m_df["nll_thesis"] < m_ns["test_bpd"], ours, note)
    if not (vlb and m_ns):
        return
    n_v, n_n = _n_eval(s, "04_diffused_flows-mnist_vlb", vlb), _n_eval(s, "02_nsf_baseline-mnist", m_ns)
    ours = {"nll_bpd_bound (vlb)": vlb["nll_bpd_bound"], "nsf_bpd": m_ns["test_bpd"]}
    if not (n_v and n_n):  # no sample sizes, so no interval: the plain comparison
        ok = vlb["nll_bpd_bound"] < m_ns["test_bpd"]
        s.check("df_bound_below_nsf", paper, ok, ours, "no sample sizes recorded: no interval")
        return
    # both are means over the same first n_eval test images; the interval of the difference is Welch's from the
    # per-image standard deviations (it ignores the positive pairing, so it is wider than a paired one)
    diff = vlb["nll_bpd_bound"] - m_ns["test_bpd"]
    se = math.sqrt(vlb["nll_bpd_bound_sd"] ** 2 / n_v + m_ns["test_bpd_sd"] ** 2 / n_n)
    iv = (diff - 1.96 * se, diff + 1.96 * se)
    ours |= {
        "difference": diff,
        "nll_bpd_bound (thesis_fixed)": m_df["nll_bpd_bound"] if m_df else None,
        "nsf_matched_bpd": r.nsf_matched["test_bpd"] if r.nsf_matched else None,
        "epochs (df vlb, nsf)": [vlb["config"]["epochs"], m_ns["epochs"]],
    }
    paper += " (the thesis's 'NLL'; the claim holds substantively only if this holds)"
    note = (
        "95 % Welch interval of the mean difference over test images; equal epochs, unequal size "
        "(the thesis's NSF has twice the flow steps; Diffused-Flows adds a U-Net)"
    )
    s.check("df_bound_below_nsf", paper, None, ours, note, interval=iv, n=[n_v, n_n], decision=decide(iv, "<", 0.0))


def diagnostic_checks(s: Summary, r: Runs) -> None:
    """CIFAR-10 still converging (on the held-out bound), CIFAR-10's FID the worst (not comparable across our
    instruments), NSF's latent Gaussianity gap, and CelebA's grey-background fraction (reported)."""
    if c := r.m["df"]["cifar10"]:
        # The thesis_fixed objective is unbounded below (a degenerate flow lowers it without end), so its slope
        # cannot tell "not converged" from degeneracy: decide on the held-out bound (bits/dim), recorded every few
        # epochs. Noise: the bound's per-image sd over at most 256 held-out images (04's x_held), a lower bound.
        noise = c["nll_bpd_bound_sd"] / math.sqrt(256)
        falling, why = held_out_still_falling(c["held_out_bounds"], c["config"]["epochs"], window=50, noise=noise)
        ours = {"held-out bounds": c["held_out_bounds"], "objective slope (not used)": c["loss_slope_last50"]}
        s.check(
            "cifar_not_converged",
            f"Fig. 5.2: not converged after {s.P('t51_epochs_cifar10')} epochs",
            falling,
            ours | {"objective": c["objective"], "epochs": c["config"]["epochs"]},
            why,
            text="CIFAR-10: the held-out bound (bits/dim) is still falling at the end (last 50 epochs)",
            metric="held-out nll_bpd_bound (bits/dim) over the last 50 epochs",
        )
        paper = f"{s.P('df_fid_cifar10')} vs {s.P('df_fid_mnist')} and {s.P('df_fid_celeba')}"
        note = "FD-cifarnet and FD-mnistcnn are different instruments: not comparable across datasets"
        s.check("cifar_fid_worst", paper, None, {c["fd_name"]: c["fd"]["large"]}, note, metric=c["fd_name"])
    if m := r.m["nsf"]["mnist"]:
        g = m["latent_gaussianity"]
        ours = {k: g[k] for k in ("ks", "gap_nats_per_dim", "excess_kurtosis")} | {
            "ks_reference": g["ks_normal_reference"]
        }
        paper = "Fig. 4.2: 'NF on its own cannot completely transform the data to pure Gaussian noise'"
        s.check("nsf_latent_gap", paper, bool(g["ks"] > 2 * g["ks_normal_reference"]), ours)
    grey = r.m["df"]["celeba"]["grey_background_fraction"] if r.m["df"]["celeba"] else r.not_run
    text = "CelebA samples have grey backgrounds (fraction reported)"
    s.check("celeba_grey", "all samples have grey backgrounds", None, {"grey_fraction": grey}, text=text)


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
