"""Every table, figure and ablation a chapter declares (``items:`` in chapter.yaml) is produced: its producer
notebook exists and, at each committed tier it claims, its file is in ``results/`` with values of ours."""

from __future__ import annotations

import pytest
import yaml

from genrep.paths import chapters_dir, results_dir
from genrep.report import coverage
from genrep.runner.chapters import ConfigError, list_chapters, load_chapter


def unproduced(chapter: str, root=None, results=None) -> list[str]:
    """What is wrong with the chapter's declared items: an empty list when every one is produced."""
    root, results = root or chapters_dir(), results or results_dir()
    ch = load_chapter(chapter, root)  # validates items: (keys, notebook names, tiers)
    committed = {p.name for p in (results / chapter).glob("*") if p.is_dir()}
    bad = []
    for it in ch.meta.get("items") or []:
        if "out_of_scope" in it or "missing" in it:
            continue
        if not (ch.dir / f"{it['notebook']}.py").exists():
            bad.append(f"{it['id']}: producer {it['notebook']}.py does not exist")
        for tier in it.get("tiers", []):
            if tier in committed and not coverage.produced(chapter, tier, it, results):
                where = f"{chapter}/{tier}/{it['notebook']}{'-' + it['arm'] if it.get('arm') else '[-*]'}/{it['file']}"
                bad.append(f"{it['id']}: no {where} with values at tier {tier}")
    return bad


@pytest.mark.parametrize("chapter", list_chapters())
def test_every_paper_item_is_produced(chapter):
    assert coverage.items(chapter), f"{chapter}: chapter.yaml declares no items:"
    problems = unproduced(chapter)
    assert not problems, f"{chapter}: " + "; ".join(problems)


def _copy_chapter(tmp_path, chapter: str, items: list[dict]):
    """A chapter folder under tmp_path with the real notebooks and tiers of ``chapter`` and the given items."""
    import shutil

    dst = tmp_path / "chapters" / chapter
    shutil.copytree(chapters_dir() / chapter, dst)
    meta = yaml.safe_load((dst / "chapter.yaml").read_text())
    meta["items"] = items
    (dst / "chapter.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True))
    return tmp_path / "chapters"


def test_the_check_fails_for_a_bogus_item(tmp_path):
    ch = "metrics"
    good = {"id": "T", "caption": "sample size", "notebook": "05_summary", "file": "t.csv", "tiers": ["cpu"]}
    results = tmp_path / "results"
    (results / ch / "cpu" / "05_summary").mkdir(parents=True)
    root = _copy_chapter(tmp_path, ch, [good])
    assert unproduced(ch, root, results) == ["T: no metrics/cpu/05_summary[-*]/t.csv with values at tier cpu"]
    # a table whose 'ours' column is empty is the tier's placeholder, not the item
    (results / ch / "cpu" / "05_summary" / "t.csv").write_text("row,column,paper,ours\na,b,1,\n")
    assert len(unproduced(ch, root, results)) == 1
    (results / ch / "cpu" / "05_summary" / "t.csv").write_text("row,column,paper,ours\na,b,1,2.5\n")
    assert unproduced(ch, root, results) == []
    # a tier without committed results is not checked; one with them is
    root = _copy_chapter(tmp_path / "b", ch, [{**good, "tiers": ["cpu", "reduced"]}])
    assert unproduced(ch, root, results) == []
    (results / ch / "reduced").mkdir()
    assert len(unproduced(ch, root, results)) == 1


@pytest.mark.parametrize(
    "item, message",
    [
        ({"id": "X", "caption": "c", "notebook": "99_nope", "file": "f.png", "tiers": ["cpu"]}, "unknown notebook"),
        ({"id": "X", "caption": "c", "notebook": "05_summary", "file": "f.png", "tiers": ["gpu"]}, "unknown tier"),
        ({"id": "X", "caption": "c", "notebook": "05_summary", "file": "f.png", "tiers": ["full"]}, "needs"),
        ({"id": "X", "caption": "c"}, "exactly one of"),
        ({"id": "X", "caption": "c", "missing": "m", "file": "f.png"}, "exactly one of"),
        ({"id": "X", "caption": "c", "missing": "m", "notebook": "05_summary"}, "names no producer"),
        ({"id": "X", "caption": "", "out_of_scope": "r"}, "caption must be non-empty"),
        ({"id": "X", "caption": "c", "out_of_scope": "r", "colour": 1}, "unknown key"),
        ({"id": "X", "caption": "c", "notebook": "05_summary", "file": "../f.png", "tiers": ["cpu"]}, "inside"),
    ],
)
def test_bad_items_are_refused_with_a_clear_error(tmp_path, item, message):
    root = _copy_chapter(tmp_path, "metrics", [item])
    with pytest.raises(ConfigError, match=message):
        load_chapter("metrics", root)


def test_duplicate_ids_are_refused(tmp_path):
    it = {"id": "X", "caption": "c", "out_of_scope": "r"}
    root = _copy_chapter(tmp_path, "metrics", [it, it])
    with pytest.raises(ConfigError, match="declared twice"):
        load_chapter("metrics", root)


def test_status_says_where_the_reader_finds_each_item(tmp_path):
    ch = "metrics"
    results = tmp_path / "results"
    for tier in ("reduced", "cpu"):
        (results / ch / tier / "02_disturbances-a").mkdir(parents=True)
    (results / ch / "reduced" / "02_disturbances-a" / "f.png").write_bytes(b"png")
    it = {"id": "F", "caption": "c", "notebook": "02_disturbances", "file": "f.png"}
    assert coverage.status(ch, {**it, "tiers": ["reduced", "cpu"]}, "reduced", results)[0] == coverage.AT_SHOWN
    kind, tier, text = coverage.status(ch, {**it, "tiers": ["reduced", "full"]}, "cpu", results)
    assert (kind, tier, text) == (coverage.LOWER, "reduced", "lower tier only (reduced); also at full")
    kind, _, text = coverage.status(ch, {**it, "tiers": ["full"], "needs": "CelebA"}, "cpu", results)
    assert kind == coverage.GPU_ONLY and text.endswith("needs CelebA")
    assert coverage.status(ch, {**it, "tiers": ["cpu"]}, "cpu", results)[0] == coverage.MISSING
    assert coverage.status(ch, {"id": "M", "caption": "c", "missing": "a model"}, "cpu", results)[2] == (
        "missing: needs a model"
    )


def test_coverage_table_is_html_in_the_column_style():
    html = coverage.coverage_table("controlling_generative_models", "cpu")
    assert 'class="genrep-claims genrep-coverage"' in html and "table-layout:fixed" in html
    assert "Table 5.1" in html and "missing: needs" in html
