"""The committed reduced-tier results are the ones the current code makes.

``make test`` executes each notebook once (``genrep test-notebooks``); the other arms of a notebook (the same
code with other parameters) are not executed there, and the summaries read their committed results. This test
is what keeps that honest: every committed reduced arm must be a cache hit under the current notebooks,
parameters and library, i.e. ``make replicate`` produced it from this code. After a change, run
``make replicate CHAPTER=<chapter>`` (reduced) and commit the results.
"""

import json

import pytest

from genrep.runner.cache import KEY_SCHEME, file_hash, full_key
from genrep.runner.chapters import list_chapters, load_chapter
from genrep.runner.replicate import arm_base_key, arm_paths, stale_arms


@pytest.mark.parametrize("chapter", list_chapters())
def test_committed_reduced_results_are_current(chapter):
    arms = load_chapter(chapter).plan("reduced")
    missing = [a.id for a in arms if not (arm_paths(a)[0] / "run.json").is_file()]
    assert not missing, f"{chapter}: no committed reduced results for {missing}"
    stale = stale_arms(arms)
    assert not stale, (
        f"{chapter}: committed reduced results are stale; run `make replicate CHAPTER={chapter}` and commit "
        f"results/ and book/: {json.dumps(stale, indent=1)}"
    )


def _record_current_results(arms, manifest):
    """run.json files that make every arm a cache hit under the code as it is now, as replicate writes them."""
    keys = {}
    for arm in arms:
        base = arm_base_key(arm, arms, keys, {"manifest": manifest})
        imports = {"genrep/report/results.py": file_hash("genrep/report/results.py")}
        keys[arm.id] = full_key(base, imports)
        res = arm_paths(arm)[0]
        res.mkdir(parents=True, exist_ok=True)
        rec = {
            "status": "ok",
            "key_scheme": KEY_SCHEME,
            "base_key": base,
            "imports": imports,
            "cache_key": keys[arm.id],
        }
        (res / "run.json").write_text(json.dumps({**rec, "data": {"manifest": manifest}}))


def test_stale_arms_follow_notebooks_and_parameters_not_the_staged_data(toy_root):
    arms = load_chapter("toy").plan("reduced")
    _record_current_results(arms, manifest="recorded-elsewhere")  # not this machine's staged data
    assert stale_arms(arms) == {}

    more_steps = load_chapter("toy").plan("reduced", overrides={"steps": "61"})
    assert set(stale_arms(more_steps)) == {a.id for a in arms}  # 02_summary depends on 01_train's key

    nb = toy_root / "chapters" / "toy" / "02_summary.py"
    nb.write_text(nb.read_text() + "\n# %%\nprint('edited')\n")
    assert set(stale_arms(load_chapter("toy").plan("reduced"))) == {"02_summary"}
