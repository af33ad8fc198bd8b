"""Replication tables, checks, figures, the generated book pages."""

import json

import numpy as np
import pytest

from genrep.report import Check, ReplicationTable, Results, grid, verdict, within
from genrep.report.checks import load_checks


def test_verdicts_never_call_reduced_a_replication():
    assert verdict(True, "reduced") == "not testable at this tier"
    assert verdict(True, "budget") == "replicated"
    assert verdict(False, "full") == "not replicated"
    assert verdict(None, "full") == "not testable at this tier"
    with pytest.raises(ValueError, match="valid tiers"):
        verdict(True, "smoke")


def test_within():
    assert within(10.0, 10.4, rel=0.05) and not within(10.0, 10.6, rel=0.05)
    assert within(0.0, 0.01, abs_=0.02) and not within(1.0, float("nan"), rel=1.0)


def test_table_csv_html_and_tier_label(tmp_path):
    t = ReplicationTable("t1", "A table", "Someone 2020, Tab. 1", "reduced", data_note="procedural stand-in")
    t.add("row", "FID", "12.3", 13.1, True)
    t.add("row", "KID", "0.01", None, None)
    path = t.save(tmp_path)
    text = path.read_text()
    assert "12.3" in text and "13.1" in text and "not testable at this tier" in text and "consistent" in text
    html = t._repr_html_()
    assert "reduced tier" in html and "not a replication" in html and "procedural stand-in" in html


def test_results_roundtrip_and_tier_mismatch(tmp_path):
    res = Results(tmp_path / "ch" / "reduced" / "arm", "reduced")
    res.save_metrics(a=np.float32(1.5), b=np.arange(3))
    res.save_metrics(c="x")
    assert res.metrics() == {"a": 1.5, "b": [0, 1, 2], "c": "x"}
    with pytest.raises(FileNotFoundError, match="make replicate CHAPTER=ch CONFIG=reduced"):
        res.metrics("other")
    with pytest.raises(ValueError, match="labelled tier"):
        res.save_table(ReplicationTable("x", "x", "x", "budget"))
    p = res.write_checks([Check("c", "p", True, "budget", {"v": 1.0})])
    d = load_checks(p)
    assert d["chapter"] == "ch" and d["checks"][0]["verdict"] == "replicated"


def test_grid_shapes():
    x = (np.random.rand(5, 3, 4, 4) * 255).astype(np.uint8)
    g = grid(x, nrow=3, pad=1)
    assert g.shape == (2 * 5 + 1, 3 * 5 + 1, 3)
    assert (g[1:5, 1:5] == x[0].transpose(1, 2, 0)).all()
    with pytest.raises(TypeError):
        grid(x.astype(np.float32))


def test_site_pages_scoreboard_counts(toy_root):
    from genrep.report.book import write_site_pages

    res_dir = toy_root / "results" / "toy" / "budget" / "02_summary"
    Results(res_dir, "budget", "toy").write_checks(
        [Check("a", "p", True, "budget"), Check("b", "p", False, "budget"), Check("c", "p", None, "budget")]
    )
    (toy_root / "book" / "toy").mkdir(parents=True)
    (toy_root / "book" / "toy" / "published.json").write_text(json.dumps({"tier": "budget", "arms": []}))
    write_site_pages()
    intro = (toy_root / "book" / "intro.md").read_text()
    assert "| [Toy chapter for the CLI tests](toy/index.md) | budget | 1 | 1 | 0 | 1 | — |" in intro
    landing = (toy_root / "book" / "toy" / "index.md").read_text()
    assert 'title="replicated"' in landing and 'title="not replicated"' in landing and "Fixture only." in landing


def test_results_images_and_values_roundtrip(tmp_path):
    import numpy as np
    import torch

    from genrep.report import Results

    res = Results(tmp_path / "reduced" / "a", "reduced", chapter="toy")
    for c in (1, 3):
        x = torch.randint(0, 256, (5, c, 7, 9), dtype=torch.uint8, generator=torch.Generator().manual_seed(c))
        path = res.save_images(f"s{c}", x)
        assert path.suffix == ".png"
        assert torch.equal(res.load_images(f"s{c}"), x)
    sib = Results(tmp_path / "reduced" / "b", "reduced", chapter="toy")
    assert torch.equal(sib.load_images("s3", arm="a").float().mean(), res.load_images("s3").float().mean())
    assert sib.load_images("missing", arm="a") is None
    with pytest.raises(ValueError, match="uint8"):
        res.save_images("bad", torch.zeros(2, 3, 4, 4))
    v = np.random.default_rng(0).normal(size=300)
    res.save_values("v", v)
    back = res.load_values("v")
    assert back.shape == (300,) and np.allclose(back, v, rtol=1e-4, atol=1e-8)
    assert res.load_values("nothing") is None


