"""Noise-aware verdicts, declared claims (paper.yaml), the cpu tier; how they reach checks.json and the book."""

import json
import math
import shutil
import types

import numpy as np
import pytest

from genrep.report import (
    TIERS,
    VERDICTS,
    Check,
    Results,
    bootstrap_interval,
    compare_bootstrap,
    compare_seeds,
    decide,
    highest_tier,
    load_paper,
    paper_number,
    verdict,
    within_interval,
)
from genrep.report import claim as get_claim
from genrep.report.checks import load_checks

from .conftest import FIXTURES

PAPER = FIXTURES / "paper" / "paper.yaml"


def test_tiers_and_the_four_verdicts():
    assert TIERS == ("reduced", "cpu", "budget", "full")
    assert VERDICTS == ("replicated", "not replicated", "inconclusive", "not testable at this tier")
    assert highest_tier(["reduced", "budget", "cpu"]) == "budget"
    assert highest_tier(["cpu", "reduced"]) == "cpu"
    assert highest_tier([]) is None
    assert verdict(True, "cpu") == "replicated"
    assert verdict(True, "cpu", min_tier="budget") == "not testable at this tier"
    assert verdict(False, "full", min_tier="budget") == "not replicated"
    assert verdict(None, "budget", decision="inconclusive") == "inconclusive"
    for d in ("replicated", "not replicated", "inconclusive"):
        assert verdict(None, "reduced", decision=d) == "not testable at this tier"
    with pytest.raises(ValueError, match="valid decisions"):
        verdict(None, "cpu", decision="maybe")
    with pytest.raises(ValueError, match="valid tiers"):
        verdict(True, "cpu", min_tier="gpu")


def test_two_arms_turn_from_inconclusive_to_replicated_as_seeds_are_added():
    a = [9.0, 9.5, 8.8, 9.4, 8.9, 9.3]  # claimed lower, e.g. FID with the cycle loss
    b = [10.0, 10.6, 9.7, 10.3, 9.9, 10.5]
    decisions = [compare_seeds(a[:k], b[:k], expect="<").decision for k in (1, 2, 6)]
    assert decisions == ["inconclusive", "inconclusive", "replicated"]
    one = compare_seeds(a[:1], b[:1])
    assert one.interval is None and one.n == (1, 1) and "fewer than 2" in one.method and one.ok is None
    two, six = compare_seeds(a[:2], b[:2]), compare_seeds(a, b)
    assert two.interval[0] < 0 < two.interval[1]
    assert six.interval[1] < 0 and six.ok is True and six.n == (6, 6) and "Welch" in six.method
    assert six.difference == pytest.approx(np.mean(a) - np.mean(b))
    # the same numbers against the opposite claim: decided the other way, not just 'inconclusive'
    assert compare_seeds(a, b, expect=">").decision == "not replicated"
    # Welch's interval agrees with scipy's (unequal variances)
    from scipy import stats

    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert six.interval == pytest.approx((ci.low, ci.high))
    # a wider confidence level widens the interval
    wide = compare_seeds(a, b, confidence=0.999)
    assert wide.interval[0] < six.interval[0] and wide.interval[1] > six.interval[1]


def test_decide_and_within_interval():
    assert decide((-2.0, -0.5), "<") == "replicated" and decide((0.5, 2.0), "<") == "not replicated"
    assert decide((-0.5, 0.5), "<") == "inconclusive" and decide(None, ">") == "inconclusive"
    assert decide((1.5, 2.0), ">", than=1.0) == "replicated"
    assert within_interval((41.0, 44.0), 42.5, 5) == "replicated"
    assert within_interval((48.0, 50.0), 42.5, 5) == "not replicated"
    assert within_interval((46.0, 49.0), 42.5, 5) == "inconclusive"
    with pytest.raises(ValueError, match="expect"):
        decide((0, 1), "<=")


def test_bootstrap_interval_widens_with_fewer_samples():
    x = np.random.default_rng(1).normal(size=(2000, 3))
    stat = lambda s: s[:, 0].mean()  # noqa: E731 — rows are resampled, the statistic sees whole rows
    lo_big, hi_big = bootstrap_interval(stat, x, n_boot=400)
    lo_small, hi_small = bootstrap_interval(stat, x[:50], n_boot=400)
    assert lo_big < 0 < hi_big and hi_small - lo_small > 3 * (hi_big - lo_big)
    assert bootstrap_interval(stat, x[:50], n_boot=400) == (lo_small, hi_small)  # seeded
    with pytest.raises(ValueError, match="at least 2 rows"):
        bootstrap_interval(stat, x[:1])


def test_compare_bootstrap_direction_and_tolerance():
    rng = np.random.default_rng(2)
    a, b = rng.normal(0.0, 1.0, 400), rng.normal(0.5, 1.0, 300)
    diff = lambda x, y: x.mean() - y.mean()  # noqa: E731
    c = compare_bootstrap(diff, a, b, expect="<", n_boot=300)
    assert c.decision == "replicated" and c.n == (400, 300) and c.interval[1] < 0 and "bootstrap" in c.method
    few = compare_bootstrap(diff, a[:8], b[:8], expect="<", n_boot=300, seed=3)
    assert few.interval[1] - few.interval[0] > c.interval[1] - c.interval[0]
    mean = lambda x: x.mean()  # noqa: E731
    near = compare_bootstrap(mean, b, expect="within", target=0.5, tol=0.5, n_boot=300)
    far = compare_bootstrap(mean, b, expect="within", target=3.0, tol=0.5, n_boot=300)
    assert near.decision == "replicated" and far.decision == "not replicated"
    with pytest.raises(ValueError, match="target and tol"):
        compare_bootstrap(mean, b, expect="within")


def test_check_keeps_old_constructor_and_applies_min_tier():
    old = Check("c", "p", True, "budget", {"v": 1.0}, note="n")
    assert old.verdict == "replicated" and old.outcome == "replicated" and old.interval is None
    assert Check("c", "p", True, "reduced").verdict == "not testable at this tier"
    assert Check("c", "p", True, "reduced").outcome == "replicated"  # what the numbers said is kept
    assert Check("c", "p", True, "cpu", min_tier="budget").verdict == "not testable at this tier"
    assert Check("c", "p", True, "budget", min_tier="budget").verdict == "replicated"
    inc = Check("c", "p", None, "cpu", decision="inconclusive")
    assert inc.verdict == "inconclusive" and inc.outcome == "inconclusive"
    over = Check("c", "p", True, "cpu", decision="not replicated")  # the decision wins over ok
    assert over.verdict == "not replicated" and over.ok is False
    assert Check("c", "p", None, "cpu", decision="replicated").ok is True
    with pytest.raises(ValueError, match="valid tiers"):
        Check("c", "p", True, "cpu", min_tier="huge")
    with pytest.raises(ValueError, match="valid decisions"):
        Check("c", "p", True, "cpu", decision="yes")


