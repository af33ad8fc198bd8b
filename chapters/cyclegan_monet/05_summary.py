# %% [markdown]
# # Summary: the paper's tables beside ours
#
# Every numeric table of the paper (3.1, 3.2, 3.4, 3.5, 3.7, 3.8, 3.9, 3.10, 3.13) is rebuilt below with the
# paper's MiFID **verbatim** in the *paper* column and our offline score in the *ours* column; the visual
# tables (3.3, 3.6, 3.11, 3.12, 3.14) are image grids of our arms. Read the labels:
#
# * **tier**: the numbers on this page come from the tier named in every caption. The `reduced` tier is a
#   CPU smoke run (32² images, narrow networks, a few dozen steps): it exercises every code path, it does
#   not replicate anything, and its verdicts are always "not testable at this tier".
# * **metric**: Kaggle's scoring set is hidden; our reference is the 300 training paintings
#   (`train300`). Without the Inception weights the features are proxies, so scores are MiFD-cifarnet /
#   MiFD-randconv and FD-…, never MiFID, and are not comparable with the paper's absolute values. The
#   paper's claims are about **directions** (which arm scores lower), and those are what we check.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/cyclegan_monet/reduced/05_summary"
runs_dir = "runs/cyclegan_monet/reduced/05_summary"

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from genrep.report import Check, ReplicationTable, Results, checks_frame, show_grid
from genrep.report.strips import load_strip
from IPython.display import Markdown, display

res = Results(results_dir, tier)
Path(runs_dir).mkdir(parents=True, exist_ok=True)
data = res.metrics("01_data")
models = res.metrics("02_models")
s1_parts = [res.metrics(a) for a in res.arms_of("03_cyclegan")]
s1 = {k: v for m in s1_parts for k, v in m["results"].items()}
s1_dirs = {k: res.arm(a) for a, m in zip(res.arms_of("03_cyclegan"), s1_parts) for k in m["results"]}
s2_arms = res.arms_of("04_diffusion_gan")                # one per seed in the full tier
s2_all = [res.metrics(a) for a in s2_arms]
s2, s2_arm = s2_all[0], s2_arms[0]
exts = s1_parts[0]["extractors"]                      # {name: FD name}; the first is the primary one
prim = next(iter(exts))
ref = data["ref_name"]
penalised = any(ev["scores"][prim]["distance"] < 0.1 for ev in s1.values())
judge = "fd" if penalised else "mifid"
judge_name = exts[prim] if penalised else f"Mi{exts[prim]}"
data_note = f"{data['data']}; {tier} tier; scores on {', '.join(exts)} features (proxies unless 'inception')"
print(data_note)
print(f"directions are judged on {judge_name} ({ref})" + (
    " because the memorisation penalty fires for some arm with these proxy features (d < 0.1), which makes "
    "MiFD a ratio FD/d rather than a distance" if penalised else ""))


def value(arm: str, what: str = "mifid", ext: str | None = None):
    """Mean over seeds of an arm's score (``what``: mifid, fd, distance, kid), or None if not run."""
    ext = ext or prim
    vals = [ev["scores"][ext][what] for k, ev in s1.items() if k.rsplit("-s", 1)[0] == arm]
    return float(np.mean(vals)) if vals else None


def seeds_of(arm: str) -> int:
    return sum(1 for k in s1 if k.rsplit("-s", 1)[0] == arm)


def add_scores(t: ReplicationTable, col: str, arm: str, paper: str, label: str = "MiFID score"):
    n = seeds_of(arm)
    for ext, fd_name in exts.items():
        t.add(f"{label}: Mi{fd_name} ({ref})", col, paper if ext == prim else "—", value(arm, "mifid", ext), None,
              note=f"{arm}, {n} seed(s); d = {value(arm, 'distance', ext):.3g}" if n else f"{arm} not run")
        t.add(f"{fd_name} ({ref})", col, "—", value(arm, "fd", ext), None, note=arm)


def direction(a: str, b: str, a_val=None, b_val=None):
    """True when arm a scores lower than arm b on the judged metric (None when either did not run)."""
    va = a_val if a_val is not None else value(a, judge)
    vb = b_val if b_val is not None else value(b, judge)
    return (None if va is None or vb is None else bool(va < vb)), va, vb


def add_direction(t: ReplicationTable, claim: str, paper: str, a: str, b: str, **kw):
    ok, va, vb = direction(a, b, **kw)
    ours = f"{va:.4g} vs {vb:.4g} ({judge_name})" if ok is not None else "not run"
    t.add(f"direction: {claim}", "lower is better", paper, ours, ok)
    return ok


