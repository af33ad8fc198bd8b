# %% [markdown]
# # Summary: what the instruments can and cannot tell
#
# This page collects the other notebooks' results into replication tables and the chapter's headline
# checks. Every number carries the tier it was produced at; a `reduced` run is a smoke test on subsets
# and is never called a replication, whatever its outcome.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/metrics/reduced/05_summary"
runs_dir = "runs/metrics/reduced/05_summary"

# %%
import math

import pandas as pd

from genrep.metrics.disturbances import DISTURBANCES
from genrep.metrics.studies import consistent_with_zero
from genrep.report import Check, ReplicationTable, Results, checks_frame

res = Results(results_dir, tier)
proxy = res.metrics("01_proxy_features")
dist = {a.split("-", 1)[1]: res.metrics(a) for a in res.arms_of("02_disturbances")}
size = {a.split("-", 1)[1]: res.metrics(a) for a in res.arms_of("03_sample_size")}
mifid = res.metrics("04_mifid")
HEUSEL = [k for k in DISTURBANCES if k != "mode_dropping"]
data_note = "; ".join(sorted({t for m in [*dist.values(), *size.values(), mifid] for t in m["datasets"]}))
print("extractors:", proxy["extractors"], "| Inception weights present:", proxy["inception_available"])

# %% [markdown]
# ## Heusel et al. (2017), Fig. 3: distance against disturbance level

# %%
fig3 = ReplicationTable("heusel_fig3", "Distance rises with the disturbance level", "Heusel et al. 2017, Fig. 3",
                        tier, data_note="; ".join(m["data"] for m in dist.values()))
for ds, m in dist.items():
    rows = pd.DataFrame(m["rows"])
    for (ext, kind), sub in rows.groupby(["extractor", "kind"], sort=False):
        vals = sub.sort_values("level").fd.tolist()
        paper = "FID rises monotonically" if kind in HEUSEL else "not in the paper (our addition)"
        fig3.add(kind, f"{m['metric_names'][ext]} on {ds}", paper, " → ".join(f"{v:.3g}" for v in vals),
                 m["monotone"][f"{ext}/{kind}"])
res.save_table(fig3)
fig3

# %% [markdown]
# ## Sample size: bias of FD, unbiasedness of KID

# %%
size_rows = pd.DataFrame([{**r, "dataset": ds} for ds, m in size.items() for r in m["rows"]])
same = size_rows[size_rows.comparison == "same distribution"]
bias = ReplicationTable("sample_size", "Same-distribution distance against n", "Bińkowski et al. 2018, Sec. 2",
                        tier, data_note="; ".join(m["data"] for m in size.values()))
for (ds, ext), sub in same.groupby(["dataset", "extractor"], sort=False):
    sub = sub.sort_values("n")
    reps = size[ds]["repeats"]
    fd_falls = all(b < a for a, b in zip(sub.fd_mean, sub.fd_mean[1:]))
    bias.add(f"FD, {ext}", ds, "biased: > 0 and falling with n",
             " → ".join(f"{v:.3g}" for v in sub.fd_mean), fd_falls and sub.fd_mean.min() > 0)
    kid_ok = all(consistent_with_zero(m_, s, reps) for m_, s in zip(sub.kid_mean, sub.kid_std))
    bias.add(f"KID, {ext}", ds, "unbiased: ≈ 0 at every n", " , ".join(f"{v:.2g}" for v in sub.kid_mean), kid_ok,
             note=f"99% t-test against 0 over {reps} draws")
res.save_table(bias)
bias

# %% [markdown]
# ## MiFID: the memorisation penalty

# %%
mrows = pd.DataFrame(mifid["rows"])
mtab = ReplicationTable("mifid", "Penalty factor MiFID / FID by submission", "Bai et al. 2021 (Kaggle MiFID)",
                        tier, data_note=mifid["data"])
for _, r in mrows.iterrows():
    memorised = r.submission.startswith("copies")
    paper = "≥ 10× (d < ε)" if memorised else "1× (d ≥ ε)"
    ok = (r.penalty >= 10) if memorised else (r.penalty == 1.0)
    mtab.add(r.submission, r.metric, paper, float(r.penalty), bool(ok), note=f"d = {r.distance:.3g}")
res.save_table(mtab)
mtab

# %% [markdown]
# ## Headline checks

