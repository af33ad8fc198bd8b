"""The `metrics` chapter's summary: Heusel et al.'s disturbance curves, the proxies' rank agreement with FID,
the sample-size bias of FD against KID, the CIFAR-10 train/test calibration and Kaggle's MiFID penalty.

Every function adds the checks of its claims to the :class:`~genrep.report.summary.Summary` and returns the
table (or frame) the notebook shows. A claim whose tier lacks the TF-Inception features gets a check without an
outcome ("not testable at this tier") that says so.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd

from ...metrics.disturbances import DISTURBANCES
from ...metrics.studies import consistent_with_zero, distinct_sets, rank_agreement
from ..summary import Summary
from ..verdicts import (
    Comparison,
    equivalence,
    family,
    non_inferiority_bootstrap,
    superiority,
    superiority_bootstrap,
    tolerance,
    trend,
)

HEUSEL = [k for k in DISTURBANCES if k != "mode_dropping"]  # the disturbances of Heusel et al.'s Fig. 3
NO_FID = "needs TF-Inception features (not computed at this tier)"
NEEDS_FID = "the cpu tier or above with the TF-Inception weights (pytorch-fid's pt_inception) present"
EXACT_COPIES = "copies of training images"  # d = 0 by construction: a sanity check, not the claim
PAPER = {  # the paper column: the paper's words (paraphrased where marked) or the source of our question
    "fig3": "FID increases monotonically with the disturbance level (Heusel et al. 2017, Fig. 3)",
    "mode_dropping": "not in the paper (our addition to Fig. 3)",
    "fd_bias": "FID is biased: its expectation falls as n grows (Bińkowski et al. 2018, Sec. 2, App. D)",
    "kid_unbiased": "KID is an unbiased estimator: ≈ 0 for one distribution at any n (Bińkowski et al. 2018, Sec. 2)",
    "kid_monet_vs_photos": "our question (not in the papers)",
    "proxy_rank": "our question (not in the papers); bar ρ ≥ 0.8",
}


def load(s: Summary) -> dict:
    """The arms' metrics: ``proxy``, ``dist`` and ``size`` (by dataset), ``mifid``, and ``has_fid`` by dataset;
    sets the summary's data note (every dataset the arms used) and makes it the data label of every check."""
    arms = {
        "proxy": s.metrics("01_proxy_features"),
        "dist": {a.split("-", 1)[1]: m for a, m in s.arms("02_disturbances").items()},
        "size": {a.split("-", 1)[1]: m for a, m in s.arms("03_sample_size").items()},
        "mifid": s.metrics("04_mifid"),
    }
    arms["has_fid"] = {ds: "inception" in m["metric_names"] for ds, m in arms["dist"].items()}
    every = [*arms["dist"].values(), *arms["size"].values(), arms["mifid"]]
    s.data_note = "; ".join(sorted({t for m in every for t in m["datasets"]}))
    s.data = {"": s.data_note}
    return arms


# -- the claims' decisions: plain numbers in, a Comparison out (tests/both_ways/metrics.py feeds them synthetic ones) --
def steps_rise(rows: list[dict], n: int | None = None) -> Comparison:
    """Heusel et al.'s "FID increases monotonically with the level": each level step FD(level i+1) − FD(level i)
    must lie above 0 by its paired bootstrap interval (``fd_boot``: the same resampled images at every level), all
    steps must hold (family "all", an intersection–union test). ``rows`` are one kind's rows {level, fd, fd_boot}."""
    sub = sorted(rows, key=lambda r: r["level"])
    if len(sub) < 2:
        raise ValueError(f"a monotone rise needs at least 2 levels, got {len(sub)}")
    steps = []
    for lo, hi in zip(sub, sub[1:], strict=False):
        if "fd_boot" not in lo or "fd_boot" not in hi:
            raise ValueError("rows need fd_boot (run the disturbance study with bootstrap > 0)")
        boot = np.asarray(hi["fd_boot"], float) - np.asarray(lo["fd_boot"], float)
        steps.append(superiority_bootstrap(hi["fd"] - lo["fd"], better=">", boot=boot, n=n or len(boot)))
    return family(steps, "all", method=f"all {len(steps)} level steps must rise (paired bootstrap of each step, 95%)")