def test_check_with_decision_writes_interval_and_metric_to_checks_json(tmp_path):
    res = Results(tmp_path / "toy" / "cpu" / "02_summary", "cpu")
    cmp = compare_seeds([9.0, 9.5, 8.8], [10.0, 10.6, 9.7])
    checks = [
        Check.from_comparison(
            "cycle lowers FID",
            "42.49 vs 57.1",
            "cpu",
            cmp,
            {"fid_a": 9.1},
            metric="FID (TF-Inception, n = 10000)",
            min_tier="cpu",
            data="monet2photo, 64²",
            claim_id="cycle_beats_no_cycle",
        ),
        Check(
            "value",
            "42.49",
            None,
            "cpu",
            interval=(40.0, 50.0),
            metric="FID",
            n=10000,
            min_tier="full",
            decision="inconclusive",
        ),
    ]
    d = load_checks(res.write_checks(checks, data_note="monet2photo"))
    first, second = d["checks"]
    assert d["tier"] == "cpu"
    assert first["decision"] == cmp.decision == first["verdict"] and first["interval"] == list(cmp.interval)
    assert first["metric"] == "FID (TF-Inception, n = 10000)" and first["n"] == [3, 3]
    assert first["claim_id"] == "cycle_beats_no_cycle" and first["data"] == "monet2photo, 64²"
    assert first["ours"]["difference"] == pytest.approx(cmp.difference) and "Welch" in first["note"]
    assert second["verdict"] == "not testable at this tier" and second["interval"] == [40.0, 50.0]
    assert second["n"] == 10000 and second["min_tier"] == "full"


def test_paper_yaml_numbers_claims_and_lookup_errors():
    paper = load_paper(PAPER.parent)
    n = paper_number(paper, "fid_cycle")
    assert str(n) == "42.49448" and float(n) == pytest.approx(42.49448) and n.source == "Table 3.1, p. 12"
    assert float(paper.number("params_g")) == 3576704 and float(paper.number("delta_loss")) == -0.94
    assert float(paper.number("fid_no_cycle")) == 57.1
    c = get_claim(paper, "cycle_beats_no_cycle")
    assert c.min_tier == "cpu" and c.comparison == "A < B" and c.numbers == ("fid_cycle", "fid_no_cycle")
    assert paper.claim("fid_value").tolerance == 5.0 and paper.citation.startswith("Someone")
    with pytest.raises(KeyError, match="did you mean 'fid_cycle'"):
        paper_number(paper, "fid_cycel")
    with pytest.raises(KeyError, match="no claim 'nope'"):
        paper.claim("nope")
    chk = Check.for_claim(c, paper.number("fid_cycle"), "reduced", ok=True)
    assert chk.claim == c.text and chk.paper == "42.49448" and chk.min_tier == "cpu"
    assert chk.verdict == "not testable at this tier" and chk.claim_id == "cycle_beats_no_cycle"
    decided = Check.for_claim(c, "p", "cpu", comparison=compare_seeds([1, 1.1, 0.9], [2, 2.1, 1.9]))
    assert decided.verdict == "replicated" and decided.metric == "FID (TF-Inception)" and decided.interval


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d.update(extra=1), r"top level: unknown key\(s\) 'extra'"),
        (
            lambda d: d["numbers"]["fid_cycle"].update(sorce="x"),
            r"number 'fid_cycle': unknown key\(s\) 'sorce' "
            r"\(did you mean 'source'\?\)",
        ),
        (lambda d: d["numbers"]["fid_cycle"].pop("source"), r"missing required key\(s\) source"),
        (
            lambda d: d["claims"]["fid_value"].update(min_tier="gpu"),
            r"unknown min_tier 'gpu'; valid tiers: reduced, cpu",
        ),
        (lambda d: d["claims"]["fid_value"].pop("why"), r"claim 'fid_value': missing required key\(s\) why"),
        (lambda d: d["claims"]["fid_value"].update(numbers=["fid_x"]), r"undeclared number\(s\) 'fid_x'"),
        (lambda d: d["claims"]["fid_value"].update(tolerance="5%"), r"tolerance must be a number"),
        (lambda d: d["numbers"]["fid_cycle"].update(value=[1, 2]), r"value must be a number or a verbatim string"),
    ],
)
def test_paper_yaml_validation_names_the_file(tmp_path, edit, message):
    import yaml

    d = yaml.safe_load(PAPER.read_text())
    edit(d)
    path = tmp_path / "paper.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False, allow_unicode=True))
    with pytest.raises(ValueError, match=message) as e:
        load_paper(tmp_path)
    assert str(path) in str(e.value)


def test_results_reads_the_chapters_paper_yaml(toy_root):
    shutil.copy(PAPER, toy_root / "chapters" / "toy" / "paper.yaml")
    res = Results(toy_root / "results" / "toy" / "cpu" / "02_summary", "cpu")
    assert str(res.paper().number("fid_cycle")) == "42.49448"
    assert load_paper("toy").claim("fid_value").min_tier == "full"  # a bare chapter name works too


def test_cpu_tier_ordering_in_published_tier_selection(toy_root, capsys):
    from genrep.runner.replicate import publish, published_tier

    ch = types.SimpleNamespace(name="toy")
    assert publish(ch, "reduced", [], {}) and published_tier("toy") == "reduced"
    assert publish(ch, "cpu", [], {}) and published_tier("toy") == "cpu"  # cpu replaces reduced
    assert not publish(ch, "reduced", [], {}) and published_tier("toy") == "cpu"  # and is not replaced by it
    assert "shows the cpu tier" in capsys.readouterr().out
    assert publish(ch, "budget", [], {}) and published_tier("toy") == "budget"
    assert not publish(ch, "cpu", [], {}) and published_tier("toy") == "budget"


