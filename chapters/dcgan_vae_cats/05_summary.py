# %% [markdown]
# # Summary: the report's numbers beside ours
#
# Paper values are quoted verbatim from the report (and, where the report omits them, from the authors'
# notebook log, marked so). Our values carry the tier; a `reduced` run is a CPU smoke test with narrow
# networks trained for two epochs and is never called a replication. Without the Inception weights our
# distances are proxies (FD-cifarnet, FD-randconv): they are shown beside the report's FID for orientation
# but are not comparable to it.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/dcgan_vae_cats/reduced/05_summary"
runs_dir = "runs/dcgan_vae_cats/reduced/05_summary"

# %%
import re

import numpy as np
import pandas as pd

from genrep.models.dcgan import DCGANDiscriminator, DCGANGenerator
from genrep.models.vae import MLPVAE
from genrep.report import Check, ReplicationTable, Results, checks_frame
from genrep.report.guards import clip_bug_raises_fd, loss_within_if_comparable, normaliser_bias
from genrep.train import count_params

res = Results(results_dir, tier)
paper = res.paper()  # the report's numbers and claims (paper.yaml)


def P(id: str) -> str:
    """A paper number, verbatim as printed (from paper.yaml)."""
    return str(paper.number(id))


def X(id: str) -> float:
    """A paper number as a float."""
    return float(paper.number(id))


def claimed(cid: str, paper_text: str, ok, ours: dict, text: str | None = None, **kw) -> Check:
    """A check of the claim ``cid`` declared in paper.yaml (its id, minimal tier, metric and, unless given, text)."""
    c = paper.claim(cid)
    kw.setdefault("metric", c.metric)
    return Check(text or c.text, paper_text, ok, tier, ours, claim_id=c.id, min_tier=c.min_tier, **kw)


data = res.metrics("01_data")
trains = {a: res.metrics(a) for a in res.arms_of("02_dcgan_train")}
evals = {a: res.metrics(a) for a in res.arms_of("03_dcgan_eval")}
vaes = {a: res.metrics(a) for a in res.arms_of("04_vae")}
data_note = f"{data['data']}, {data['n_images']} images"
print(data_note, "| runs:", list(trains), list(evals), list(vaes))

# %% [markdown]
# ## Table 4.1: GAN training log (last-minibatch losses)

# %%
# (epoch, D, G) of the report's Table 4.1; epochs 13-37 are omitted by the report and come from the notebook log
eps41 = sorted(int(k[6:]) for k in paper.numbers if re.fullmatch(r"t41_d_\d+", k))
T41 = {ep: (paper.number(f"t41_d_{ep:02d}"), paper.number(f"t41_g_{ep:02d}")) for ep in eps41}
first = next(iter(trains.values()))
ours = {r["epoch"]: r for r in first["epoch_log"]}
t41 = ReplicationTable("table_4_1", "GAN training log: last-minibatch D and G loss", "Frańczak & Wiktorzak 2025, "
                       "Table 4.1", tier, data_note=f"{first['data']}, run {next(iter(trains))}")
for ep, (d, g) in T41.items():
    src = "" if d.source.startswith("Table 4.1") else " (notebook log; omitted in the report)"
    r = ours.get(ep)
    t41.add(f"epoch {ep}", "D loss", f"{d}{src}", r["d_last"] if r else None, None,
            note="single last batch: qualitative only")
    t41.add(f"epoch {ep}", "G loss", f"{g}{src}", r["g_last"] if r else None, None)
res.save_table(t41)
paper_d, paper_g = (np.array([float(v[i]) for v in T41.values()]) for i in (0, 1))
our_d = np.array([r["d_last"] for r in first["epoch_log"]])
our_g = np.array([r["g_last"] for r in first["epoch_log"]])
pd.DataFrame({f"paper ({len(T41)} epochs)": [np.median(paper_d), np.median(paper_g), int((paper_g < 1).sum())],
              f"ours ({len(our_d)} epochs, {tier})": [np.median(our_d), np.median(our_g), int((our_g < 1).sum())]},
             index=["median D (last batch)", "median G (last batch)", "epochs with G < 1"]).round(3)

# %% [markdown]
# ## Table 4.2: VAE "Average Loss"

# %%
eps42 = sorted(int(k[4:]) for k in paper.numbers if re.fullmatch(r"t42_\d+", k))
T42 = {ep: (P(f"t42_{ep:02d}"), X(f"t42_{ep:02d}_notebook")) for ep in eps42}  # (as printed, notebook value)
TOL = {ep: paper.claim(f"vae_loss_e{ep:02d}").tolerance for ep in (1, 5, 50)}  # ±1 % at epoch 1, ±0.5 % elsewhere
vfirst = next(iter(vaes.values()))
vlog = {r["epoch"]: r for r in vfirst["epoch_log"]}
t42 = ReplicationTable("table_4_2", "VAE Average Loss per epoch", "Frańczak & Wiktorzak 2025, Table 4.2", tier,
                       data_note=f"{vfirst['data']}, hidden {vfirst['hidden_dim']}, run {next(iter(vaes))}")
