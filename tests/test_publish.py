"""Executed notebooks cleaned for readers (issue 13 item 7): no machine path, no progress-bar residue."""

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from genrep.report.publish import clean_file, clean_notebook, clean_stderr, find_residue, relativize

REPO = Path(__file__).resolve().parents[1]
ROOT = Path("/work/main")  # the repository root of the machine that "ran" the synthetic notebook

SITE = "/work/main/.venv/lib/python3.11/site-packages"
TQDM_IMPORT = (
    f"{SITE}/tqdm/auto.py:21: TqdmWarning: IProgress not found. Please update jupyter and "
    "ipywidgets. See https://ipywidgets.readthedocs.io/en/stable/user_install.html\n"
    "  from .autonotebook import tqdm as notebook_tqdm\n"
)
RANK = (
    "/work/main/lib/genrep/metrics/sampling.py:61: UserWarning: 128 samples < 192 feature dims: the "
    "covariance is rank-deficient and the Fréchet distance is biased upward\n"
    "  out['fd'] = fid_from_features(fr, fg)\n"
)
CELL_WARNING = (
    "/tmp/ipykernel_30084/2273655666.py:28: UserWarning: cifar10: using a procedural stand-in "
    "(128 images)\n  train = load_or_standin(dataset, 'train', size=size)\n"
)
TORCH_INTERNAL = (
    "/work/main/lib/genrep/control/losses.py:34: UserWarning: Using padding='same' with even "
    "kernel lengths and odd dilation may require a zero-padded copy of the input be created "
    "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/Convolution.cpp:1135"
    ".)\n"
    "  return F.conv2d(x, k, padding='same', groups=c)\n"
)
BARS = [
    "\rDCGAN:   0%|          | 0/24 [00:00<?, ?step/s]",
    "\rDCGAN:  50%|█████     | 12/24 [00:03<00:03,  3.9step/s, d_loss=0.61, g_loss=2.1]",
    "\rDCGAN: 100%|██████████| 24/24 [00:06<00:00,  3.9step/s, d_loss=0.55, g_loss=2.3]",
    "\n",
]


def dirty_notebook():
    code = new_code_cell(
        "x = train()",
        outputs=[
            new_output("stream", name="stderr", text=TQDM_IMPORT),
            *[new_output("stream", name="stderr", text=b) for b in BARS],
            new_output("stream", name="stderr", text=RANK + CELL_WARNING + TORCH_INTERNAL),
            new_output("stream", name="stdout", text="saved /work/main/results/toy/reduced/01/fig.png\nFD = 1.5\n"),
            new_output(
                "display_data",
                data={
                    "text/plain": "PosixPath('/home/alice/genrep/results/toy/x.csv')",
                    "image/png": "iVBORw0KGgo/work/AAAA",
                },
            ),
            new_output(
                "error",
                ename="ValueError",
                evalue="bad file /root/data/x.npz",
                traceback=["File /work/main/lib/genrep/data/loaders.py:67, in load()"],
            ),
        ],
    )
    nb = new_notebook(cells=[new_markdown_cell("# Toy"), code])
    nb.metadata["papermill"] = {"input_path": "/work/main/runs/toy/reduced/01.input.ipynb"}
    return nb


def outputs(nb):
    return nb.cells[1].outputs


def test_a_dirty_notebook_fails_the_scan():
    found = find_residue(dirty_notebook())
    text = "\n".join(found)
    for needle in ("/work/main/lib", "/tmp/ipykernel", "TqdmWarning", "0/24", "/home/alice", "/root/data", "metadata"):
        assert needle in text, needle


def test_clean_notebook_removes_paths_and_progress_and_keeps_what_readers_need():
    nb = dirty_notebook()
    clean = clean_notebook(nb, root=ROOT)
    assert find_residue(clean) == [], find_residue(clean)
    assert find_residue(nb), "clean_notebook must not modify its argument"
    outs = outputs(clean)
    streams = [(o.name, o.text) for o in outs if o.output_type == "stream"]
    stdout = "".join(t for n, t in streams if n == "stdout")
    assert not [t for n, t in streams if n == "stderr"], "nothing of the stderr should be left"
    # warnings a reader needs: one sentence each, no path, no line number, no source line
    assert (
        "Note: 128 samples < 192 feature dims: the covariance is rank-deficient and the Fréchet "
        "distance is biased upward\n"
    ) in stdout
    assert "Note: cifar10: using a procedural stand-in (128 images)\n" in stdout
    assert "fid_from_features" not in stdout and "load_or_standin" not in stdout and ".py:" not in stdout
    # warnings about the software are dropped
    assert "IProgress" not in stdout and "padding" not in stdout and "Triggered" not in stdout
    assert "%|" not in stdout
    # other text keeps its content with relative paths
    assert "saved results/toy/reduced/01/fig.png\nFD = 1.5\n" in stdout
    disp = next(o for o in outs if o.output_type == "display_data")
    assert disp.data["text/plain"] == "PosixPath('results/toy/x.csv')"
    assert disp.data["image/png"] == "iVBORw0KGgo/work/AAAA", "binary data is never rewritten"
    err = next(o for o in outs if o.output_type == "error")
    assert err.evalue == "bad file data/x.npz"
    assert err.traceback == ["File lib/genrep/data/loaders.py:67, in load()"]
    assert clean.metadata.papermill.input_path == "runs/toy/reduced/01.input.ipynb"
    assert clean.cells[1].source == "x = train()"
    nbformat.validate(clean)