def test_scoreboard_and_landing_page_show_four_verdicts_intervals_and_metrics(toy_root):
    from genrep.report.book import scoreboard, write_site_pages

    Results(toy_root / "results" / "toy" / "cpu" / "02_summary", "cpu", "toy").write_checks(
        [
            Check(
                "a",
                "p",
                True,
                "cpu",
                metric="FID (TF-Inception, n = 2000)",
                interval=(-3.0, -1.0),
                n=[3, 3],
                min_tier="cpu",
            ),
            Check("b", "p", None, "cpu", decision="inconclusive", interval=(-1.0, 0.5)),
            Check("c", "p", True, "cpu", min_tier="full"),
            Check("d", "p", False, "cpu"),
        ],
        data_note="real data",
    )
    (toy_root / "book" / "toy").mkdir(parents=True)
    (toy_root / "book" / "toy" / "published.json").write_text(json.dumps({"tier": "cpu", "arms": []}))
    write_site_pages()
    intro = (toy_root / "book" / "intro.md").read_text()
    head = "| chapter | tier shown | replicated | not replicated | inconclusive | not testable at this tier |"
    assert head in intro
    assert "| [Toy chapter for the CLI tests](toy/index.md) | cpu | 1 | 1 | 1 | 1 | — |" in intro
    assert "| **total** | cpu (1 chapter) | **1** | **1** | **1** | **1** | — |" in intro
    assert "reduced|cpu|budget|full" in intro
    landing = (toy_root / "book" / "toy" / "index.md").read_text()
    assert "FID (TF-Inception, n = 2000)" in landing and "[-3, -1]" in landing, landing
    for v in ("replicated", "not replicated", "inconclusive", "not testable at this tier"):
        assert f'title="{v}"' in landing, v
    assert "At the cpu tier, 4 claims: 1 replicated, 1 not replicated, 1 inconclusive, 1 not testable" in landing
    assert scoreboard().count("\n") == 3  # header, rule, one chapter, total


def test_compare_mean_against_a_threshold():
    from genrep.report import compare_mean, mean_interval

    assert compare_mean([1.20, 1.30, 1.25], ">", 1.05).decision == "replicated"
    assert compare_mean([0.90, 0.95, 0.92], ">", 1.05).decision == "not replicated"
    assert compare_mean([0.9, 1.3, 1.1], ">", 1.05).decision == "inconclusive"
    assert compare_mean([2.0], ">", 1.0).decision == "inconclusive"  # one seed: no interval
    m, (lo, hi) = mean_interval([1.0, 2.0, 3.0])
    assert m == 2.0 and lo < 1.0 and hi > 3.0  # t(2) quantile 4.30 x s/sqrt(3) = 2.48
    assert abs(hi - m - 4.302653 / 3**0.5) < 1e-4
    with pytest.raises(ValueError, match="non-finite"):
        compare_mean([1.0, float("nan")])


def test_compare_within_decides_a_null_effect_from_the_interval_of_the_mean():
    from genrep.report.intervals import combine, compare_within

    tight = compare_within([1.01, 0.99, 1.00, 1.02], 1.0, 0.1)
    assert tight.decision == "replicated" and tight.expect == "within"
    assert tight.interval[0] > 0.9 and tight.interval[1] < 1.1
    far = compare_within([1.5, 1.52, 1.49], 1.0, 0.1)
    assert far.decision == "not replicated" and far.difference == pytest.approx(0.503, abs=1e-3)
    noisy = compare_within([0.7, 1.3, 1.0], 1.0, 0.1)
    assert noisy.decision == "inconclusive"
    assert compare_within([1.0], 1.0, 0.1).decision == "inconclusive"  # one seed: no interval
    assert combine([tight, far]).decision == "not replicated"
    assert combine([tight, noisy]).decision == "inconclusive"


def test_summary_checks_carry_the_declaration_and_the_comparison(toy_root):
    """Summary.check / decide take text, id, metric and minimal tier from paper.yaml; a comparison decides."""
    from genrep.report.summary import Summary

    shutil.copy(PAPER, toy_root / "chapters" / "toy" / "paper.yaml")
    s = Summary(toy_root / "results" / "toy" / "cpu" / "02_summary", "cpu", "toy data", data={"cycle": "real A"})
    assert s.P("fid_cycle") == "42.49448" and s.X("fid_no_cycle") == 57.1
    assert s.metrics("01_missing", optional=True) is None
    with pytest.raises(FileNotFoundError, match="make replicate"):
        s.metrics("01_missing")
    few = superiority([40.0, 47.0], [44.0, 52.0], better="<")  # two seeds each, overlapping: inconclusive
    many = superiority([40.0, 40.5, 41.0, 40.2], [50.0, 50.4, 49.8, 50.1], better="<")
    with pytest.raises(ValueError, match="declares test 'superiority'"):  # an unnamed comparison is refused
        s.decide("cycle_beats_no_cycle", "x", compare_seeds([1.0, 2.0], [3.0, 4.0]), premise=("FID 40", True))
    a = s.decide("cycle_beats_no_cycle", s.P("fid_cycle"), few, {"cycle": 43.5}, premise=("FID 40 < 123", True))
    b = s.decide("cycle_beats_no_cycle", "x", many, prefix="2. ", premise=("FID 40 < 123", True))
    c = s.not_run("fid_value", "the full tier's 10,000 samples")
    assert (a.verdict, b.verdict, c.verdict) == ("inconclusive", "replicated", "not testable at this tier")
    assert a.claim == "the cycle loss lowers FID" and b.claim.startswith("2. the cycle loss")
    assert a.metric == "FID (TF-Inception)" and a.min_tier == "cpu" and a.data == "real A" and c.data == ""
    assert a.ours["95% CI"] == few.interval and a.interval == few.interval and a.test == "superiority"
    with pytest.raises(ValueError, match="bare ok is for sanity checks"):
        s.check("fid_value", "42.49448", True)
    s.finish()
    out = json.loads((s.res.dir / "checks.json").read_text())
    assert [x["verdict"] for x in out["checks"]] == ["inconclusive", "replicated", "not testable at this tier"]
    assert out["data"] == "toy data" and out["checks"][2]["min_tier"] == "full"
    with pytest.raises(KeyError):
        s.check("no_such_claim", "p")