SRC = "Dimitriu (2024)"
held = {}

# %% [markdown]
# ## Table 3.1: batch size and top-k

# %%
t = ReplicationTable("3_1", "First solution: MiFID score comparison based on the batch size", f"{SRC}, Table 3.1",
                     tier, data_note)
cols = [("Batch size of 1", "S1-BEST", 17, 119646, "39.87871"), ("Batch size of 32", "S1-BS32", 50, 43950, "50.21598"),
        ("Top-k training: batch size of 32", "S1-BS32-TOPK", 50, 43950, "49.25094")]
for col, arm, ep, steps, score in cols:
    cfg = next((ev["config"] for k, ev in s1.items() if k.startswith(arm + "-s")), None)
    t.add("Number of epochs", col, str(ep), cfg["epochs"] if cfg else None, None)
    t.add("Number of steps", col, str(steps), cfg["max_steps"] if cfg else None, None,
          note=f"batch {cfg['batch_size']}" if cfg else "")
    add_scores(t, col, arm, score)
held["3.1"] = [add_direction(t, "batch 1 beats batch 32", "39.87871 < 50.21598", "S1-BEST", "S1-BS32"),
               add_direction(t, "top-k helps at batch 32", "49.25094 < 50.21598", "S1-BS32-TOPK", "S1-BS32")]
res.save_table(t)
display(t)

# %% [markdown]
# ## Tables 3.2 and 3.4: the U-Net discriminator and its losses

# %%
t = ReplicationTable("3_2", "… based on the U-Net discriminator architecture (S1-BEST context)", f"{SRC}, Table 3.2",
                     tier, data_note)
add_scores(t, "Feature extraction architecture", "S1-BEST", "39.87871")
add_scores(t, "U-Net architecture", "S1-UNETD", "59.4159")
held["3.2"] = [add_direction(t, "PatchGAN beats the U-Net discriminator", "39.87871 < 59.4159", "S1-BEST", "S1-UNETD")]
res.save_table(t)
display(t)
t = ReplicationTable("3_4", "… based on the U-Net discriminator losses", f"{SRC}, Table 3.4", tier, data_note)
add_scores(t, "U-Net plus classical discriminator losses", "S1-UNETD", "59.4159")
add_scores(t, "U-Net as in source [13]", "S1-UNETD-SRC", "61.73151")
held["3.4"] = [add_direction(t, "classical + CutMix beats Schönfeld's losses", "59.4159 < 61.73151", "S1-UNETD",
                             "S1-UNETD-SRC")]
res.save_table(t)
display(t)

# %% [markdown]
# ## Tables 3.5, 3.7, 3.8: identity weight, post-processing, Better Cycles (S1-BASE context)

# %%
t = ReplicationTable("3_5", "… based on the identity loss", f"{SRC}, Table 3.5", tier, data_note)
add_scores(t, "With color preservation (higher ratio)", "S1-BASE", "42.49448")
add_scores(t, "Without color preservation (lower ratio)", "S1-IDLOW", "43.02967")
held["3.5"] = [add_direction(t, "the higher identity weight scores lower (weak, within noise)", "42.49448 < 43.02967",
                             "S1-BASE", "S1-IDLOW")]
res.save_table(t)
display(t)

t = ReplicationTable("3_7", "… based on data post-processing (one row per filter; the paper's is unknown)",
                     f"{SRC}, Table 3.7", tier, data_note)
pp_arms = sorted({k.rsplit("-s", 1)[0] for k in s1 if k.startswith("S1-PP-")})
for arm in pp_arms:
    add_scores(t, f"With data post-processing: {arm[6:]}", arm, "45.05926")
add_scores(t, "Without data post-processing", "S1-BASE", "42.49448")
best_pp = min(pp_arms, key=lambda a: value(a, judge)) if pp_arms else None
held["3.7"] = [add_direction(t, "post-processing hurts (even the best filter)", "42.49448 < 45.05926", "S1-BASE",
                             best_pp)] if best_pp else [None]
res.save_table(t)
display(t)

t = ReplicationTable("3_8", "… based on the cycle loss", f"{SRC}, Table 3.8", tier, data_note)
add_scores(t, "With better cycles", "S1-BC", "44.99861")
add_scores(t, "Without better cycles", "S1-BASE", "42.49448")
held["3.8"] = [add_direction(t, "Better Cycles hurts", "42.49448 < 44.99861", "S1-BASE", "S1-BC")]
res.save_table(t)
display(t)

# %% [markdown]
# ## Tables 3.9 and 3.10: buffer size (bs-32 + top-k context) and output-as-input