# %%
checks = []
for ext in proxy["extractors"]:
    for ds, m in dist.items():
        name = m["metric_names"][ext]
        kinds = [k for k in HEUSEL if f"{ext}/{k}" in m["monotone"]]
        bad = [k for k in kinds if not m["monotone"][f"{ext}/{k}"]]
        checks.append(Check(
            f"{name} rises monotonically with each of Heusel's six disturbances ({ds})",
            "FID rises monotonically with each disturbance (Heusel et al. 2017, Fig. 3)", not bad, tier,
            {"monotone": f"{len(kinds) - len(bad)}/{len(kinds)}", "not monotone": ", ".join(bad) or "none"}))
        if f"{ext}/mode_dropping" in m["monotone"]:
            checks.append(Check(f"{name} rises with mode dropping, classes removed ({ds})",
                                "(our addition: the failure FID is meant to catch)",
                                m["monotone"][f"{ext}/mode_dropping"], tier,
                                {"distances": " → ".join(f"{r['fd']:.3g}" for r in sorted(
                                    (r for r in m["rows"] if r["extractor"] == ext and r["kind"] == "mode_dropping"),
                                    key=lambda r: r["level"]))}))
for (ds, ext), sub in same.groupby(["dataset", "extractor"], sort=False):
    sub = sub.sort_values("n")
    reps = size[ds]["repeats"]
    checks.append(Check(f"FD of two same-distribution samples is > 0 and falls with n ({ext}, {ds})",
                        "the FD estimator is biased (Bińkowski et al. 2018)",
                        all(b < a for a, b in zip(sub.fd_mean, sub.fd_mean[1:])) and sub.fd_mean.min() > 0, tier,
                        {f"n={n}": v for n, v in zip(sub.n, sub.fd_mean)}))
    checks.append(Check(f"KID of two same-distribution samples is consistent with 0 at every n ({ext}, {ds})",
                        "KID is unbiased (Bińkowski et al. 2018)",
                        all(consistent_with_zero(m_, s, reps) for m_, s in zip(sub.kid_mean, sub.kid_std)),
                        tier, {f"n={n}": v for n, v in zip(sub.n, sub.kid_mean)},
                        note=f"99% two-sided t-test over {reps} draws at each n"))
if "monet" in size:
    mon = pd.DataFrame(size["monet"]["rows"])
    nmax = mon.n.max()
    at = mon[mon.n == nmax]
    for ext, sub in at.groupby("extractor"):
        s_same = sub[sub.comparison == "same distribution"].iloc[0]
        s_other = sub[sub.comparison.str.startswith("other")].iloc[0]
        reps = size["monet"]["repeats"]
        sep = s_other.kid_mean - 3 * s_other.kid_std / math.sqrt(reps) > abs(s_same.kid_mean) + 3 * s_same.kid_std / math.sqrt(reps)
        checks.append(Check(f"with {nmax} paintings per side, KID tells Monet paintings from photos ({ext})",
                            "(our question: what 300 reference paintings can tell)", bool(sep), tier,
                            {"KID same": s_same.kid_mean, "KID photos": s_other.kid_mean,
                             "FD same": s_same.fd_mean, "FD photos": s_other.fd_mean}))
for ext, sub in mrows.groupby("extractor", sort=False):
    cp = sub[sub.submission == "copies of training images"].iloc[0]
    held = sub[sub.submission == "held-out paintings"].iloc[0]
    checks.append(Check(f"submitting the training images multiplies {cp.metric} by ≥ 10",
                        "MiFID divides FID by d < ε = 0.1 for memorised submissions (Kaggle)", bool(cp.penalty >= 10),
                        tier, {"penalty": float(cp.penalty), "d": float(cp.distance)}))
    checks.append(Check(f"held-out paintings are not penalised by {held.metric}",
                        "novel images have d ≥ ε, so MiFID = FID (Kaggle)", bool(held.penalty == 1.0), tier,
                        {"d": float(held.distance), "eps": mifid["eps"]},
                        note="ε = 0.1 was set for Inception features"))
if not proxy["inception_available"]:
    checks.append(Check("the proxies rank disturbances the way FID does",
                        "FID (Heusel et al. 2017)", None, tier, {"inception weights": "absent"},
                        note="needs the pytorch-fid Inception weights; see the README"))
res.write_checks(checks, data_note=data_note)
checks_frame(checks)