def test_all_of_needs_every_part():
    """A claim of several parts: one refuted part refutes it, one open part leaves it inconclusive."""
    from genrep.report.intervals import all_of, combine

    assert all_of(["replicated", "replicated"]) == "replicated"
    assert all_of(["replicated", "inconclusive"]) == "inconclusive"
    assert all_of(["inconclusive", "not replicated", "replicated"]) == "not replicated"
    two = [compare_seeds([1.0, 1.1, 0.9], [2.0, 2.1, 1.9]), compare_seeds([1.0, 3.0], [1.5, 2.5])]
    assert combine(two).decision == all_of(c.decision for c in two) == "inconclusive"


# -- issue 34: the five named tests, families, n to decide ---------------------------------------------------------
from genrep.report import (  # noqa: E402
    Comparison,
    equivalence,
    equivalence_bootstrap,
    family,
    holm,
    n_to_decide,
    non_inferiority,
    non_inferiority_bootstrap,
    superiority,
    superiority_bootstrap,
    tolerance,
    trend,
    trend_bootstrap,
)

LOW = [9.0, 9.5, 8.8, 9.4, 8.9, 9.3]  # e.g. FID of the arm claimed better (lower is better)
HIGH = [10.0, 10.6, 9.7, 10.3, 9.9, 10.5]


def test_superiority_replicates_refutes_and_stays_open():
    assert superiority(LOW, HIGH, better="<").decision == "replicated"
    assert superiority(HIGH, LOW, better="<").decision == "not replicated"
    assert superiority(LOW[:2], [9.6, 8.9], better="<").decision == "inconclusive"
    c = superiority(LOW, HIGH)
    assert c.test == "superiority" and c.margin is None and 0 < c.p < 0.025 and c.unit == "seeds"
    assert superiority(HIGH, LOW, better=">").decision == "replicated"
    # paired: the seed-to-seed offset cancels, so a small consistent gain is decided where Welch is not
    base = np.array([1.0, 3.0, 5.0, 7.0])
    welch, paired = superiority(base - 0.1, base), superiority(base - 0.1, base, paired=True)
    assert welch.decision == "inconclusive" and paired.decision == "replicated" and "paired" in paired.method
    with pytest.raises(ValueError, match="one value per seed"):
        superiority([1, 2, 3], [1, 2], paired=True)
    with pytest.raises(ValueError, match="non-finite"):
        superiority([1, float("inf")], [1, 2])
    with pytest.raises(ValueError, match="at least one value"):
        superiority([], [1, 2])
    with pytest.raises(ValueError, match="better must be"):
        superiority(LOW, HIGH, better="<=")
    one = superiority([1.0], [2.0])
    assert one.decision == "inconclusive" and one.interval is None and one.p is None  # one seed: no interval


def test_non_inferiority_needs_the_bound_below_the_margin():
    a, b = [10.1, 10.3, 10.0, 10.2], [10.0, 10.2, 10.1, 10.1]  # A about as good as B (lower is better)
    ok = non_inferiority(a, b, margin=0.5)
    assert ok.decision == "replicated" and ok.test == "non-inferiority" and ok.margin == 0.5
    assert ok.confidence == pytest.approx(0.90) and ok.interval[1] < 0.5 and ok.p < 0.05
    worse = non_inferiority([11.0, 11.2, 11.1, 10.9], b, margin=0.5)  # A worse by ~1: more than the margin
    assert worse.decision == "not replicated" and worse.interval[0] > 0.5
    assert non_inferiority([10.1, 10.9, 9.8], [10.0, 10.2, 10.1], margin=0.5).decision == "inconclusive"
    # higher is better: A worse means A lower
    assert non_inferiority([0.7, 0.72, 0.71], [0.8, 0.81, 0.79], margin=0.02, better=">").decision == "not replicated"
    assert non_inferiority([0.8, 0.81, 0.79], [0.8, 0.81, 0.8], margin=0.05, better=">").decision == "replicated"
    # a superiority test would call the first case "not replicated" (A is not better) — the claim's words differ
    assert superiority(a, b).decision != "replicated"
    for bad in (0, -1, float("nan"), "5"):
        with pytest.raises(ValueError, match="margin must be"):
            non_inferiority(a, b, margin=bad)


def test_equivalence_tost_against_a_hand_computed_example():
    """Paired differences d = (0.1, 0.2, −0.1, −0.1, 0.1): mean 0.04, sd 0.13416, se 0.06, df 4; t(0.95, 4) =
    2.131847, so the 90 % interval is 0.04 ± 0.127911; TOST p for margin 0.2 is P(T4 < −2.6667) = 0.028."""
    a = [1.0, 1.2, 0.8, 1.0, 1.1]
    b = [0.9, 1.0, 0.9, 1.1, 1.0]
    c = equivalence(a, b, margin=0.2, paired=True)
    assert c.test == "equivalence" and c.difference == pytest.approx(0.04)
    assert c.interval == pytest.approx((0.04 - 0.127911, 0.04 + 0.127911), abs=1e-6)
    assert c.p == pytest.approx(0.028, abs=1e-6) and c.decision == "replicated"
    assert equivalence(a, b, margin=0.1, paired=True).decision == "inconclusive"  # 0.168 > 0.1
    far = equivalence([2.0, 2.2, 1.8, 2.0, 2.1], b, margin=0.2, paired=True)
    assert far.decision == "not replicated" and far.interval[0] > 0.2