# %%
t = ReplicationTable("3_9", "… based on the buffer size (10 vs 100)", f"{SRC}, Table 3.9", tier, data_note)
add_scores(t, "Smaller buffer size", "S1-BUF10", "59.93715")
add_scores(t, "Larger buffer size", "S1-BS32-TOPK", "49.25094")
held["3.9"] = [add_direction(t, "a buffer of 100 beats 10", "49.25094 < 59.93715", "S1-BS32-TOPK", "S1-BUF10")]
res.save_table(t)
display(t)
t = ReplicationTable("3_10", "… based on the output-as-input technique", f"{SRC}, Table 3.10", tier, data_note)
add_scores(t, "With output-as-input", "S1-BEST", "39.87871")
add_scores(t, "Without output-as-input", "S1-BASE", "42.49448")
held["3.10"] = [add_direction(t, "output-as-input helps", "39.87871 < 42.49448", "S1-BEST", "S1-BASE")]
res.save_table(t)
display(t)

# %% [markdown]
# ## Table 3.13: the second solution (compute-matched)

# %%
s2_note = f"{s2['data']}; generated at {s2['s2_img_size']}², T = {s2['T']}; {tier} tier"
t = ReplicationTable("3_13", "Second solution: MiFID score comparison", f"{SRC}, Table 3.13", tier, s2_note)
for col, arm, paper in [("Vanilla Stable Diffusion", "S2-VAN", "109.47919"), ("Proposed solution", "S2-DUNET", "69.90175")]:
    for ext, fd_name in exts.items():
        sc = {k: float(np.mean([m["results"][arm]["scores"][ext][k] for m in s2_all])) for k in ("mifid", "fd", "distance")}
        t.add(f"MiFID score: Mi{fd_name} ({ref})", col, paper if ext == prim else "—", sc["mifid"], None,
              note=f"{arm}: {s2['steps'][arm]} steps, {len(s2_all)} seed(s); d = {sc['distance']:.3g}")
        t.add(f"{fd_name} ({ref})", col, "—", sc["fd"], None, note=arm)
s2v = {a: float(np.mean([m["results"][a]["scores"][prim][judge] for m in s2_all])) for a in ("S2-VAN", "S2-DUNET")}
held["3.13"] = [add_direction(t, "the double U-Net beats vanilla DDPM", "69.90175 < 109.47919", "S2-DUNET", "S2-VAN",
                              a_val=s2v["S2-DUNET"], b_val=s2v["S2-VAN"])]
res.save_table(t)
display(t)

# %% [markdown]
# ## The visual tables (3.3, 3.6, 3.11, 3.12, 3.14)
# The paper's images are lost in the text copy; these are ours, from the same fixed photos for every arm.

# %%
def strip(arm: str, kind: str = "outputs"):
    key = next((k for k in s1 if k.rsplit("-s", 1)[0] == arm), None)
    return load_strip(s1_dirs[key] / f"{kind}_{key}.png") if key else None


inputs = load_strip(next(iter(s1_dirs.values())) / "inputs.png")


def visual(name: str, title: str, rows: list[tuple[str, object]]):
    rows = [(lab, x) for lab, x in rows if x is not None]
    fig, axes = plt.subplots(len(rows), 1, figsize=(1.2 * len(rows[0][1]) + 1, 1.35 * len(rows)), squeeze=False)
    for ax, (lab, x) in zip(axes[:, 0], rows):
        show_grid(ax, x, nrow=len(x), title=lab)
    fig.suptitle(f"{title} — {data['title']}, {tier} tier", fontsize=8)
    res.save_figure(fig, name)
    plt.show()


visual("table_3_3", "Table 3.3: U-Net discriminator", [("input photos", inputs), ("PatchGAN (S1-BEST)", strip("S1-BEST")),
       ("U-Net D + CutMix (S1-UNETD)", strip("S1-UNETD")), ("U-Net D, Schönfeld losses", strip("S1-UNETD-SRC"))])
hi, lo = strip("S1-BASE"), strip("S1-IDLOW")
visual("table_3_6", "Table 3.6: identity loss", [("input photos", inputs[:3]),
       ("λ_id high (S1-BASE)", hi[:3] if hi is not None else None), ("λ_id low (S1-IDLOW)", lo[:3] if lo is not None else None)])
visual("table_3_11", "Table 3.11: output-as-input", [("input photos", inputs), ("with OAI (S1-BEST)", strip("S1-BEST")),
       ("without OAI (S1-BASE)", strip("S1-BASE"))])