def test_a_book_outside_the_repository_leaves_its_toc_alone(toy_root, tmp_path, monkeypatch):
    from genrep.report.book import write_site_pages

    toc = toy_root / "_toc.yml"
    toc.write_text("# the repository's own table of contents\n")
    monkeypatch.setenv("GENREP_BOOK", str(tmp_path / "elsewhere" / "book"))
    written = write_site_pages()
    assert toc.read_text() == "# the repository's own table of contents\n"
    assert (tmp_path / "elsewhere" / "book" / "intro.md") in written and toc not in written
    monkeypatch.setenv("GENREP_BOOK", str(toy_root / "book"))
    assert toc in write_site_pages() and "book/intro" in toc.read_text()


def test_each_claim_row_links_to_its_own_evidence(toy_root):
    from genrep.report.book import write_site_pages

    res_dir = toy_root / "results" / "toy" / "budget" / "02_summary"
    Results(res_dir, "budget", "toy").write_checks(
        [Check("a", "p", True, "budget", claim_id="a"), Check("b", "p", False, "budget", claim_id="b")]
    )
    book = toy_root / "book" / "toy"
    book.mkdir(parents=True)
    (book / "published.json").write_text(json.dumps({"tier": "budget", "arms": []}))
    write_site_pages()
    landing = (book / "index.md").read_text()
    links = [x.split('"')[0] for x in landing.split('href="')[1:] if "#evidence-" in x.split('"')[0]]
    assert links == ["02_summary.html#evidence-a", "02_summary.html#evidence-b"], links  # one target per claim


# --- per-seed runs of a summary (genrep.report.seeds) -----------------------------------------------------------


def _runs(vals_a, vals_b, d=0.4):
    from genrep.report.seeds import SeededRuns

    res = {f"A-s{i}": {"scores": {"x": {"mifid": v, "fd": v - 1, "distance": d}}} for i, v in enumerate(vals_a)}
    res.update({f"B-s{i}": {"scores": {"x": {"mifid": v, "fd": v - 1, "distance": d}}} for i, v in enumerate(vals_b)})
    return SeededRuns(res, "x")


def test_seeded_runs_read_arms_seeds_and_means():
    from genrep.report.seeds import split_key

    r = _runs([10.0, 12.0, 11.0], [20.0])
    assert r.arms() == ["A", "B"] and r.n_seeds("A") == 3 and r.n_seeds("C") == 0
    assert r.mean("A") == 11.0 and r.mean("C") is None and r.values("B", "fd") == [19.0]
    assert r.spread("A").startswith("95 % CI over 3 seeds [") and r.spread("B") == ""
    assert split_key("S1-BS32-TOPK-s12") == ("S1-BS32-TOPK", 12)
    with pytest.raises(ValueError, match="not '<arm>-s<seed>'"):
        _runs([1.0], [2.0]).__class__({"nokey": {}}, "x")


def test_seeded_direction_turns_decided_as_seeds_are_added():
    one = _runs([10.0], [20.0]).direction("A", "B")
    assert one.ok is True and one.decision == "inconclusive" and one.metric == "mifid"
    three = _runs([10.0, 11.0, 10.5], [20.0, 21.0, 19.5]).direction("A", "B")
    assert three.decision == "replicated" and three.comparison.interval[1] < 0
    wrong = _runs([20.0, 21.0, 19.5], [10.0, 11.0, 10.5]).direction("A", "B")
    assert wrong.decision == "not replicated"
    noisy = _runs([10.0, 30.0, 5.0], [12.0, 28.0, 9.0]).direction("A", "B")
    assert noisy.decision == "inconclusive" and noisy.comparison.method.startswith("paired")
    # seeds that move both arms together: unpaired it is noise, paired the steady gap of 1 decides
    shared = _runs([10.0, 30.0, 50.0, 20.0], [11.0, 31.0, 51.2, 20.9])
    assert shared.direction("A", "B").decision == "replicated"
    assert shared.direction("A", "B", paired=False).decision == "inconclusive"
    assert "Welch" in shared.direction("A", "B", paired=False).comparison.method
    assert shared.compare("A", "B", "fd", expect=">").decision == "not replicated"
    for k in shared.results:  # a run-level number beside the scores
        shared.results[k]["change_mean"] = 0.1 if k.startswith("A") else 0.3
    assert shared.values("A", "change_mean") == [0.1] * 4
    penalised = _runs([10.0, 11.0, 10.5], [20.0, 21.0, 19.5], d=0.05).direction("A", "B")
    assert penalised.metric == "fd"  # MiFID is a ratio FD/d once the penalty fires