def test_bootstrap_tests_decide_on_samples_and_accept_saved_replicates():
    rng = np.random.default_rng(4)
    a, b = rng.normal(0.0, 1.0, 400), rng.normal(0.5, 1.0, 400)
    diff = lambda x, y: x.mean() - y.mean()  # noqa: E731
    sup = superiority_bootstrap(diff, a, b, better="<", n_boot=300)
    assert sup.decision == "replicated" and sup.unit == "samples" and sup.n == (400, 400) and sup.p < 0.025
    assert superiority_bootstrap(diff, b, a, better="<", n_boot=300).decision == "not replicated"
    assert superiority_bootstrap(diff, a[:10], a[10:20] + 0.1, n_boot=300).decision == "inconclusive"
    paired = superiority_bootstrap(diff, a, a + 0.05 + rng.normal(0, 0.01, 400), paired=True, n_boot=300)
    assert paired.decision == "replicated" and "paired" in paired.method  # shared rows: the offset is decided
    with pytest.raises(ValueError, match="one length"):
        superiority_bootstrap(diff, a, b[:10], paired=True)
    ni = non_inferiority_bootstrap(diff, a, a + 0.02, margin=0.3, n_boot=300, paired=True)
    assert ni.decision == "replicated" and ni.test == "non-inferiority"
    assert non_inferiority_bootstrap(diff, b, a, margin=0.1, n_boot=300).decision == "not replicated"
    eq = equivalence_bootstrap(diff, a, a + 0.01, margin=0.2, paired=True, n_boot=300)
    assert eq.decision == "replicated" and eq.test == "equivalence"
    assert equivalence_bootstrap(diff, a, b, margin=0.1, n_boot=300).decision == "not replicated"
    # saved replicates (e.g. an arm's paired FID bootstrap): stat is the value, boot the replicates
    reps = rng.normal(-2.0, 0.5, 200)
    saved = superiority_bootstrap(-2.0, boot=reps, n=[500, 500])
    assert saved.decision == "replicated" and saved.n == (500, 500)
    with pytest.raises(ValueError, match="value, not a function"):
        superiority_bootstrap(diff, a, b, boot=reps)
    with pytest.raises(ValueError, match="non-finite"):
        superiority_bootstrap(1.0, boot=[1.0, float("nan")])


def test_trend_fits_one_slope_over_all_points():
    levels = [0.0, 0.1, 0.2, 0.3]
    rising = [[10.0, 10.4], [12.1, 11.8], [13.9, 14.3], [16.2, 15.8]]  # per-level seed values
    c = trend(levels, rising, "increasing")
    assert c.decision == "replicated" and c.test == "trend" and c.n == (2, 2, 2, 2)
    assert c.difference == pytest.approx(np.polyfit(np.repeat(levels, 2), np.ravel(rising), 1)[0])
    assert trend(levels, rising, "decreasing").decision == "not replicated"
    flat = [[10.0, 12.0], [11.5, 10.2], [10.9, 11.8], [10.1, 12.2]]
    assert trend(levels, flat, "increasing").decision == "inconclusive"
    # a flat list (one value per level) works, and fewer than 3 points leave no interval
    assert trend([1, 2, 3, 4], [1.0, 2.1, 2.9, 4.2]).decision == "replicated"
    assert trend([1, 2], [1.0, 2.0]).interval is None
    assert trend([1, 10, 100], [1.0, 2.0, 3.05], log=True).decision == "replicated"
    with pytest.raises(ValueError, match="2 distinct levels"):
        trend([1, 1, 1], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="one value"):
        trend([1, 2, 3], [1.0, 2.0])
    with pytest.raises(ValueError, match="increasing"):
        trend([1, 2, 3], [1.0, 2.0, 3.0], "up")
    # units measured at every level (not independent points): a bootstrap over units
    units = np.array([[1.0, 2.0, 3.1], [1.2, 2.3, 3.0], [0.9, 1.8, 3.2], [1.1, 2.1, 2.9]])
    tb = trend_bootstrap([1, 2, 3], units, "increasing", n_boot=300)
    assert tb.decision == "replicated" and tb.n == (4, 4, 4)
    assert trend_bootstrap([1, 2, 3], units[:, ::-1], "increasing", n_boot=300).decision == "not replicated"


def test_tolerance_takes_seed_values_or_an_interval():
    near = tolerance([41.0, 42.0, 43.0], 42.5, 5.0)
    assert near.decision == "replicated" and near.test == "tolerance" and near.target == 42.5 and near.margin == 5
    assert tolerance([60.0, 61.0, 62.0], 42.5, 5.0).decision == "not replicated"
    assert tolerance([40.0, 47.0, 49.0], 42.5, 5.0).decision == "inconclusive"
    assert tolerance([42.0], 42.5, 5.0).decision == "inconclusive"  # one seed: no interval
    assert tolerance((3576704.0, 3576704.0), 3576704, 0).decision == "replicated"  # a quantity without noise
    iv = tolerance((46.0, 49.0), 42.5, 5.0, estimate=47.0)
    assert iv.decision == "inconclusive" and iv.difference == 47.0
    with pytest.raises(ValueError, match="tol must be"):
        tolerance([1.0, 2.0], 1.0, -1)
    with pytest.raises(ValueError, match="2-tuple"):
        tolerance((1.0, 2.0, 3.0), 1.0, 1.0)


def test_holm_against_a_hand_computed_example():
    # sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, max(0.04·1, 0.06) = 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    with pytest.raises(ValueError, match="p-values"):
        holm([0.5, 1.5])


def _c(decision, p, test="superiority"):
    return Comparison(decision, -1.0, (-2.0, 0.5), (3, 3), "m", "<", 0.95, test=test, p=p)


def test_family_all_and_any_with_holm():
    rep, inc, nrep = _c("replicated", 0.01), _c("inconclusive", 0.2), _c("not replicated", 0.99)
    assert family([rep, rep], "all").decision == "replicated"
    assert family([rep, inc], "all").decision == "inconclusive"
    assert family([rep, inc, nrep], "all").decision == "not replicated"
    assert family([rep, inc], "all").p == 0.2 and family([rep, inc], "all").family == "all"
    # 'any': one member at p = 0.01 alone would replicate (< α = 0.025), but three tries make it 0.03 after Holm
    fam = family([_c("replicated", 0.01), inc, inc], "any")
    assert fam.decision == "inconclusive" and fam.p == pytest.approx(0.03) and fam.family == "any"
    assert family([_c("replicated", 0.005), inc, inc], "any").decision == "replicated"
    assert family([nrep, nrep], "any").decision == "not replicated"
    with pytest.raises(ValueError, match="share one named test"):
        family([rep, _c("replicated", 0.01, "trend")])
    with pytest.raises(ValueError, match="p-value from every member"):
        family([rep, _c("inconclusive", None)], "any")
    with pytest.raises(ValueError, match="rule"):
        family([rep], "most")
    # real members: the Holm interval of a t-based member is widened to the Bonferroni level
    a = superiority(LOW, HIGH)
    fam2 = family([a, superiority(LOW, [9.1, 9.4, 8.9, 9.3, 9.0, 9.2])], "any")
    assert fam2.interval[0] < a.interval[0] and fam2.decision == "replicated"