visual("table_3_12", "Table 3.12: the 8 least-changed photos under S1-BEST (mean |G(x)−x|)",
       [("photos", strip("S1-BEST", "least_in")), ("S1-BEST outputs", strip("S1-BEST", "least_out"))])
s2_dir = res.arm(s2_arm)
visual("table_3_14", "Table 3.14: second solution", [("vanilla DDPM (S2-VAN)", load_strip(s2_dir / "samples_S2-VAN.png")),
       ("double U-Net (S2-DUNET)", load_strip(s2_dir / "samples_S2-DUNET.png")),
       ("double U-Net middle images h", load_strip(s2_dir / "middle_S2-DUNET.png"))])

# %% [markdown]
# ## Fig. 1: the leaderboard, with our offline score beside it
# The paper's screenshot, transcribed (spec §4). Our row is an **offline proxy**: another metric, another
# reference set, another tier; it is listed for orientation and is not ranked.

# %%
board = pd.DataFrame([(1, "CLIPTravGAN", "34.43192"), (2, "StarLabNumberOne", "36.20936"),
                      (3, "Nandita Bhattacharya", "37.06161"), (4, "Anurag Dixit", "37.91659"), (5, "MeoweeM", "38.62360"),
                      (6, "leekkevin", "38.94692"), (7, "Corina_Code (the author)", "39.55551"),
                      (8, "yuyuyuyuu", "39.94173"), (9, "hongxiang1117", "39.94174"), (10, "j26129851", "40.15675")],
                     columns=["#", "team", "score (paper's screenshot)"]).astype(object)
ours_best = value("S1-BEST")
board.loc[len(board)] = ["—", f"this book, S1-BEST — offline proxy, {tier} tier",
                         f"Mi{exts[prim]} ({ref}) = {ours_best:.4g} (not comparable)" if ours_best else "not run"]
board.to_csv(res.dir / "fig_1_leaderboard.csv", index=False)
display(board)

# %% [markdown]
# ## Speed: our steps/s beside the paper's implied ≥ 6.8 steps/s

# %%
thr = {k: v for m in s1_parts for k, v in (m.get("throughput") or {}).items()}
bench = next((m["speed_bench"] for m in s1_parts if m.get("speed_bench")), None)
dev_kind = s1_parts[0].get("device_type", "cpu").upper()
speed = pd.DataFrame([{"run": k, "steps/s": v.get("steps_per_s"), "images/s": v.get("images_per_s"),
                       "setting": f"{s1_parts[0]['img_size']}², ngf {s1_parts[0]['ngf']}, {dev_kind}"} for k, v in thr.items()],
                     columns=["run", "steps/s", "images/s", "setting"]).astype(object)
speed.loc[len(speed)] = ["paper (bs 1, 256², ngf 64, Kaggle GPU)", "≥ 6.8 (implied by 119,646 steps in 4 h 55 min)", None, "GPU"]
if bench:
    speed.loc[len(speed)] = ["ours, full-size benchmark (bs 1, 256², ngf 64)", bench["steps_per_s"], None, bench["device"]]
speed.to_csv(res.dir / "speed.csv", index=False)
display(speed)

# %% [markdown]
# ## Headline checks (spec §10)

# %%
checks = []
sizes = {"G": models["g_params"], "SimpleUnet": models["simple_unet_params"], "PatchGAN out": models["patchgan_out"]}
checks.append(Check("the models have the spec's sizes: pix2pix G 54.4 M, SimpleUnet 62.4 M, PatchGAN 15×15",
                    "54.4 M; 62.4 M; 15×15", round(sizes["G"] / 1e6, 1) == 54.4
                    and round(sizes["SimpleUnet"] / 1e6, 1) == 62.4 and sizes["PatchGAN out"][-2:] == [15, 15],
                    tier, sizes))


def check(claim, paper, a, b, note="", **kw):
    ok, va, vb = direction(a, b, **kw)
    checks.append(Check(claim, paper, ok, tier, {a: va, b: vb, "metric": f"{judge_name} ({ref})"}, note))