def fd_falls(ns, values) -> Comparison:
    """FD's bias: the OLS slope of same-distribution FD on log n over every independent draw is negative."""
    return trend(ns, values, expect="decreasing", log=True)


def kid_near_zero(values_by_n: dict, margin: float) -> Comparison:
    """KID's unbiasedness: at every n the mean KID over independent draws is equivalent to 0 within ± ``margin``
    (TOST, one-sample t over the draws); all n must hold."""
    members = []
    for n, v in values_by_n.items():
        v = np.asarray(v, float)
        c = equivalence(v, np.zeros_like(v), margin, paired=True)
        members.append(replace(c, method=f"n = {n}: one-sample t over {len(v)} draws, TOST ± {margin:g}"))
    return family(members, "all", method=f"every n ({', '.join(map(str, values_by_n))}) within ± {margin:g} of 0")


def kid_separates(photos, same) -> Comparison:
    """KID(paintings, photos) > KID(paintings, paintings) over independent draws (Welch)."""
    return superiority(photos, same, better=">")


def floor_within(values, target: float, tol: float) -> Comparison:
    """The mean same-distribution FID over draws inside target ± tol (95 % t-interval)."""
    return tolerance(values, target, tol)


def _d_minus_eps(eps: float):
    return lambda d: float(np.mean(d)) - eps


def copies_penalised(d_by_submission: dict, eps: float, n_boot: int = 2000) -> Comparison:
    """Every near-copy submission's mean nearest-neighbour distance d lies below ε (bootstrap over its images)."""
    if not d_by_submission:
        raise ValueError("no near-copy submission to test")
    members = [
        replace(
            superiority_bootstrap(_d_minus_eps(eps), np.asarray(d, float), better="<", n_boot=n_boot),
            method=f"{name}: bootstrap over the submitted images, {n_boot} replicates (95%) of d − ε",
        )
        for name, d in d_by_submission.items()
    ]
    return family(members, "all", method=f"all {len(members)} near-copy kinds below ε = {eps:g}")


def heldout_free(d_rows, eps: float, n_boot: int = 2000) -> Comparison:
    """Held-out paintings' mean nearest-neighbour distance d lies above ε (bootstrap over the paintings)."""
    return superiority_bootstrap(_d_minus_eps(eps), np.asarray(d_rows, float), better=">", n_boot=n_boot)


def proxy_agrees(pairs, margin: float, n_boot: int = 500) -> Comparison:
    """A proxy orders the distinct disturbed sets as FID does: 1 − Spearman ρ(proxy, FID) below ``margin``
    (non-inferiority against perfect agreement; percentile bootstrap over the sets). ``pairs`` is [sets, 2]."""
    pairs = np.asarray(pairs, float)
    if pairs.ndim != 2 or pairs.shape[1] != 2 or len(pairs) < 4:
        raise ValueError(f"pairs must be [sets >= 4, 2] (proxy, FID), got shape {pairs.shape}")
    return non_inferiority_bootstrap(lambda x: _spearman(x) - 1.0, pairs, margin=margin, better=">", n_boot=n_boot)