def test_n_to_decide_grows_as_the_effect_shrinks():
    rng = np.random.default_rng(5)
    a, b = np.array([10.0, 11.2, 9.5]), np.array([10.6, 11.5, 10.9])
    c = superiority(a, b)
    n = n_to_decide(c, "seeds")
    assert c.decision == "inconclusive" and n is not None and n > 3
    smaller = superiority(a, b - 0.4)
    assert n_to_decide(smaller, "seeds") > n
    # simulate: with n seeds per arm at this effect and noise, most replicates decide it
    d, sd = abs(c.difference), math.sqrt((np.var(a, ddof=1) + np.var(b, ddof=1)) / 2)
    hits = sum(superiority(rng.normal(0, sd, n), rng.normal(d, sd, n)).decision == "replicated" for _ in range(200))
    assert 0.65 < hits / 200 < 0.95
    boot = superiority_bootstrap(lambda x, y: x.mean() - y.mean(), a, b, n_boot=200)
    assert n_to_decide(boot, "samples") > 3
    assert n_to_decide(superiority([1.0], [2.0])) is None  # no interval: nothing to scale
    assert n_to_decide(non_inferiority([10.1, 10.9, 9.8], [10.0, 10.2, 10.1], margin=0.5)) > 3
    with pytest.raises(ValueError, match="kind"):
        n_to_decide(c, "images")
    with pytest.raises(ValueError, match="members of a family"):
        n_to_decide(family([c, c], "all"))


# -- issue 34: paper.yaml claims + sanity, checks.json fields, Summary.decide / sanity / not_run / finish ------------
PAPER34 = """
paper: "Someone et al. 2020, A Toy Paper"
numbers:
  fid_cycle: {value: "42.49448", source: "Table 3.1, p. 12"}
claims:
  cycle_beats_no_cycle:
    text: "the cycle loss lowers FID"
    comparison: "FID(cycle) < FID(no cycle)"
    test: superiority
    metric: "FID (TF-Inception)"
    min_tier: cpu
    why: "a direction between two arms of one recipe shows at 64x64"
    premise: "samples recognisable: FID of both arms below 150"
    numbers: [fid_cycle]
  no_worse:
    text: "the small model is no worse than the large one"
    comparison: "FID(small) - FID(large) < 2"
    test: non-inferiority
    margin: 2.0
    margin_reason: "2 FID points is below the seed spread the paper reports"
    metric: "FID"
    min_tier: cpu
    why: "two arms of one recipe"
    premise: "none: two fixed feature sets, no trained model"
  same:
    text: "both are about as good"
    comparison: "|FID(a) - FID(b)| < 2"
    test: equivalence
    margin: 2.0
    margin_reason: "two points"
    metric: "FID"
    min_tier: cpu
    why: "two arms"
    premise: "none: fixed features"
  rises:
    text: "FID rises with noise"
    comparison: "slope > 0 on every dataset"
    test: trend
    metric: "FID"
    min_tier: cpu
    why: "a disturbance of real images"
    premise: "none: a disturbance of real images"
    family: all
    ours: true
  fid_value:
    text: "FID of the cycle model is 42.5"
    comparison: "FID within 5 of 42.5"
    test: tolerance
    tolerance: 5
    tolerance_reason: "the seed spread of the paper's own runs"
    metric: "FID (TF-Inception, n = 10000)"
    min_tier: full
    why: "an absolute FID value needs the paper's resolution and sample count"
    premise: "samples recognisable: FID below 150"
    needs: "the full tier: 10,000 samples at 256 px (about 6 GPU hours)"
sanity:
  params:
    text: "the generator has 3.58 M parameters"
    why: "a count of our own network"
"""


@pytest.fixture
def paper34(tmp_path):
    path = tmp_path / "p34" / "paper.yaml"
    path.parent.mkdir()
    path.write_text(PAPER34)
    return path


def test_new_paper_yaml_reads_claims_and_sanity(paper34):
    p = load_paper(paper34)
    assert list(p.sanity) == ["params"] and p.sanity_check("params").min_tier == "reduced"
    c = p.claim("no_worse")
    assert c.test == "non-inferiority" and c.margin == 2.0 and c.margin_reason.startswith("2 FID")
    assert c.premise is None and c.premise_text.startswith("none:")  # "none: <why>" means no premise
    assert p.claim("cycle_beats_no_cycle").premise.startswith("samples recognisable")
    assert p.claim("rises").family == "all" and p.claim("rises").ours is True
    assert p.claim("fid_value").tolerance == 5.0 and p.claim("fid_value").needs.startswith("the full tier")
    old = paper34.parent / "old.yaml"
    old.write_text(paper34.read_text().split("\nsanity:")[0])
    with pytest.raises(ValueError, match="no top-level 'sanity:'"):  # the old schema is refused
        load_paper(old)
    with pytest.raises(KeyError, match="no sanity check"):
        p.sanity_check("nope")


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d["claims"]["no_worse"].pop("test"), r"claim 'no_worse': missing required key\(s\) test"),
        (lambda d: d["claims"]["no_worse"].update(test="better"), r"unknown test 'better'; valid tests: superiority"),
        (lambda d: d["claims"]["no_worse"].pop("premise"), r"claim 'no_worse': missing required key\(s\) premise"),
        (lambda d: d["claims"]["no_worse"].update(premise="none"), r"write 'none: <why"),
        (lambda d: d["claims"]["no_worse"].pop("margin"), r"margin_reason given without margin"),
        (
            lambda d: [d["claims"]["no_worse"].pop(k) for k in ("margin", "margin_reason")],
            r"non-inferiority' needs margin",
        ),
        (lambda d: d["claims"]["no_worse"].pop("margin_reason"), r"margin 2 needs margin_reason"),
        (lambda d: d["claims"]["no_worse"].update(margin=-1), r"margin must be a number > 0"),
        (lambda d: [d["claims"]["same"].pop(k) for k in ("margin", "margin_reason")], r"'equivalence' needs margin"),
        (lambda d: [d["claims"]["fid_value"].pop(k) for k in ("tolerance", "tolerance_reason")], r"needs tolerance"),
        (lambda d: d["claims"]["fid_value"].pop("tolerance_reason"), r"tolerance 5 needs tolerance_reason"),
        (lambda d: d["claims"]["rises"].update(margin=1.0, margin_reason="x"), r"margin only applies"),
        (lambda d: d["claims"]["rises"].update(tolerance=1.0, tolerance_reason="x"), r"tolerance only applies"),
        (lambda d: d["claims"]["rises"].update(family="some"), r"family must be 'all' or 'any'"),
        (lambda d: d["claims"]["rises"].update(ours="yes"), r"ours must be true or false"),
        (lambda d: d["claims"]["rises"].pop("min_tier"), r"missing required key\(s\) min_tier"),
        (lambda d: d["claims"]["rises"].update(both_ways_opt_out=""), r"both_ways_opt_out must be a non-empty"),
        (lambda d: d["sanity"]["params"].pop("why"), r"sanity check 'params': missing required key\(s\) why"),
        (lambda d: d["sanity"].update(rises={"text": "t", "why": "w"}), r"also a claim"),
    ],
)
def test_new_paper_yaml_validation_names_the_file_and_claim(paper34, edit, message):
    import yaml

    d = yaml.safe_load(PAPER34)
    edit(d)
    paper34.write_text(yaml.safe_dump(d, sort_keys=False, allow_unicode=True))
    with pytest.raises(ValueError, match=message) as e:
        load_paper(paper34)
    assert str(paper34) in str(e.value)