def test_clean_notebook_is_idempotent():
    once = clean_notebook(dirty_notebook(), root=ROOT)
    assert nbformat.writes(clean_notebook(once, root=ROOT)) == nbformat.writes(once)


def test_clean_stderr_keeps_plain_messages_and_drops_carriage_return_refreshes():
    rest, notes = clean_stderr(
        "loading...\rtrain: 12it [00:01, 9.5it/s]\rtrain: 24it [00:02, 9.6it/s]\na message that is not a bar\n",
        root=ROOT,
    )
    assert rest == "loading...\na message that is not a bar\n" and notes == []


def test_duplicate_warnings_in_one_output_become_one_note():
    _, notes = clean_stderr(RANK + RANK, root=ROOT)
    assert len(notes) == 1


@pytest.mark.parametrize(
    "text, expected",
    [
        ("/work/main/lib/genrep/flows/preprocess.py:79", "lib/genrep/flows/preprocess.py:79"),
        ("cwd is /work/main", "cwd is ."),
        ("/home/bob/src/genrep/results/a/b.png", "results/a/b.png"),  # another checkout
        ("/tmp/tmpab12/cache.npz", "cache.npz"),
        ("/usr/lib/python3.11/site-packages/torch/nn/functional.py", "torch/nn/functional.py"),
        ("see https://example.org/tmp/x and 3/4", "see https://example.org/tmp/x and 3/4"),
    ],
)
def test_relativize(text, expected):
    assert relativize(text, root=ROOT) == expected


def test_clean_file_writes_a_clean_copy(tmp_path):
    src, dest = tmp_path / "run.ipynb", tmp_path / "book" / "ch" / "01.ipynb"
    nbformat.write(dirty_notebook(), src)
    assert clean_file(src, dest, root=ROOT)
    assert find_residue(nbformat.read(dest, as_version=4)) == []
    assert find_residue(nbformat.read(src, as_version=4)), "the source stays as it ran"
    assert not clean_file(dest, root=ROOT), "a clean notebook is left byte for byte"


def test_book_pages_clean_the_notebooks(toy_root):
    from genrep.report.book import write_site_pages

    path = toy_root / "book" / "toy" / "01_train.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(dirty_notebook(), path)
    written = write_site_pages()
    assert path in written
    assert find_residue(nbformat.read(path, as_version=4)) == []


def test_library_progress_bars_do_not_use_tqdm_auto():
    """tqdm.auto prints 'TqdmWarning: IProgress not found' (or a widget) in every executed notebook."""
    offenders = [
        str(p.relative_to(REPO))
        for p in (REPO / "lib" / "genrep").rglob("*.py")
        if "tqdm.auto" in p.read_text().replace("not tqdm.auto", "")
    ]
    assert not offenders, offenders


BOOK_NOTEBOOKS = sorted((REPO / "book").rglob("*.ipynb"))
BOOK_IDS = [str(p.relative_to(REPO / "book")) for p in BOOK_NOTEBOOKS]


@pytest.mark.parametrize("path", BOOK_NOTEBOOKS, ids=BOOK_IDS)
def test_published_notebook_has_no_machine_path_or_progress_residue(path):
    found = find_residue(nbformat.read(path, as_version=4))
    assert not found, (
        f"{path.relative_to(REPO)} shows {len(found)} machine path(s) or progress residue, "
        f"e.g. {found[:3]}; clean it with `python -m genrep book --pages-only`"
    )


def test_large_photo_grids_are_stored_as_jpeg_on_the_page_and_plots_stay_png():
    import base64
    import io

    import numpy as np
    from PIL import Image

    from genrep.report.publish import _shrink_image

    def png_of(arr):
        buf = io.BytesIO()
        Image.fromarray(arr).save(buf, "PNG")
        return base64.b64encode(buf.getvalue()).decode()

    rng = np.random.default_rng(0)
    photo = (rng.normal(128, 40, (400, 400, 3)).clip(0, 255)).astype(np.uint8)  # noisy, like a sample grid
    data = {"image/png": png_of(photo), "text/plain": "<Figure>"}
    assert _shrink_image(data) and "image/png" not in data and data["image/jpeg"]
    assert Image.open(io.BytesIO(base64.b64decode(data["image/jpeg"]))).size == (400, 400)
    assert not _shrink_image(data), "idempotent"
    plot = np.full((300, 300, 3), 255, np.uint8)
    plot[100:110] = 0
    small = {"image/png": png_of(plot)}
    assert not _shrink_image(small) and "image/png" in small