def test_seed_dots_draws_every_seed_and_an_interval():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from genrep.report.seeds import seed_dots

    fig, ax = plt.subplots()
    seed_dots(ax, {"A": [1.0, 2.0, 3.0], "B": [4.0]}, "MiFID")
    assert sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets")) >= 4
    assert [t.get_text() for t in ax.get_xticklabels()] == ["A", "B"]
    plt.close(fig)


def test_one_strip_format_reads_older_strips_and_keeps_aspect(tmp_path):
    """Results.save_images and save_strip write one format; strips written before it (RGB, 'strip_n') still load."""
    import torch
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    from genrep.report.strips import load_strip, save_strip

    x = torch.randint(0, 256, (4, 3, 8, 8), dtype=torch.uint8)
    info = PngInfo()
    info.add_text("strip_n", "4")
    Image.fromarray(x.permute(2, 0, 3, 1).reshape(8, 32, 3).numpy()).save(tmp_path / "old.png", pnginfo=info)
    assert torch.equal(load_strip(tmp_path / "old.png"), x)
    wide = torch.randint(0, 256, (2, 1, 20, 40), dtype=torch.uint8)
    assert load_strip(save_strip(tmp_path / "w.png", wide, max_side=10)).shape == (2, 1, 5, 10)
    assert torch.equal(load_strip(save_strip(tmp_path / "f.png", wide.numpy(), max_side=None)), wide)


def test_only_decided_claims_count_and_sanity_checks_pass_or_fail():
    from genrep.report import counted
    from genrep.report.tables import sanity_result

    assert counted("claim", "replicated") and counted("claim", "inconclusive")
    assert not counted("claim", "not testable at this tier") and not counted("sanity", "pass")
    with pytest.raises(ValueError, match="valid kinds"):
        counted("note", "replicated")
    assert sanity_result(True, "reduced") == "pass" and sanity_result(False, "cpu") == "fail"  # reduced too
    assert sanity_result(None, "cpu") == "not run" and sanity_result(True, "cpu", min_tier="full") == "not run"
    sane = Check("params", "", True, "reduced", kind="sanity", claim_id="params", value="3576704")
    assert sane.verdict == "pass" and not sane.counted and sane.outcome is None
    assert sane.to_dict()["kind"] == "sanity" and sane.to_dict()["value"] == "3576704"
    with pytest.raises(ValueError, match="no three-way decision"):
        Check("params", "", None, "cpu", kind="sanity", decision="replicated")


def test_saved_bootstrap_replicates_decide_a_named_test():
    from genrep.report import non_inferiority_bootstrap
    from genrep.report.intervals import boot_difference, compare_boot

    rng = np.random.default_rng(0)
    real = rng.normal(0, 0.3, 100)  # the shared real-side part of each replicate
    a = {"value": 10.0, "boot": (10.0 + real + rng.normal(0, 0.05, 100)).tolist(), "n_fake": 500}
    b = {"value": 10.2, "boot": (10.2 + real + rng.normal(0, 0.05, 100)).tolist(), "n_fake": 500}
    c = compare_boot(a, b, "<")
    assert c.test == "superiority" and c.decision == "replicated" and c.n == (500, 500) and c.p < 0.025
    value, reps, n = boot_difference(a, b)
    assert value == pytest.approx(-0.2) and n == (500, 500)
    ni = non_inferiority_bootstrap(value, boot=reps, n=n, margin=0.5)
    assert ni.decision == "replicated" and ni.test == "non-inferiority" and ni.margin == 0.5