for ep, (shown, full) in T42.items():
    r = vlog.get(ep)
    ok, why = loss_within_if_comparable(full, r["average_loss_authors"] if r else None, TOL.get(ep, TOL[50]),
                                        same_data=False)  # other data than the report's (see the checks below)
    t42.add(f"epoch {ep}", "Average Loss", f"{shown} (notebook: {full})", r["average_loss_authors"] if r else None,
            ok, note=why)
res.save_table(t42)
t42

# %% [markdown]
# ## Table M: the report's headline metrics

# %%
mc_paper = f"{P('mc_high_pairs')} / {P('mc_pairs')} ({X('mc_share'):g} %)"
tm = ReplicationTable("table_m", "DCGAN headline metrics", "Frańczak & Wiktorzak 2025, Sec. 4 (+ slides, code)",
                      tier, data_note=data_note)
for arm, ev in evals.items():
    d = pd.DataFrame(ev["distances"])
    n0 = ev["fid_n"][0]
    for ep, paper_v in [(10, f"FID {P('fid_e10')} (slides)"), (30, f"FID ≈{P('fid_e30')} (code comment)"),
                        (50, f"FID {P('fid_e50')}")]:
        for mode in ("authors_clip", "denorm"):
            for ext, name in ev["metric_names"].items():
                sel = d[(d.epoch == ep) & (d.n == n0) & (d.save_mode == mode) & (d.extractor == ext)]
                val = float(sel.fd.iloc[0]) if len(sel) else None
                ok = (100 <= val <= 170) if (val is not None and ext == "inception" and ep == 50
                                             and mode == "authors_clip") else None
                tm.add(f"{name} @ epoch {ep}, {mode}, {n0} vs {ev['real_n']}", arm, paper_v, val, ok,
                       note="" if ext == "inception" else "proxy: not comparable to FID")
    mc = ev["mode_collapse"]["generated, tanh space"]
    base = ev["mode_collapse"]["real, tanh space"]
    tm.add(f"pairs with cosine > 0.9 (tanh space, n={mc['n']})", arm, mc_paper,
           f"{mc['high_ordered']} / {mc['pairs_ordered']:,} ({100 * mc['fraction']:.3g} %); real baseline "
           f"{100 * base['fraction']:.3g} %", 0.0005 <= mc["fraction"] <= 0.01)
res.save_table(tm)
tm

# %% [markdown]
# ## GAN vs VAE on the same yardsticks (not in the report)

# %%
comp = []
for arm, ev in evals.items():
    fin = pd.DataFrame(ev["distances"])
    fin = fin[(fin.epoch == ev["final_epoch"]) & (fin.save_mode == "denorm") & (fin.n == ev["fid_n"][0])]
    for _, r in fin.iterrows():
        comp.append({"model": f"DCGAN ({arm})", "extractor": r.extractor, "distance": r.metric, "FD": r.fd,
                     "KID": r.kid, **ev["precision_recall"][r.extractor],
                     "cos>0.9 fraction": ev["mode_collapse"]["generated, tanh space"]["fraction"]})
for arm, v in vaes.items():
    for ext, s in v["scores"].items():
        comp.append({"model": f"VAE ({arm})", "extractor": ext, "distance": s["metric"], "FD": s["fd"], "KID": s["kid"],
                     "precision": s["precision"], "recall": s["recall"],
                     "cos>0.9 fraction": v["mode_collapse"]["fraction"]})
comp = pd.DataFrame(comp)
comp.to_csv(res.dir / "gan_vs_vae.csv", index=False)
print(f"{tier} tier; {data_note}; DCGAN fakes correctly de-normalised")
comp.round(4)

# %% [markdown]
# ## Headline checks (spec §10)

# %%
checks = []
CLIP_MIN_REL = 0.05  # the bug must raise the distance by at least 5 % to count as a visible effect
sizes = {"G": count_params(DCGANGenerator()), "D": count_params(DCGANDiscriminator()), "VAE": count_params(MLPVAE())}
checks.append(claimed("model_sizes", f"G {P('params_g')}; D {P('params_d')}; VAE {P('params_vae')}",
                      sizes == {"G": int(X("params_g")), "D": int(X("params_d")), "VAE": int(X("params_vae"))}, sizes))
