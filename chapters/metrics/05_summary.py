# %% [markdown]
# # Summary: what the instruments can and cannot tell
#
# This page collects the other notebooks' results into replication tables and decides the chapter's
# claims (declared, with the smallest tier that can test them, in `chapters/metrics/paper.yaml`). Every
# claim needs the TF-Inception network: at the `reduced` tier (proxies only) each one is "not testable".
# A direction counts as replicated only when it exceeds its noise: a paired bootstrap over images for the
# disturbance steps and the memorisation distance, repeated draws for the sample-size effects.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/metrics/reduced/05_summary"
runs_dir = "runs/metrics/reduced/05_summary"

# %%
import json

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from genrep.metrics.disturbances import DISTURBANCES
from genrep.metrics.studies import consistent_with_zero, rank_agreement, step_intervals
from genrep.report import (
    Check,
    ReplicationTable,
    Results,
    bootstrap_interval,
    checks_frame,
    compare_seeds,
    decide,
    within_interval,
)

res = Results(results_dir, tier)
paper = res.paper()
proxy = res.metrics("01_proxy_features")
dist = {a.split("-", 1)[1]: res.metrics(a) for a in res.arms_of("02_disturbances")}
size = {a.split("-", 1)[1]: res.metrics(a) for a in res.arms_of("03_sample_size")}
mifid = res.metrics("04_mifid")
HEUSEL = [k for k in DISTURBANCES if k not in ("mode_dropping",)]
has_fid = {ds: "inception" in m["metric_names"] for ds, m in dist.items()}
data_note = "; ".join(sorted({t for m in [*dist.values(), *size.values(), mifid] for t in m["datasets"]}))
checks = []


def check(cid, ok=None, ours=None, **kw):
    """A Check of the declared claim ``cid``; ok=None when this tier lacks what the claim needs."""
    c = paper.claim(cid)
    checks.append(Check.for_claim(c, c.source or paper.citation, tier, ok=ok, ours=ours or {}, data=data_note, **kw))


print("extractors:", proxy["extractors"], "| TF-Inception present:", proxy["inception_available"])

# %% [markdown]
# ## Heusel et al. (2017), Fig. 3: distance against disturbance level
# Each row lists the distance at the four levels. For FID, a step counts as a rise only when the paired
# bootstrap interval of FID(level i+1) − FID(level i) lies above 0.

# %%
fig3 = ReplicationTable(
    "heusel_fig3",
    "Distance rises with the disturbance level",
    "Heusel et al. 2017, Fig. 3",
    tier,
    data_note="; ".join(m["data"] for m in dist.values()),
)
for ds, m in dist.items():
    for (ext, kind), sub in pd.DataFrame(m["rows"]).groupby(["extractor", "kind"], sort=False):
        vals = sub.sort_values("level").fd.tolist()
        claim = "FID rises monotonically" if kind in HEUSEL else "not in the paper (our addition)"
        fig3.add(
            kind,
            f"{m['metric_names'][ext]} on {ds}",
            claim,
            " → ".join(f"{v:.3g}" for v in vals),
            m["monotone"][f"{ext}/{kind}"],
        )
res.save_table(fig3)
for ds, m in dist.items():
    for kind in HEUSEL + (["mode_dropping"] if ds == "cifar10" else []):
        cid = f"fig3_{kind}_{ds}" if kind in HEUSEL else f"{kind}_{ds}"
        if not has_fid[ds] or f"inception/{kind}" not in m["monotone"]:
            check(cid, note="needs TF-Inception features (not computed at this tier)")
            continue
        steps = step_intervals(m["rows"], "inception", kind)
        worst = min(steps, key=lambda iv: iv[0])
        decision = (
            "replicated"
            if all(lo > 0 for lo, _ in steps)
            else "not replicated"
            if any(hi < 0 for _, hi in steps)
            else "inconclusive"
        )
        fids = [
            r["fd"]
            for r in sorted(
                (r for r in m["rows"] if r["extractor"] == "inception" and r["kind"] == kind), key=lambda r: r["level"]
            )
        ]
        check(
            cid,
            ours={"FID by level": " → ".join(f"{v:.2f}" for v in fids)},
            decision=decision,
            interval=worst,
            n=m["n_pool"],
            note=f"interval: the least certain level step (paired bootstrap, B = {m['bootstrap']}, 95%); "
            f"{m['n_ref']} reference images",
        )
fig3

# %% [markdown]
# ## Do the proxies order degradations like FID?
# Spearman's ρ between a proxy's distances and FID's over every disturbed set (kind × level), with a
# bootstrap interval over the sets; the claim asks for ρ ≥ 0.8.