@pytest.fixture
def s34(toy_root):
    from genrep.report.summary import Summary

    (toy_root / "chapters" / "toy" / "paper.yaml").write_text(PAPER34)
    return Summary(toy_root / "results" / "toy" / "cpu" / "02_summary", "cpu", "toy data")


def test_decide_refuses_a_test_the_claim_does_not_declare(s34):
    a, b = [40.0, 40.2, 40.1], [40.1, 40.3, 40.0]
    with pytest.raises(ValueError, match="declares test 'non-inferiority' but was given 'superiority'"):
        s34.decide("no_worse", "x", superiority(a, b))
    with pytest.raises(ValueError, match="unnamed comparison"):
        s34.decide("no_worse", "x", compare_seeds(a, b))
    with pytest.raises(ValueError, match="margin 1 differs from the declared margin 2"):
        s34.decide("no_worse", "x", non_inferiority(a, b, margin=1.0))
    with pytest.raises(ValueError, match="tolerance 3 differs"):
        s34.decide("fid_value", "42.5", tolerance([41.0, 42.0], 42.5, 3.0), premise=("FID 41", True))
    with pytest.raises(ValueError, match="declares family 'all' but the comparison is a single comparison"):
        s34.decide("rises", "p", trend([1, 2, 3], [1.0, 2.0, 3.1]))
    with pytest.raises(ValueError, match="a bare ok is for sanity checks"):
        s34.check("no_worse", "x", True)
    with pytest.raises(ValueError, match="pass premise="):
        s34.decide("cycle_beats_no_cycle", "42.5", superiority(a, b))
    with pytest.raises(ValueError, match="declares no premise"):
        s34.decide("no_worse", "x", non_inferiority(a, b, margin=2.0), premise=("x", True))
    assert s34.checks == []


def test_premise_not_met_keeps_the_outcome_and_is_not_counted(s34):
    a, b = [40.0, 40.5, 41.0], [50.0, 50.4, 49.8]
    met = s34.decide("cycle_beats_no_cycle", s34.P("fid_cycle"), superiority(a, b), premise=("FID 40 / 50", True))
    unmet = s34.decide("cycle_beats_no_cycle", "x", superiority(b, a), premise=("FID 310 / 290", False))
    unmeasured = s34.decide("cycle_beats_no_cycle", "x", superiority(a, b), premise=("not measured", None))
    assert (met.verdict, met.outcome, met.counted) == ("replicated", "replicated", True)
    assert (unmet.verdict, unmet.outcome, unmet.counted) == ("not testable at this tier", "not replicated", False)
    assert unmet.premise == {"text": "samples recognisable: FID of both arms below 150", "value": "FID 310 / 290",
                             "met": False}  # fmt: skip
    assert "meets the premise" in unmet.to_dict()["needs"] and unmeasured.verdict == "not testable at this tier"


def test_checks_json_carries_test_margin_sanity_and_every_declared_claim(s34):
    a, b = [40.0, 40.2, 40.1], [40.1, 40.3, 40.0]
    s34.decide("no_worse", "FID 12.1 vs 12.3", non_inferiority(a, b, margin=2.0))
    noisy = s34.decide("same", "about equal", equivalence([40.0, 43.0, 38.0], [40.1, 41.0, 42.0], margin=2.0))
    fam = family([trend([1, 2, 3], [[1.0, 1.1], [2.0, 2.2], [3.0, 3.1]]), trend([1, 2, 3], [1.0, 1.5, 2.1])], "all")
    s34.decide("rises", "p", fam, interval_of="slope of FID per level, weakest dataset")
    s34.sanity("params", True, 3576704)
    assert noisy.verdict == "inconclusive" and "seeds per arm would decide it" in noisy.decide_with
    with pytest.raises(ValueError, match="ok must be True, False or None"):
        s34.sanity("params", "yes")
    s34.finish()
    d = load_checks(s34.res.dir / "checks.json")
    by = {c["claim_id"]: c for c in d["checks"]}
    assert set(by) == {"cycle_beats_no_cycle", "no_worse", "same", "rises", "fid_value", "params"}
    nw = by["no_worse"]
    assert (nw["kind"], nw["test"], nw["margin"], nw["verdict"], nw["counted"]) == (
        "claim",
        "non-inferiority",
        2.0,
        "replicated",
        True,
    )
    assert nw["premise"] is None and nw["confidence"] == pytest.approx(0.9) and nw["p"] < 0.05
    assert by["rises"]["family"] == "all" and by["rises"]["ours_claim"] is True
    assert by["rises"]["interval_of"] == "slope of FID per level, weakest dataset"
    assert by["same"]["decide_with"] == noisy.decide_with and by["same"]["counted"] is True
    # declared but not reached: not testable, never gone; below min_tier its declared needs are shown
    assert by["cycle_beats_no_cycle"]["verdict"] == "not testable at this tier"
    assert (
        by["cycle_beats_no_cycle"]["note"] == "not computed at this tier" and not by["cycle_beats_no_cycle"]["counted"]
    )
    assert by["fid_value"]["needs"].startswith("the full tier") and by["fid_value"]["tolerance"] == 5.0
    sanity = by["params"]
    assert {k: sanity[k] for k in ("kind", "id", "text", "ok", "value")} == {
        "kind": "sanity",
        "id": "params",
        "text": "the generator has 3.58 M parameters",
        "ok": True,
        "value": "3576704",
    }
    assert sanity["verdict"] == "pass" and sanity["counted"] is False