for arm, ev in evals.items():
    d = pd.DataFrame(ev["distances"])
    n0 = ev["fid_n"][0]
    for ext, name in ev["metric_names"].items():
        at = lambda ep, mode: d[(d.epoch == ep) & (d.n == n0) & (d.save_mode == mode) & (d.extractor == ext)].fd
        last = ev["final_epoch"]
        c50, d50 = at(last, "authors_clip"), at(last, "denorm")
        named = lambda cid: paper.claim(cid).text.replace("FID", name, 1) + f" ({arm})"  # the extractor's name
        # What this tests (issue 13): not a claim of the report but the size of its saving bug's effect. Clipping
        # blacks out every pixel below mid-grey, so "denorm < clip" alone can hardly fail; we ask for a noticeable
        # rise (≥ CLIP_MIN_REL), which fails when the generator's outputs are nearly all above mid-grey or the
        # extractor is blind to the distortion.
        checks.append(claimed("denorm_below_clip", "expected lower than the clip-bug value (spec §10; not reported)",
                              clip_bug_raises_fd(float(c50.iloc[0]), float(d50.iloc[0]), CLIP_MIN_REL),
                              {"clip": float(c50.iloc[0]), "denorm": float(d50.iloc[0]), "epoch": last,
                               "clip / denorm": float(c50.iloc[0] / d50.iloc[0])},
                              text=f"the authors' clip-saving bug raises {name} by ≥ {100 * CLIP_MIN_REL:g} % over "
                                   f"correct de-normalisation (a test of the bug's effect, not a claim of the report) "
                                   f"({arm})",
                              note="clipping blacks out pixels below mid-grey; a bare 'denorm < clip' could hardly fail",
                              metric=f"{name} ({n0} vs {ev['real_n']})"))
        e10, e50 = at(10, "authors_clip"), at(50, "authors_clip")
        checks.append(claimed("fid_10_above_50", f"FID {P('fid_e10')} @10 vs {P('fid_e50')} @50",
                              bool(e10.iloc[0] > e50.iloc[0]) if len(e10) and len(e50) else None,
                              {"@10": float(e10.iloc[0]) if len(e10) else "not run",
                               "@50": float(e50.iloc[0]) if len(e50) else "not run"},
                              text=named("fid_10_above_50"), metric=f"{name} ({n0} vs {ev['real_n']}, authors' clip)"))
        if ext == "inception":
            checks.append(claimed("fid_e50_range", f"FID = {P('fid_e50')}",
                                  bool(len(c50) and 100 <= c50.iloc[0] <= 170) if last == 50 else None,
                                  {"FID": float(c50.iloc[0]), "epoch": last},
                                  text=f"{paper.claim('fid_e50_range').text} ({arm})",
                                  metric=f"FID ({n0} vs {ev['real_n']}, authors' clip, train-mode BN)"))
    mc, base = ev["mode_collapse"]["generated, tanh space"], ev["mode_collapse"]["real, tanh space"]
    checks.append(claimed("mode_collapse_share", f"{P('mc_high_pairs')} / {P('mc_pairs')} ordered pairs "
                          f"({X('mc_share'):g} %)", 0.0005 <= mc["fraction"] <= 0.01,
                          {"generated": mc["fraction"], "real baseline": base["fraction"], "n": mc["n"]},
                          text=f"{paper.claim('mode_collapse_share').text} ({arm})",
                          metric=f"share of ordered pairs with pixel cosine > 0.9 ({mc['n']} samples, tanh space)"))
for arm, v in vaes.items():
    log = {r["epoch"]: r["average_loss_authors"] for r in v["epoch_log"]}
    vals = [log[e] for e in sorted(log)]
    checks.append(claimed("vae_monotone", f"{P('t42_01')} → {P('t42_50')} over {max(T42)} epochs",
                          all(b < a for a, b in zip(vals, vals[1:])) if len(vals) > 1 else None,
                          {f"epoch {e}": log[e] for e in sorted(log)[:3]},
                          text=f"{paper.claim('vae_monotone').text} ({arm})"))
    # The authors' normaliser divides the summed loss by all files but skips the remainder batch; the report's
    # data set is not ours. A ±0.5 % tolerance on such numbers decides nothing: decided only on the same data.
    per_image = {r["epoch"]: r.get("per_image_loss") for r in v["epoch_log"]}
    r0 = v["epoch_log"][0]
    bias = normaliser_bias(int(r0["images"]), int(round(r0["loss_sum"] / r0["average_loss_authors"])))
    for ep, tol in TOL.items():
        ok, why = loss_within_if_comparable(T42[ep][1], log.get(ep), tol, same_data=False, bias=bias,
                                            data_note=f"ours: {v['data']}, {v['n_images']} images")
        checks.append(claimed(f"vae_loss_e{ep:02d}", f"{T42[ep][1]}", ok,
                              {"ours (authors' normaliser)": log.get(ep, "not run"),
                               "ours (per image)": per_image.get(ep, "not run"), "normaliser bias": bias,
                               "hidden_dim": v["hidden_dim"]},
                              text=f"{paper.claim(f'vae_loss_e{ep:02d}').text} ({arm})", note=why))
res.write_checks(checks, data_note=data_note)
checks_frame(checks)