# %%
rank_rows = []
for ds, m in dist.items():
    for p in ("cifarnet", "randconv"):
        cid = f"proxy_rank_{p}_{ds}"
        if not has_fid[ds] or p not in m["metric_names"]:
            check(cid, note="needs FID beside the proxy")
            continue
        per_kind = {k: rank_agreement(m["rows"], p, kind=k) for k in DISTURBANCES if f"{p}/{k}" in m["monotone"]}
        pairs = np.array(
            [
                [r["fd"], q["fd"]]
                for r in m["rows"]
                for q in m["rows"]
                if r["extractor"] == p
                and q["extractor"] == "inception"
                and (r["kind"], r["level"]) == (q["kind"], q["level"])
            ]
        )
        rho = rank_agreement(m["rows"], p)
        iv = bootstrap_interval(
            lambda x: pd.Series(x[:, 0]).corr(pd.Series(x[:, 1]), method="spearman"), pairs, n_boot=500
        )
        check(
            cid,
            ours={"rho": rho},
            decision=decide(iv, ">", 0.8),
            interval=iv,
            n=len(pairs),
            note="percentile bootstrap over the disturbed sets (500 resamples, 95%)",
        )
        rank_rows.append({"dataset": ds, "proxy": f"FD-{p}", "rho (all sets)": rho, **per_kind})
pd.DataFrame(rank_rows).round(2) if rank_rows else "needs FID beside the proxies (not at this tier)"

# %% [markdown]
# ## Sample size: bias of FD, unbiasedness of KID; calibration on CIFAR-10 train against test

# %%
srows = pd.DataFrame([{**r, "dataset": ds} for ds, m in size.items() for r in m["rows"]])
same = srows[srows.comparison == "same distribution"]
bias = ReplicationTable(
    "sample_size",
    "Same-distribution distance against n",
    "Bińkowski et al. 2018, Sec. 2",
    tier,
    data_note="; ".join(m["data"] for m in size.values()),
)
for (ds, ext), sub in same.groupby(["dataset", "extractor"], sort=False):
    sub, reps = sub.sort_values("n"), size[ds]["repeats"]
    fd_falls = bool(all(b < a for a, b in zip(sub.fd_mean, sub.fd_mean[1:], strict=False)))
    bias.add(
        f"{sub.metric.iloc[0]}",
        ds,
        "biased: > 0 and falling with n",
        " → ".join(f"{v:.3g}" for v in sub.fd_mean),
        fd_falls,
    )
    kid_ok = all(consistent_with_zero(m_, s, reps) for m_, s in zip(sub.kid_mean, sub.kid_std, strict=False))
    bias.add(
        f"{sub.kid_name.iloc[0]}",
        ds,
        "unbiased: ≈ 0 at every n",
        ", ".join(f"{v:.2g}" for v in sub.kid_mean),
        kid_ok,
        note=f"99% t-test against 0 over {reps} draws",
    )
    if ext != "inception":
        continue
    lo, hi = sub.iloc[-1], sub.iloc[0]
    check(
        f"fd_bias_{ds}",
        comparison=compare_seeds(lo.fd_values, hi.fd_values, "<"),
        ours={f"FID n={hi.n}": hi.fd_mean, f"FID n={lo.n}": lo.fd_mean},
        n=reps,
    )
    ivs = {
        n: (
            m_ - student_t.ppf(0.995, reps - 1) * s / np.sqrt(reps),
            m_ + student_t.ppf(0.995, reps - 1) * s / np.sqrt(reps),
        )
        for n, m_, s in zip(sub.n, sub.kid_mean, sub.kid_std, strict=False)
    }
    check(
        f"kid_unbiased_{ds}",
        decision="replicated" if kid_ok else "not replicated",
        interval=ivs[sub.n.iloc[-1]],
        ours={f"KID n={n}": v for n, v in zip(sub.n, sub.kid_mean, strict=False)},
        n=reps,
        note=f"99% t-interval over {reps} draws at each n; interval shown at n = {sub.n.iloc[-1]}",
    )
for ds in size:
    if not has_fid.get(ds, False) and not any(r["extractor"] == "inception" for r in size[ds]["rows"]):
        check(f"fd_bias_{ds}", note="needs TF-Inception features")
        check(f"kid_unbiased_{ds}", note="needs TF-Inception features")
res.save_table(bias)
bias

# %%
inc = srows[srows.extractor == "inception"] if len(srows) else srows
mon = inc[(inc.dataset == "monet")] if len(inc) else inc
both = sorted(set(mon[mon.comparison == "same distribution"].n) & set(mon[mon.comparison.str.startswith("other")].n))
if both:
    at = mon[mon.n == both[-1]]  # the largest n at which both comparisons were drawn
    s_same, s_other = (
        at[at.comparison == "same distribution"].iloc[0],
        at[at.comparison.str.startswith("other")].iloc[0],
    )
    check(
        "kid_monet_vs_photos",
        comparison=compare_seeds(s_other.kid_values, s_same.kid_values, ">"),
        ours={
            "KID same": s_same.kid_mean,
            "KID photos": s_other.kid_mean,
            "FID same": s_same.fd_mean,
            "FID photos": s_other.fd_mean,
        },
        n=int(s_same.n),
    )
