"""Small pure decisions behind chapter checks that used to be unable to fail, or to lean one way (issue 13, item 5).

Each function returns the outcome of one check (``True`` / ``False`` / ``None`` = not comparable or not
testable) and, where the reason matters to a reader, a note that says why. They take plain numbers, so a
unit test can show each outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .tables import within

# --- dcgan_vae_cats -------------------------------------------------------------------------------------


def clip_bug_raises_fd(fd_clip: float, fd_denorm: float, min_rel: float = 0.05) -> bool:
    """Does the authors' clip-saving bug raise the distance by at least ``min_rel`` (relative to the correct
    de-normalisation)? A test of the bug's effect on the metric, not of a claim of the paper: clipping blacks out
    every pixel below mid-grey, so any generator with dark pixels shows it; it fails when the generator's outputs
    are (almost) all above mid-grey or the extractor is blind to the distortion."""
    return bool(fd_clip >= (1 + min_rel) * fd_denorm)


def normaliser_bias(images_used: int, files: int) -> float:
    """Relative bias of the authors' 'Average Loss' normaliser (summed loss over the images actually used,
    divided by all files) against the per-image mean: ``images_used / files − 1`` (−0.94 % for 87 of 9,303)."""
    return images_used / files - 1


def loss_within_if_comparable(
    paper: float, ours: float | None, rel: float, *, same_data: bool, bias: float = 0.0, data_note: str = ""
) -> tuple[bool | None, str]:
    """A 'loss within ±rel of the paper' check that is decided only when the two numbers measure the same thing:
    the same data (then the same normaliser's bias cancels) and a normaliser bias smaller than the tolerance.
    Returns (ok, note); ok is None when not comparable."""
    if ours is None:
        return None, "not run"
    if not same_data:
        shift = (
            f"; the authors' normaliser alone shifts our value by {100 * bias:+.2f} % against a "
            f"±{100 * rel:g} % tolerance"
            if bias
            else ""
        )
        return None, f"not comparable: other data than the paper's{f' ({data_note})' if data_note else ''}{shift}"
    if abs(bias) >= rel:
        return None, (
            f"not comparable: the normaliser's bias {100 * bias:+.2f} % is not below the ±{100 * rel:g} % tolerance"
        )
    return within(paper, ours, rel=rel), ""


# --- rectified_flow_cars ----------------------------------------------------------------------------------


def fd_floor_comparable(n_methods: Iterable[int], n_floor: int) -> tuple[bool, str]:
    """Can a real-vs-real FD 'floor' be set beside the methods' FDs? FD's bias is O(1/N), so only at equal N.
    Returns (comparable, note)."""
    ns = sorted({int(n) for n in n_methods})
    if ns == [int(n_floor)]:
        return True, f"floor and methods at N = {n_floor}"
    return False, (
        f"not comparable: floor at N = {n_floor}, methods at N = {', '.join(map(str, ns))} (FD's bias is O(1/N))"
    )


# --- cyclegan_monet ---------------------------------------------------------------------------------------


def judge_metric(distances: Iterable[float], eps: float = 0.1) -> str:
    """The metric that judges a comparison: MiFID unless the memorisation penalty fires (cosine distance d < eps)
    for one of the compared arms, which makes MiFID a ratio FD/d; then FD."""
    return "fd" if any(d < eps for d in distances) else "mifid"


def lower_on_own_metric(
    a: Sequence[Mapping[str, float]], b: Sequence[Mapping[str, float]], eps: float = 0.1
) -> tuple[bool | None, float | None, float | None, str | None]:
    """Is arm ``a`` lower than arm ``b``? ``a`` and ``b`` are the per-seed score dicts (mifid, fd, distance) of
    the two arms; the judging metric is chosen from these two arms only (:func:`judge_metric`). Returns
    (ok, mean a, mean b, metric); (None, None, None, None) when either arm did not run."""
    if not a or not b:
        return None, None, None, None
    judge = judge_metric([s["distance"] for s in (*a, *b)], eps)
    va = sum(s[judge] for s in a) / len(a)
    vb = sum(s[judge] for s in b) / len(b)
    return bool(va < vb), float(va), float(vb), judge