def heusel_fig3(s: Summary, dist: dict, has_fid: dict):
    """Distance against disturbance level per dataset and extractor; the FID claims are decided per level step
    by its paired bootstrap interval (the least certain step is shown)."""
    t = s.table(
        "heusel_fig3",
        "Distance rises with the disturbance level",
        "Heusel et al. 2017, Fig. 3",
        "; ".join(m["data"] for m in dist.values()),
    )
    for ds, m in dist.items():
        for (ext, kind), sub in pd.DataFrame(m["rows"]).groupby(["extractor", "kind"], sort=False):
            claim = "FID rises monotonically" if kind in HEUSEL else "not in the paper (our addition)"
            vals = " → ".join(f"{v:.3g}" for v in sub.sort_values("level").fd)
            t.add(kind, f"{m['metric_names'][ext]} on {ds}", claim, vals, m["monotone"][f"{ext}/{kind}"])
    s.res.save_table(t)
    heusel_fig3_figure(s, dist, has_fid)
    for ds, m in dist.items():
        for kind in HEUSEL + (["mode_dropping"] if ds == "cifar10" else []):
            cid = f"fig3_{kind}_{ds}" if kind in HEUSEL else f"{kind}_{ds}"
            paper = PAPER["fig3" if kind in HEUSEL else "mode_dropping"]
            if not has_fid[ds] or f"inception/{kind}" not in m["monotone"]:
                s.not_run(cid, f"{NO_FID}; needs {NEEDS_FID}")
                continue
            rows = [r for r in m["rows"] if (r["extractor"], r["kind"]) == ("inception", kind)]
            c = steps_rise(rows, n=m["n_pool"])
            s.decide(
                cid,
                paper,
                c,
                ours={"FID by level": " → ".join(f"{r['fd']:.2f}" for r in sorted(rows, key=lambda r: r["level"]))},
                interval_of=f"the least certain step FID(level i+1) − FID(level i): paired bootstrap over the "
                f"{m['n_pool']} disturbed images (B = {m['bootstrap']}, 95%), {m['n_ref']} reference images",
                arms=[f"02_disturbances-{ds}"],
            )
    return t


def proxy_ranks(s: Summary, dist: dict, has_fid: dict):
    """Spearman's ρ between each proxy's distances and FID's over the distinct disturbed sets (kind × level, the
    undisturbed set once), with a percentile bootstrap over the sets; the claim asks for ρ ≥ 0.8 (non-inferiority
    of 1 − ρ against the declared margin). Returns the per-kind ρ frame."""
    out = []
    for ds, m in dist.items():
        for p in ("cifarnet", "randconv"):
            cid = f"proxy_rank_{p}_{ds}"
            if not has_fid[ds] or p not in m["metric_names"]:
                s.not_run(cid, f"needs FID beside the proxy; needs {NEEDS_FID}")
                continue
            prox, fid = distinct_sets(m["rows"], p), distinct_sets(m["rows"], "inception")
            keys = sorted(set(prox) & set(fid))
            pairs = np.array([[prox[k], fid[k]] for k in keys])
            rho = rank_agreement(m["rows"], p)
            s.decide(
                cid,
                PAPER["proxy_rank"],
                proxy_agrees(pairs, s.paper.claim(cid).margin),
                ours={"rho": rho, "sets": len(pairs)},
                interval_of=f"1 − Spearman ρ(FD-{p}, FID) over {len(pairs)} distinct disturbed sets (the undisturbed "
                "set once): percentile bootstrap over the sets, 500 resamples, one-sided 95%",
                arms=[f"02_disturbances-{ds}"],
            )
            kinds = {k: rank_agreement(m["rows"], p, kind=k) for k in DISTURBANCES if f"{p}/{k}" in m["monotone"]}
            out.append({"dataset": ds, "proxy": f"FD-{p}", "rho (distinct sets)": rho, "sets": len(pairs), **kinds})
    return pd.DataFrame(out).round(2) if out else "needs FID beside the proxies (not at this tier)"


def _spearman(x):
    return pd.Series(x[:, 0]).corr(pd.Series(x[:, 1]), method="spearman")


def sample_rows(size: dict) -> pd.DataFrame:
    """Every sample-size row of every dataset, with its dataset."""
    return pd.DataFrame([{**r, "dataset": ds} for ds, m in size.items() for r in m["rows"]])