check("1. output-as-input helps: S1-BEST < S1-BASE", "39.87871 vs 42.49448 (Δ −2.62)", "S1-BEST", "S1-BASE")
check("2. batch 1 (17 epochs) beats batch 32 (50 epochs)", "39.88 vs 50.22 (Δ −10.34)", "S1-BEST", "S1-BS32")
check("2b. top-k at batch 32 gives a small gain", "49.25 vs 50.22 (Δ −0.97, within noise)", "S1-BS32-TOPK", "S1-BS32")
check("3. PatchGAN beats the U-Net discriminator", "39.88 vs 59.42 (Δ −19.54)", "S1-BEST", "S1-UNETD")
check("3b. classical + CutMix losses beat Schönfeld's", "59.42 vs 61.73", "S1-UNETD", "S1-UNETD-SRC")
check("4. a buffer of 100 beats a buffer of 10", "49.25 vs 59.94 (Δ −10.69)", "S1-BS32-TOPK", "S1-BUF10")
check("5. the double U-Net beats vanilla DDPM", "69.90 vs 109.48 (Δ −39.58)", "S2-DUNET", "S2-VAN",
      a_val=s2v["S2-DUNET"], b_val=s2v["S2-VAN"])
check("6a. high identity weight ≤ low (weak)", "42.49 vs 43.03 (Δ −0.54)", "S1-BASE", "S1-IDLOW")
if best_pp:
    check("6b. post-processing hurts (best filter)", "45.06 vs 42.49 (Δ +2.56)", "S1-BASE", best_pp)
check("6c. Better Cycles hurts", "44.99861 vs 42.49448 (Δ +2.50)", "S1-BASE", "S1-BC")
checks.append(Check("7. the best solution-1 arm reaches the leaderboard range 34–45", "39.87871 (Kaggle, hidden set)",
                    None, tier, {f"S1-BEST, Mi{exts[prim]} ({ref})": value("S1-BEST")},
                    "not judged offline: another reference set and proxy features (spec §10.7)"))
dmin = min(ev["scores"][prim]["distance"] for ev in s1.values())
checks.append(Check("8. the memorisation penalty is inactive (d ≥ 0.1) for every arm", "d ≥ 0.1 (Kaggle)",
                    bool(dmin >= 0.1), tier, {"min d": dmin, "extractor": prim},
                    "ε = 0.1 is calibrated for Inception features; proxy features of non-negative ReLU activations "
                    "have small cosine distances for any image"))
best = s1.get(next((k for k in s1 if k.startswith("S1-BEST-s")), ""), {})
if "change_ood" in best:
    checks.append(Check("9. photos with content foreign to the paintings (bricks) change least", "Table 3.12 (qualitative)",
                        bool(best["change_ood"] < best["change_in_domain"]), tier,
                        {"change, bricks": best["change_ood"], "change, other": best["change_in_domain"]},
                        "stand-in data: the brick patches are the out-of-domain content"))
else:
    checks.append(Check("9. the least-changed photos contain content absent from Monet's paintings", "Table 3.12 (qualitative)",
                        None, tier, {}, "judged by eye in the Table 3.12 grid above"))
if "oracle_l1" in best:
    checks.append(Check("stand-in: the trained G is closer to the oracle S(x) than the identity map", "(stand-in only)",
                        bool(best["oracle_l1"] < best["oracle_l1_identity"]), tier,
                        {"oracle L1, G": best["oracle_l1"], "oracle L1, identity": best["oracle_l1_identity"]}))
res.write_checks(checks, data_note=data_note)
checks_frame(checks)

# %% [markdown]
# ## Closing note: which tier produced each table, and whether its direction held

# %%
lines = [f"All numbers on this page come from the **{tier}** tier ({data['title']}; "
         f"{s1_parts[0]['img_size']}² images; {dev_kind}). "
         + ("This is a smoke run: its directions are recorded but not judged." if tier == "reduced" else ""),
         "", "| table | arms | tier | direction held? |", "|---|---|---|---|"]
arms_of = {"3.1": "S1-BEST, S1-BS32, S1-BS32-TOPK", "3.2": "S1-BEST, S1-UNETD", "3.4": "S1-UNETD, S1-UNETD-SRC",
           "3.5": "S1-BASE, S1-IDLOW", "3.7": "S1-BASE, S1-PP (3 filters)", "3.8": "S1-BASE, S1-BC",
           "3.9": "S1-BS32-TOPK, S1-BUF10", "3.10": "S1-BEST, S1-BASE", "3.13": "S2-VAN, S2-DUNET"}
for name, oks in held.items():
    word = ", ".join("yes" if o else ("no" if o is not None else "not run") for o in oks)
    lines.append(f"| {name} | {arms_of[name]} | {tier} | {word} |")
lines.append("")
lines.append("Visual tables 3.3, 3.6, 3.11, 3.12 and 3.14 and Figures 1, 3.1–3.6 are regenerated at the same tier.")
display(Markdown("\n".join(lines)))
res.save_metrics(held=held, judged_on=judge_name, reference=ref, s2_seeds=len(s2_all))
