"""Noise-aware verdicts, declared claims (paper.yaml), the cpu tier; how they reach checks.json and the book."""

import json
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
    assert old.verdict == "replicated" and old.outcome == "consistent" and old.interval is None
    assert Check("c", "p", True, "reduced").verdict == "not testable at this tier"
    assert Check("c", "p", True, "reduced").outcome == "consistent"  # what the numbers said is kept
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
    assert "| [Toy chapter for the CLI tests](toy/index.md) | cpu | 1 | 1 | 1 | 1 |" in intro
    assert "| **total** | cpu (1 chapter) | **1** | **1** | **1** | **1** |" in intro
    assert "reduced|cpu|budget|full" in intro
    landing = (toy_root / "book" / "toy" / "index.md").read_text()
    assert "| claim | paper | ours | metric | interval | n | min tier | verdict | outcome |" in landing
    assert "FID (TF-Inception, n = 2000) | [-3, -1] | 3 / 3 | cpu | **replicated**" in landing
    assert "**inconclusive** | inconclusive |" in landing and "cpu tier: at most ~60 min" in landing
    counts = "At the cpu tier: 1 replicated, 1 not replicated, 1 inconclusive, 1 not testable at this tier."
    assert counts in landing
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
    few = compare_seeds([40.0, 47.0], [44.0, 52.0], "<")  # two seeds each, overlapping: inconclusive
    many = compare_seeds([40.0, 40.5, 41.0, 40.2], [50.0, 50.4, 49.8, 50.1], "<")
    a = s.decide("cycle_beats_no_cycle", s.P("fid_cycle"), few, {"cycle": 43.5})
    b = s.decide("cycle_beats_no_cycle", "x", many, prefix="2. ")
    c = s.check("fid_value", "42.49448", None, {"ours": 50.0}, "not at this tier", text="FID near 42")
    assert (a.verdict, b.verdict, c.verdict) == ("inconclusive", "replicated", "not testable at this tier")
    assert a.claim == "the cycle loss lowers FID" and b.claim.startswith("2. the cycle loss")
    assert a.metric == "FID (TF-Inception)" and a.min_tier == "cpu" and a.data == "real A" and c.data == ""
    assert a.ours["95% CI"] == few.interval and a.interval == few.interval and c.claim == "FID near 42"
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