else:
    check("kid_monet_vs_photos", note="needs TF-Inception features")
cal = size.get("cifar10", {}).get("calibration") or {}
tt = inc[(inc.dataset == "cifar10") & inc.comparison.str.endswith("split")] if len(inc) else inc
calib = ReplicationTable(
    "calibration",
    "FID of CIFAR-10 train against test (the floor at each n)",
    str(paper.number("fid_cifar_train_test_n2000").source),
    tier,
    data_note="CIFAR-10 JPEG-q75 mirror (the published value: lossless PNGs)",
)
if cal and len(tt[tt.n == 2000]):
    row = tt[tt.n == 2000].iloc[0]
    target = float(paper.number("fid_cifar_train_test_n2000"))
    cl = paper.claim("calibration_train_test")
    half = student_t.ppf(0.975, row.repeats - 1) * np.std(row.fd_values, ddof=1) / np.sqrt(row.repeats)
    iv = (row.fd_mean - half, row.fd_mean + half)
    decision = within_interval(iv, target, cl.tolerance * target)
    check(
        "calibration_train_test",
        decision=decision,
        interval=iv,
        n=2000,
        ours={"FID n=2000": row.fd_mean, f"FID n={cal['n']}": cal["fid"]},
    )
    calib.add(
        "n = 2,000 per side",
        "FID",
        str(paper.number("fid_cifar_train_test_n2000")),
        float(row.fd_mean),
        decision == "replicated",
        decision=decision,
        note=f"mean of {row.repeats} draws",
    )
    calib.add(f"n = {cal['n']:,} per side", "FID", "(no published value found)", cal["fid"], None)
    calib.add(f"n = {cal['n']:,} per side", "KID", "(no published value found)", cal["kid"][0], None)
    if "jpeg" in cal:
        j = cal["jpeg"]
        calib.add(
            f"n = {j['n']:,}, one more q75 pass on both sides",
            "FID",
            "—",
            j["fid_one_more_q75_both"],
            None,
            note=f"mirror as stored: {j['fid_mirror']:.3f}",
        )
        calib.add(f"n = {j['n']:,}, test against its own q75 copy", "FID", "—", j["fid_test_vs_its_q75_copy"], None)
    res.save_table(calib)
else:
    check("calibration_train_test", note="needs TF-Inception features and calibration_n > 0")
calib

# %% [markdown]
# ## MiFID: the memorisation penalty
# Kaggle's distance d is the mean over submitted images of the cosine distance to the nearest training
# painting; below ε it divides FID. Its interval comes from a bootstrap over the submitted images.

# %%
mrows = pd.DataFrame(mifid["rows"])
mtab = ReplicationTable(
    "mifid", "Penalty factor MiFID / FID by submission", "Bai et al. 2021 (Kaggle MiFID)", tier, data_note=mifid["data"]
)
for _, r in mrows.iterrows():
    memorised = r.submission.startswith("copies")
    mtab.add(
        r.submission,
        r.metric,
        "≥ 10× (d < ε)" if memorised else "1× (d ≥ ε)",
        float(r.penalty),
        bool((r.penalty >= 10) if memorised else (r.penalty == 1.0)),
        note=f"d = {r.distance:.3g}",
    )
res.save_table(mtab)
eps = float(paper.number("kaggle_eps"))
for cid, sub_name, expect in [
    ("mifid_copies_penalised", "copies of training images", "<"),
    ("mifid_heldout_free", "held-out paintings", ">"),
]:
    r = mrows[(mrows.extractor == "inception") & (mrows.submission == sub_name)]
    if not len(r):
        check(cid, note="needs TF-Inception features")
        continue
    r = r.iloc[0]
    iv = bootstrap_interval(np.mean, np.asarray(r.d_rows), n_boot=2000)
    check(
        cid,
        decision=decide(iv, expect, eps),
        interval=iv,
        n=int(r.n),
        ours={"d": float(r.distance), "penalty": float(r.penalty), "eps": eps},
    )
mtab

# %% [markdown]
# ## The chapter's claims and the time this tier took

# %%
res.write_checks(checks, data_note=data_note)
walls = {
    a: json.loads((res.arm(a) / "run.json").read_text()).get("wall_s")
    for a in ["01_proxy_features", *res.arms_of("02_disturbances"), *res.arms_of("03_sample_size"), "04_mifid"]
    if (res.arm(a) / "run.json").exists()
}
print(
    f"{tier} tier: {sum(v or 0 for v in walls.values()) / 60:.1f} min over {len(walls)} arms "
    "(plus this summary); per arm:",
    {k: round(v or 0) for k, v in walls.items()},
)
checks_frame(checks)