def test_not_run_and_below_min_tier_keep_claims_visible(s34):
    s34.not_run("same", "the second arm did not run at this tier")
    below = s34.decide("fid_value", "42.49", tolerance([60.0, 61.0, 62.0], 42.5, 5.0), premise=("FID 60", True))
    assert below.verdict == "not testable at this tier" and below.outcome == "not replicated" and not below.counted
    nr = s34.checks[0].to_dict()
    assert nr["verdict"] == "not testable at this tier" and nr["needs"] == "the second arm did not run at this tier"
    assert nr["outcome"] is None and nr["test"] == "equivalence" and nr["margin"] == 2.0
    s34.not_run("params", "the model was not built")
    assert s34.checks[-1].verdict == "not run" and s34.checks[-1].kind == "sanity"
    with pytest.raises(ValueError, match="needs a reason"):
        s34.not_run("same", "")


def _run_json(arm_dir, commit=None, **params):
    arm_dir.mkdir(parents=True, exist_ok=True)
    rec = {"notebook": arm_dir.name.split("-")[0], "params": {"epochs": 4, "seed": 0, **params}, "wall_s": 120.0}
    if commit:
        rec["git"] = {"commit": commit, "dirty": False}
    (arm_dir / "run.json").write_text(json.dumps(rec))


def test_one_verdict_one_commit(s34):
    base = s34.res.dir.parent
    for s in range(3):
        _run_json(base / f"04_vae-seed{s}", "a" * 40, seed=s)
    _run_json(base / "04_vae-seed9", "b" * 40, seed=9)  # a re-run from another commit
    _run_json(base / "04_vae-old")  # an older record without a commit: compared on nothing
    _run_json(base / "04_vae-ep8", "a" * 40, epochs=8)  # another recipe of the same commit: joinable
    _run_json(base / "04_vae-dirty", "a" * 40, seed=3)  # the same commit, plus uncommitted changes
    rec = json.loads((base / "04_vae-dirty" / "run.json").read_text())
    rec["git"]["dirty"] = True
    (base / "04_vae-dirty" / "run.json").write_text(json.dumps(rec))
    (base / "04_vae-dirty" / "dirty.diff").write_text("+ epochs = 9\n")
    assert s34.same_commit(["04_vae-seed0", "04_vae-seed1", "04_vae-seed2", "04_vae-old"]) == "a" * 40
    with pytest.raises(ValueError, match="different commits.*04_vae-seed9"):
        s34.same_commit(["04_vae-seed0", "04_vae-seed9"])
    assert s34.same_commit(["04_vae-seed0", "04_vae-ep8"]) == "a" * 40
    with pytest.raises(ValueError, match="uncommitted changes.*04_vae-dirty"):
        s34.same_commit(["04_vae-seed0", "04_vae-dirty"])
    with pytest.raises(ValueError, match="different commits"):
        s34.decide(
            "same",
            "x",
            equivalence([1.0, 1.1], [1.0, 1.2], margin=2.0),
            arms=["04_vae-seed0", "04_vae-seed9"],
        )
    # decide_with is priced with the arms' measured wall time (120 s per seed arm)
    chk = s34.decide(
        "same", "x", equivalence([40.0, 43.0, 38.0], [40.1, 41.0, 42.0], margin=2.0), arms=["04_vae-seed0"]
    )
    assert chk.verdict == "inconclusive" and "min at this tier" in chk.decide_with


def test_old_checks_json_reads_with_the_new_fields(tmp_path):
    old = {
        "chapter": "toy",
        "tier": "cpu",
        "data": "",
        "checks": [
            {"claim": "a", "paper": "p", "ok": True, "tier": "cpu", "verdict": "replicated", "outcome": "consistent"},
            {"claim": "b", "paper": "p", "ok": None, "tier": "cpu", "min_tier": "full",
             "verdict": "not testable at this tier", "outcome": ""},
            {"claim": "c", "paper": "p", "ok": False, "tier": "cpu", "decision": "not replicated",
             "verdict": "not replicated", "outcome": "inconsistent"},
        ],
    }  # fmt: skip
    path = tmp_path / "checks.json"
    path.write_text(json.dumps(old))
    a, b, c = load_checks(path)["checks"]
    assert (a["kind"], a["outcome"], a["counted"], a["test"], a["premise"]) == ("claim", "replicated", True, None, None)
    assert (b["outcome"], b["counted"], b["needs"]) == (None, False, None)
    assert (c["outcome"], c["counted"], c["ours_claim"], c["interval_of"]) == ("not replicated", True, False, "")


def test_one_verdict_one_version_of_the_code_for_code_keyed_records(tmp_path):
    """Records keyed by code: arms made at two commits with unchanged code are one version (cache hits);
    a module that changed in between, another environment or other notebook code is refused."""
    from genrep.report.summary import same_commit

    env = {"threads": 1, "torch": "2.14", "device": "cpu"}

    def rec(name, commit, imports, notebook="04_vae", code="n1", e=env):
        d = tmp_path / name
        d.mkdir()
        r = {"key_scheme": 2, "git": {"commit": commit * 40}, "imports": imports, "env": e}
        r.update(notebook=notebook, notebook_code=code)
        (d / "run.json").write_text(json.dumps(r))
        return d

    a = rec("04_vae-s0", "a", {"genrep/models/vae.py": "h1", "genrep/report/results.py": "r1"})
    b = rec("04_vae-s1", "b", {"genrep/models/vae.py": "h1"})
    g = rec("02_gan-s0", "c", {"genrep/models/dcgan.py": "g1", "genrep/report/results.py": "r1"}, "02_gan", "n2")
    assert same_commit([a, b, g]) == "a" * 40
    c = rec("04_vae-s2", "c", {"genrep/models/vae.py": "h2"})
    with pytest.raises(ValueError, match="genrep/models/vae.py differs between 04_vae-s0 and 04_vae-s2"):
        same_commit([a, c])
    d = rec("04_vae-s3", "a", {"genrep/models/vae.py": "h1"}, code="n9")
    with pytest.raises(ValueError, match="different code of notebook 04_vae"):
        same_commit([a, d])
    e = rec("04_vae-s4", "a", {"genrep/models/vae.py": "h1"}, e={**env, "threads": 2})
    with pytest.raises(ValueError, match="different environments"):
        same_commit([a, e])