def test_thin_png_palettes_big_figures_only(tmp_path):
    import numpy as np
    from PIL import Image

    from genrep.report.publish import thin_figures, thin_png

    rng = np.random.default_rng(0)
    # a photo-like figure: smooth colour fields with noise compress poorly as RGB PNG
    yy, xx = np.mgrid[0:300, 0:400]
    base = np.stack([(xx / 400 * 255), (yy / 300 * 255), ((xx + yy) / 700 * 255)], -1)
    img = np.clip(base + rng.normal(0, 25, base.shape), 0, 255).astype(np.uint8)
    big = tmp_path / "sub" / "grid.png"
    big.parent.mkdir()
    Image.fromarray(img).save(big)
    small = tmp_path / "plot.png"
    Image.fromarray(img[:20, :20]).save(small)
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not a png" * 20_000)
    before = big.stat().st_size
    assert before > 100_000
    assert thin_figures(tmp_path) == 1
    assert big.stat().st_size <= 2 * before // 3
    with Image.open(big) as im:
        assert im.size == (400, 300) and im.mode == "P"
        err = np.abs(np.asarray(im.convert("RGB"), float) - img).mean()
    assert err < 20  # a palette, not a different picture
    small_bytes = small.read_bytes()
    assert thin_png(small, min_bytes=0) in (True, False) and Image.open(small).size == (20, 20)
    assert thin_png(small) is False  # under the default size threshold: untouched
    thin_figures(tmp_path)
    assert Image.open(small).size == (20, 20) and (small.read_bytes() == small_bytes or Image.open(small).mode == "P")
    assert junk.read_bytes().startswith(b"not a png")  # unreadable: kept as it was
    assert thin_png(big) is False  # already thin: nothing more to gain


def test_summary_pages_fold_code_render_claims_and_anchor_evidence(tmp_path, monkeypatch):
    """A notebook that writes checks.json: code folded (hide-input), the claims table rendered from checks.json
    with a row per claim, an evidence anchor before the cell naming each claim; figures get caption and alt."""
    import json

    from genrep.report.publish import present_notebook

    monkeypatch.setenv("GENREP_ROOT", str(tmp_path))
    rd = tmp_path / "results" / "toy" / "cpu" / "02_summary"
    rd.mkdir(parents=True)
    checks = [
        {
            "claim": "A beats B",
            "paper": "1.0 vs 2.0",
            "claim_id": "a_beats_b",
            "verdict": "replicated",
            "ours": {"difference": -0.123456789, "x": None},
            "interval": [-0.2, -0.05],
        },
        {"claim": "C is NaN-free", "paper": "yes", "claim_id": "c_ok", "verdict": "inconclusive", "ours": {}},
        {"kind": "sanity", "id": "files", "text": "files exist", "ok": True, "value": 3},
    ]
    (rd / "checks.json").write_text(json.dumps({"checks": checks}))
    png = new_output("display_data", data={"image/png": "iVBORw0KGgo="})
    nb = new_notebook(
        cells=[
            new_markdown_cell("## Fig. 2: the comparison"),
            new_code_cell('s.decide("a_beats_b", ...)', outputs=[png]),
            new_code_cell("s.finish()", outputs=[new_output("execute_result", data={"text/plain": "frame"})]),
        ]
    )
    nb.metadata["papermill"] = {"parameters": {"results_dir": "results/toy/cpu/02_summary", "tier": "cpu"}}
    nb.metadata["genrep_notebook"] = "02_summary"
    present_notebook(nb, "toy")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all("hide-input" in c.metadata["tags"] for c in code)
    html = code[-1].outputs[-1]["data"]["text/html"]
    assert 'id="claim-a-beats-b"' in html and 'id="claim-c-ok"' in html and "−0.1235" in html
    assert "None" not in html and "nan" not in html.lower().replace("nan-free", "")
    evidence = [c for c in nb.cells if "genrep-evidence" in c.metadata.get("tags", [])]
    assert [c.source.count("<span") for c in evidence] == [1, 1]  # a_beats_b before its cell, c_ok before finish
    assert nb.cells.index(evidence[0]) == nb.cells.index(code[0]) - 1
    fig = code[0].metadata["mystnb"]
    assert fig["figure"]["caption"].startswith("Fig. 2: the comparison") and "cpu tier" in fig["figure"]["caption"]
    assert fig["image"]["alt"] and "iVBOR" not in fig["image"]["alt"]
    before = nbformat.writes(nb)
    present_notebook(nb, "toy")
    assert nbformat.writes(nb) == before, "presentation is idempotent"