def sample_size(s: Summary, size: dict, has_fid: dict):
    """Same-distribution FD and KID against n: FD is biased (a trend falling with n over every draw), KID unbiased
    (equivalent to 0 within the declared margin at every n, TOST over the draws). The table keeps the plain view
    per extractor (FD falling at every step; KID's 99 % t-test against 0 at each n, uncorrected: a description)."""
    same = sample_rows(size)
    same = same[same.comparison == "same distribution"] if len(same) else same
    t = s.table(
        "sample_size",
        "Same-distribution distance against n",
        "Bińkowski et al. 2018, Sec. 2",
        "; ".join(m["data"] for m in size.values()),
    )
    decided = set()
    for (ds, ext), sub in same.groupby(["dataset", "extractor"], sort=False):
        sub, reps = sub.sort_values("n"), size[ds]["repeats"]
        fd_falls_ = bool(all(b < a for a, b in zip(sub.fd_mean, sub.fd_mean[1:], strict=False)))
        vals = " → ".join(f"{v:.3g}" for v in sub.fd_mean)
        t.add(f"{sub.metric.iloc[0]}", ds, "biased: > 0 and falling with n", vals, fd_falls_)
        kid_ok = all(consistent_with_zero(m_, sd, reps) for m_, sd in zip(sub.kid_mean, sub.kid_std, strict=False))
        kids = ", ".join(f"{v:.2g}" for v in sub.kid_mean)
        t.add(f"{sub.kid_name.iloc[0]}", ds, "unbiased: ≈ 0 at every n", kids, kid_ok, note=_t99(reps))
        if ext != "inception":
            continue
        decided.add(ds)
        ns = [int(n) for n in sub.n]
        s.decide(
            f"fd_bias_{ds}",
            PAPER["fd_bias"],
            fd_falls(ns, list(sub.fd_values)),
            ours={f"FID n={n}": v for n, v in zip(ns, sub.fd_mean, strict=False)},
            interval_of=f"the OLS slope of FID on log n over {reps} independent draws at each of {len(ns)} n: 95% "
            "t-interval",
            arms=[f"03_sample_size-{ds}"],
        )
        cid = f"kid_unbiased_{ds}"
        s.decide(
            cid,
            PAPER["kid_unbiased"],
            kid_near_zero(dict(zip(ns, sub.kid_values, strict=False)), s.paper.claim(cid).margin),
            ours={f"KID n={n}": v for n, v in zip(ns, sub.kid_mean, strict=False)},
            interval_of=f"mean KID over {reps} independent draws at the least certain n: 90% t-interval (TOST at "
            "95%); every n must lie inside the margin",
            arms=[f"03_sample_size-{ds}"],
        )
    for ds in size:
        if ds not in decided:
            s.not_run(f"fd_bias_{ds}", f"{NO_FID}; needs {NEEDS_FID}")
            s.not_run(f"kid_unbiased_{ds}", f"{NO_FID}; needs {NEEDS_FID}")
    s.res.save_table(t)
    return t


def _t99(reps: int) -> str:
    return f"99% t-test against 0 over {reps} draws"


def monet_vs_photos(s: Summary, size: dict) -> None:
    """KID separates Monet paintings from photos: KID(photos) > KID(same distribution) over repeated draws, at
    the largest n at which both comparisons were drawn."""
    rows = sample_rows(size)
    mon = rows[(rows.extractor == "inception") & (rows.dataset == "monet")] if len(rows) else rows
    other = mon.comparison.str.startswith("other") if len(mon) else None
    both = sorted(set(mon[mon.comparison == "same distribution"].n) & set(mon[other].n)) if len(mon) else []
    if not both:
        s.not_run("kid_monet_vs_photos", f"{NO_FID}; needs {NEEDS_FID}")
        return
    at = mon[mon.n == both[-1]]
    same, photos = at[at.comparison == "same distribution"].iloc[0], at[at.comparison.str.startswith("other")].iloc[0]
    s.decide(
        "kid_monet_vs_photos",
        PAPER["kid_monet_vs_photos"],
        kid_separates(photos.kid_values, same.kid_values),
        ours={
            "KID same": same.kid_mean,
            "KID photos": photos.kid_mean,
            "FID same": same.fd_mean,
            "FID photos": photos.fd_mean,
        },
        interval_of=f"KID(photos) − KID(same distribution) at n = {int(same.n)} per side: Welch over "
        f"{len(same.kid_values)} and {len(photos.kid_values)} independent draws, 95%",
        arms=["03_sample_size-monet"],
    )


