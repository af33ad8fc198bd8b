"""The `metrics` chapter's summary: Heusel et al.'s disturbance curves, the proxies' rank agreement with FID,
the sample-size bias of FD against KID, the CIFAR-10 train/test calibration and Kaggle's MiFID penalty.

Every function adds the checks of its claims to the :class:`~genrep.report.summary.Summary` and returns the
table (or frame) the notebook shows. A claim whose tier lacks the TF-Inception features gets a check without an
outcome ("not testable at this tier") that says so.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from ...metrics.disturbances import DISTURBANCES
from ...metrics.studies import consistent_with_zero, rank_agreement, step_intervals
from ..intervals import all_of
from ..summary import Summary
from ..verdicts import bootstrap_interval, compare_seeds, decide, within_interval

HEUSEL = [k for k in DISTURBANCES if k != "mode_dropping"]  # the disturbances of Heusel et al.'s Fig. 3
NO_FID = "needs TF-Inception features"


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


def check(s: Summary, cid: str, **kw):
    """A check of the declared claim ``cid``, quoting the claim's source as the paper's side."""
    return s.check(cid, s.paper.claim(cid).source or s.paper.citation, **kw)


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
    for ds, m in dist.items():
        for kind in HEUSEL + (["mode_dropping"] if ds == "cifar10" else []):
            cid = f"fig3_{kind}_{ds}" if kind in HEUSEL else f"{kind}_{ds}"
            if not has_fid[ds] or f"inception/{kind}" not in m["monotone"]:
                check(s, cid, note="needs TF-Inception features (not computed at this tier)")
                continue
            steps = step_intervals(m["rows"], "inception", kind)
            rows = sorted(
                (r for r in m["rows"] if (r["extractor"], r["kind"]) == ("inception", kind)), key=lambda r: r["level"]
            )
            check(
                s,
                cid,
                ours={"FID by level": " → ".join(f"{r['fd']:.2f}" for r in rows)},
                decision=all_of(decide(iv, ">", 0.0) for iv in steps),  # every level step rises
                interval=min(steps, key=lambda iv: iv[0]),
                n=m["n_pool"],
                note=f"interval: the least certain level step (paired bootstrap, B = {m['bootstrap']}, 95%); "
                f"{m['n_ref']} reference images",
            )
    return t


def proxy_ranks(s: Summary, dist: dict, has_fid: dict):
    """Spearman's ρ between each proxy's distances and FID's over every disturbed set (kind × level), with a
    percentile bootstrap over the sets; the claim asks for ρ ≥ 0.8. Returns the per-kind ρ frame."""
    out = []
    for ds, m in dist.items():
        for p in ("cifarnet", "randconv"):
            cid = f"proxy_rank_{p}_{ds}"
            if not has_fid[ds] or p not in m["metric_names"]:
                check(s, cid, note="needs FID beside the proxy")
                continue
            fid = {_key(q): q["fd"] for q in m["rows"] if q["extractor"] == "inception"}
            pairs = np.array([[r["fd"], fid[k]] for r in m["rows"] if r["extractor"] == p and (k := _key(r)) in fid])
            rho = rank_agreement(m["rows"], p)
            iv = bootstrap_interval(_spearman, pairs, n_boot=500)
            note = "percentile bootstrap over the disturbed sets (500 resamples, 95%)"
            check(s, cid, ours={"rho": rho}, decision=decide(iv, ">", 0.8), interval=iv, n=len(pairs), note=note)
            kinds = {k: rank_agreement(m["rows"], p, kind=k) for k in DISTURBANCES if f"{p}/{k}" in m["monotone"]}
            out.append({"dataset": ds, "proxy": f"FD-{p}", "rho (all sets)": rho, **kinds})
    return pd.DataFrame(out).round(2) if out else "needs FID beside the proxies (not at this tier)"


def _key(row: dict) -> tuple:
    return row["kind"], row["level"]


def _spearman(x):
    return pd.Series(x[:, 0]).corr(pd.Series(x[:, 1]), method="spearman")


def sample_rows(size: dict) -> pd.DataFrame:
    """Every sample-size row of every dataset, with its dataset."""
    return pd.DataFrame([{**r, "dataset": ds} for ds, m in size.items() for r in m["rows"]])


def _t_interval(mean: float, sd: float, n: int, confidence: float) -> tuple[float, float]:
    half = student_t.ppf(0.5 + confidence / 2, n - 1) * sd / np.sqrt(n)
    return mean - half, mean + half


def sample_size(s: Summary, size: dict, has_fid: dict):
    """Same-distribution FD and KID against n: FD is biased (> 0, falling with n), KID unbiased (≈ 0 at every n,
    a 99 % t-test over the repeated draws). The FID bias is decided between the smallest and largest n."""
    same = sample_rows(size)
    same = same[same.comparison == "same distribution"]
    t = s.table(
        "sample_size",
        "Same-distribution distance against n",
        "Bińkowski et al. 2018, Sec. 2",
        "; ".join(m["data"] for m in size.values()),
    )
    for (ds, ext), sub in same.groupby(["dataset", "extractor"], sort=False):
        sub, reps = sub.sort_values("n"), size[ds]["repeats"]
        fd_falls = bool(all(b < a for a, b in zip(sub.fd_mean, sub.fd_mean[1:], strict=False)))
        vals = " → ".join(f"{v:.3g}" for v in sub.fd_mean)
        t.add(f"{sub.metric.iloc[0]}", ds, "biased: > 0 and falling with n", vals, fd_falls)
        kid_ok = all(consistent_with_zero(m_, sd, reps) for m_, sd in zip(sub.kid_mean, sub.kid_std, strict=False))
        kids = ", ".join(f"{v:.2g}" for v in sub.kid_mean)
        t.add(f"{sub.kid_name.iloc[0]}", ds, "unbiased: ≈ 0 at every n", kids, kid_ok, note=_t99(reps))
        if ext != "inception":
            continue
        lo, hi = sub.iloc[-1], sub.iloc[0]
        check(
            s,
            f"fd_bias_{ds}",
            comparison=compare_seeds(lo.fd_values, hi.fd_values, "<"),
            ours={f"FID n={hi.n}": hi.fd_mean, f"FID n={lo.n}": lo.fd_mean},
            n=reps,
        )
        last = sub.iloc[-1]
        check(
            s,
            f"kid_unbiased_{ds}",
            decision="replicated" if kid_ok else "not replicated",
            interval=_t_interval(last.kid_mean, last.kid_std, reps, 0.99),
            ours={f"KID n={n}": v for n, v in zip(sub.n, sub.kid_mean, strict=False)},
            n=reps,
            note=f"99% t-interval over {reps} draws at each n; interval shown at n = {last.n}",
        )
    for ds in size:
        if not has_fid.get(ds, False) and not any(r["extractor"] == "inception" for r in size[ds]["rows"]):
            check(s, f"fd_bias_{ds}", note=NO_FID)
            check(s, f"kid_unbiased_{ds}", note=NO_FID)
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
        check(s, "kid_monet_vs_photos", note=NO_FID)
        return
    at = mon[mon.n == both[-1]]
    same, photos = at[at.comparison == "same distribution"].iloc[0], at[at.comparison.str.startswith("other")].iloc[0]
    check(
        s,
        "kid_monet_vs_photos",
        comparison=compare_seeds(photos.kid_values, same.kid_values, ">"),
        ours={
            "KID same": same.kid_mean,
            "KID photos": photos.kid_mean,
            "FID same": same.fd_mean,
            "FID photos": photos.fd_mean,
        },
        n=int(same.n),
    )


def calibration(s: Summary, size: dict):
    """FID of CIFAR-10 train against test at n = 2,000 per side beside the published value (decided when its
    95 % t-interval over draws lies within the declared tolerance), and our larger-n and JPEG controls."""
    number = s.paper.number("fid_cifar_train_test_n2000")
    cal = size.get("cifar10", {}).get("calibration") or {}
    rows = sample_rows(size)
    tt = rows[(rows.extractor == "inception") & (rows.dataset == "cifar10")] if len(rows) else rows
    tt = tt[tt.comparison.str.endswith("split")] if len(tt) else tt
    note = "CIFAR-10 JPEG-q75 mirror (the published value: lossless PNGs)"
    t = s.table("calibration", "FID of CIFAR-10 train against test (the floor at each n)", str(number.source), note)
    if not (cal and len(tt[tt.n == 2000])):
        check(s, "calibration_train_test", note="needs TF-Inception features and calibration_n > 0")
        return t
    row = tt[tt.n == 2000].iloc[0]
    iv = _t_interval(row.fd_mean, np.std(row.fd_values, ddof=1), row.repeats, 0.95)
    decision = within_interval(iv, float(number), s.paper.claim("calibration_train_test").tolerance * float(number))
    ours = {"FID n=2000": row.fd_mean, f"FID n={cal['n']}": cal["fid"]}
    check(s, "calibration_train_test", decision=decision, interval=iv, n=2000, ours=ours)
    ok, note = decision == "replicated", f"mean of {row.repeats} draws"
    t.add("n = 2,000 per side", "FID", str(number), float(row.fd_mean), ok, note, decision=decision)
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
    """Kaggle's penalty MiFID / FID per submission (≥ 10× for copies, 1× otherwise), and the two claims on the
    distance d against ε, each decided by a bootstrap interval of d over the submitted images."""
    rows = pd.DataFrame(mifid["rows"])
    t = s.table("mifid", "Penalty factor MiFID / FID by submission", "Bai et al. 2021 (Kaggle MiFID)", mifid["data"])
    for _, r in rows.iterrows():
        copies = r.submission.startswith("copies")
        ok = bool((r.penalty >= 10) if copies else (r.penalty == 1.0))
        expect = "≥ 10× (d < ε)" if copies else "1× (d ≥ ε)"
        t.add(r.submission, r.metric, expect, float(r.penalty), ok, note=f"d = {r.distance:.3g}")
    s.res.save_table(t)
    eps = s.X("kaggle_eps")
    for cid, name, expect in [
        ("mifid_copies_penalised", "copies of training images", "<"),
        ("mifid_heldout_free", "held-out paintings", ">"),
    ]:
        r = rows[(rows.extractor == "inception") & (rows.submission == name)]
        if not len(r):
            check(s, cid, note=NO_FID)
            continue
        r = r.iloc[0]
        iv = bootstrap_interval(np.mean, np.asarray(r.d_rows), n_boot=2000)
        ours = {"d": float(r.distance), "penalty": float(r.penalty), "eps": eps}
        check(s, cid, decision=decide(iv, expect, eps), interval=iv, n=int(r.n), ours=ours)
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