def calibration(s: Summary, size: dict):
    """FID of CIFAR-10 train against test at n = 2,000 per side beside a public value (decided when its 95 %
    t-interval over draws lies within the declared tolerance), and our larger-n and JPEG controls."""
    number = s.paper.number("fid_cifar_train_test_n2000")
    claim = s.paper.claim("calibration_train_test")
    target = float(number)
    cal = size.get("cifar10", {}).get("calibration") or {}
    rows = sample_rows(size)
    tt = rows[(rows.extractor == "inception") & (rows.dataset == "cifar10")] if len(rows) else rows
    tt = tt[tt.comparison.str.endswith("split")] if len(tt) else tt
    note = "CIFAR-10 JPEG-q75 mirror (the public value: lossless PNGs, k-diffusion's FID)"
    t = s.table("calibration", "FID of CIFAR-10 train against test (the floor at each n)", claim.source, note)
    if not (cal and len(tt[tt.n == 2000])):
        s.not_run("calibration_train_test", f"{NO_FID}; needs {NEEDS_FID} and calibration_n > 0")
        return t
    row = tt[tt.n == 2000].iloc[0]
    c = floor_within(row.fd_values, target, claim.tolerance)
    s.decide(
        "calibration_train_test",
        f"FID {number} at n = 2,000 per side (k-diffusion issue #51, a comment with a plot; not Heusel et al.)",
        c,
        ours={"FID n=2000": row.fd_mean, f"FID n={cal['n']}": cal["fid"]},
        interval_of=f"mean FID over {row.repeats} independent draws of 2,000 per side: 95% t-interval",
        arms=["03_sample_size-cifar10"],
    )
    ok = {"replicated": True, "not replicated": False}.get(c.decision)
    t.add("n = 2,000 per side", "FID", str(number), float(row.fd_mean), ok, f"mean of {row.repeats} draws")
    t.add(f"n = {cal['n']:,} per side", "FID", "(no published value found)", cal["fid"], None)
    t.add(f"n = {cal['n']:,} per side", "KID", "(no published value found)", cal["kid"][0], None)
    if "jpeg" in cal:
        j = cal["jpeg"]
        note = f"mirror as stored: {j['fid_mirror']:.3f}"
        t.add(f"n = {j['n']:,}, one more q75 pass on both sides", "FID", "—", j["fid_one_more_q75_both"], None, note)
        t.add(f"n = {j['n']:,}, test against its own q75 copy", "FID", "—", j["fid_test_vs_its_q75_copy"], None)
    s.res.save_table(t)
    return t


def mifid_penalty(s: Summary, mifid: dict):
    """Kaggle's penalty MiFID / FID per submission (≥ 10× for copies, 1× otherwise); exact copies as a sanity check
    (d = 0 by construction), and the two claims on the distance d against ε, each decided by a bootstrap interval of
    d over the submitted images: every near-copy kind below ε, the held-out paintings above it."""
    rows = pd.DataFrame(mifid["rows"])
    t = s.table("mifid", "Penalty factor MiFID / FID by submission", "Bai et al. 2021 (Kaggle MiFID)", mifid["data"])
    for _, r in rows.iterrows():
        copies = r.submission.startswith("copies")
        ok = bool((r.penalty >= 10) if copies else (r.penalty == 1.0))
        expect = "≥ 10× (d < ε)" if copies else "1× (d ≥ ε)"
        t.add(r.submission, r.metric, expect, float(r.penalty), ok, note=f"d = {r.distance:.3g}")
    s.res.save_table(t)
    eps = s.X("kaggle_eps")
    inc = rows[rows.extractor == "inception"]
    exact = inc[inc.submission == EXACT_COPIES]
    if len(exact):
        d = float(exact.iloc[0].distance)
        s.sanity(
            "mifid_exact_copies", bool(d < eps), f"d = {d:.2g} (ε = {eps:g}), penalty {exact.iloc[0].penalty:.3g}×"
        )
    near = inc[inc.submission.str.startswith("copies") & (inc.submission != EXACT_COPIES)]
    paper = f"d < ε = {eps:g} divides FID by d, a penalty of at least 10× (Kaggle MiFID)"
    if len(near):
        s.decide(
            "mifid_copies_penalised",
            paper,
            copies_penalised({r.submission: r.d_rows for r in near.itertuples()}, eps),
            ours={**{f"d ({r.submission})": float(r.distance) for r in near.itertuples()}, "eps": eps},
            interval_of=f"d − ε of the least certain near-copy kind: bootstrap over its {int(near.iloc[0].n)} "
            "submitted images (2,000 replicates, 95%)",
        )
    else:
        s.not_run("mifid_copies_penalised", f"{NO_FID} (or no near-copy submission); needs {NEEDS_FID}")
    held = inc[inc.submission == "held-out paintings"]
    if len(held):
        r = held.iloc[0]
        s.decide(
            "mifid_heldout_free",
            f"d ≥ ε = {eps:g}: MiFID = FID (Kaggle MiFID)",
            heldout_free(r.d_rows, eps),
            ours={"d": float(r.distance), "penalty": float(r.penalty), "eps": eps},
            interval_of=f"d − ε: bootstrap over the {int(r.n)} held-out paintings (2,000 replicates, 95%)",
        )
    else:
        s.not_run("mifid_heldout_free", f"{NO_FID}; needs {NEEDS_FID}")
    return t


def arm_minutes(s: Summary, notebooks: list[str]) -> str:
    """How long this tier's arms of ``notebooks`` took (their run.json wall times)."""
    arms = [a for nb in notebooks for a in (s.res.arms_of(nb) or [nb])]
    walls = {
        a: json.loads((s.res.arm(a) / "run.json").read_text()).get("wall_s")
        for a in arms
        if (s.res.arm(a) / "run.json").exists()
    }
    total = sum(v or 0 for v in walls.values()) / 60
    per_arm = {k: round(v or 0) for k, v in walls.items()}
    return f"{s.tier} tier: {total:.1f} min over {len(walls)} arms (plus this summary); per arm: {per_arm}"


def heusel_fig3_figure(s: Summary, dist: dict, has_fid: dict):
    """Fig. 3 of Heusel et al. as a figure: the distance against the disturbance level, one panel per kind, one
    line per dataset (the intervals of each step are in the table and the claims); without TF-Inception the first
    proxy is drawn under its own name."""
    import matplotlib.pyplot as plt

    kinds = list(DISTURBANCES)
    fig, axes = plt.subplots(1, len(kinds), figsize=(2.3 * len(kinds), 2.6), squeeze=False)
    names = set()
    for ax, kind in zip(axes[0], kinds, strict=True):
        for ds, m in dist.items():
            ext = "inception" if has_fid.get(ds) else next(iter(m["metric_names"]))
            rows = sorted(
                (r for r in m["rows"] if (r["extractor"], r["kind"]) == (ext, kind)), key=lambda r: r["level"]
            )
            if not rows:
                continue
            names.add(m["metric_names"][ext])
            x = [r["level"] for r in rows]
            y = [r["fd"] for r in rows]
            ax.plot(x, y, marker="o", ms=3, label=f"{ds} (n = {m['n_pool']} vs {m['n_ref']})")
        ax.set_title(kind.replace("_", " "), fontsize=8)
        ax.set_xlabel("disturbance level", fontsize=7)
        ax.tick_params(labelsize=6)
    axes[0][0].set_ylabel(" / ".join(sorted(names)) or "distance", fontsize=7)
    axes[0][-1].legend(fontsize=6, frameon=False)
    fig.suptitle(
        f"Heusel et al. (2017), Fig. 3, regenerated — {s.tier} tier; "
        + "; ".join(m["data"] for m in dist.values())[:160],
        fontsize=7,
    )
    fig.tight_layout()
    s.res.show_figure(fig, "fig_3")
    return fig
