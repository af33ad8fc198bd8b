"""``genrep status``: is what the book publishes the output of the code you have checked out?

For every arm of a chapter at a tier, one word and, where it is not ``current``, one line of why:

- ``current``: its committed ``run.json`` is a cache hit under the notebooks, parameters, library, data
  manifest and run environment as they are now (``make replicate`` would not run it again);
- ``stale``: something it was made from has changed since (the files or parameters are named);
- ``never run``: no results at this tier;
- ``failed`` / ``paused``: its last run did not finish (``last_failure.json``) and no earlier results exist;
- ``dirty``: current, but made from uncommitted sources (``--allow-dirty``), so no commit re-makes it —
  above ``reduced`` this counts against the tier like ``stale``.

Nothing executes: it reads ``run.json`` files and hashes source files, so it takes seconds. The exit code
is 1 when a tier that was checked is not wholly current (``--no-fail`` prints the same and exits 0).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from genrep.paths import repo_root, results_dir
from genrep.tiers import TIERS

from .chapters import Arm, list_chapters, load_chapter
from .replicate import _read_json, arm_paths, data_manifest, stale_arms

OK_STATES = ("current",)


@dataclass
class ArmStatus:
    arm: str
    state: str  # current | stale | never run | failed | paused | dirty
    why: str = ""


def _is_ancestor(commit: str, cache: dict) -> bool | None:
    if commit not in cache:
        try:
            r = subprocess.run(
                ["git", "merge-base", "--is-ancestor", commit, "HEAD"], cwd=repo_root(), capture_output=True, timeout=30
            )
            cache[commit] = {0: True, 1: False}.get(r.returncode)
        except (OSError, subprocess.SubprocessError):
            cache[commit] = None
    return cache[commit]


def arm_states(arms: list[Arm], ancestors: dict | None = None) -> list[ArmStatus]:
    """The state of each arm of one chapter and tier (see the module docstring)."""
    ancestors = {} if ancestors is None else ancestors
    stale = stale_arms(arms)
    out = []
    for arm in arms:
        res = arm_paths(arm)[0]
        rec = _read_json(res / "run.json")
        fail = _read_json(res / "last_failure.json")
        if arm.id in stale:
            if rec.get("status") != "ok":
                if fail.get("status") in ("failed", "paused", "interrupted"):
                    state = "paused" if fail["status"] == "paused" else "failed"
                    out.append(ArmStatus(arm.id, state, str(fail.get("error", ""))[:200]))
                elif (res / "run.json").exists():
                    out.append(ArmStatus(arm.id, "stale", "its run.json is unreadable or not ok"))
                else:
                    out.append(ArmStatus(arm.id, "never run"))
                continue
            out.append(ArmStatus(arm.id, "stale", stale[arm.id]))
            continue
        git = rec.get("git") or {}
        if git.get("dirty") and arm.tier != "reduced":
            files = ", ".join((git.get("dirty_files") or [])[:3])
            out.append(ArmStatus(arm.id, "dirty", f"made from uncommitted sources ({files}); see dirty.diff"))
            continue
        commit = git.get("commit")
        if commit and arm.tier != "reduced" and _is_ancestor(commit, ancestors) is False:
            out.append(ArmStatus(arm.id, "dirty", f"made at commit {commit[:10]}, which is not in this history"))
            continue
        out.append(ArmStatus(arm.id, "current"))
    return out


def tiers_with_results(chapter: str) -> list[str]:
    base = results_dir() / chapter
    return [t for t in TIERS if (base / t).is_dir() and any((base / t).glob("*/run.json"))]


def status(chapters: list[str] | None = None, tier: str | None = None, fail: bool = True, verbose: bool = True) -> int:
    """Print the state of every arm of ``chapters`` (default: all) at ``tier`` (default: every tier that has
    results); returns 1 when a checked tier is not wholly current and ``fail``, else 0."""
    if tier is not None and tier not in TIERS:
        from .chapters import _unknown

        raise _unknown("tier", tier, TIERS)
    chapters = chapters or list_chapters()
    for c in chapters:
        load_chapter(c)  # an unknown name stops here, with the list of chapters
    bad_tiers = []
    ancestors: dict = {}
    manifest = data_manifest()["manifest"]
    for c in chapters:
        ch = load_chapter(c)
        tiers = [tier] if tier else tiers_with_results(c)
        for t in tiers:
            if t not in ch.tiers():
                print(f"{c} / {t}: the chapter has no {t} tier")
                continue
            states = arm_states(ch.plan(t, check=False), ancestors)
            counts: dict[str, int] = {}
            for s in states:
                counts[s.state] = counts.get(s.state, 0) + 1
            ok = all(s.state in OK_STATES for s in states)
            summary = ", ".join(f"{n} {k}" for k, n in counts.items())
            print(f"{c} / {t}: {len(states)} arm(s): {summary}" + ("" if ok else "  <-- not current"), flush=True)
            if not ok:
                bad_tiers.append(f"{c}/{t}")
                if verbose:
                    for s in states:
                        if s.state not in OK_STATES:
                            print(f"    {s.arm:40s} {s.state}" + (f": {s.why}" if s.why else ""))
    if bad_tiers:
        print(
            f"\n{len(bad_tiers)} chapter tier(s) not current: {', '.join(bad_tiers)}. Re-make them with "
            f"`make replicate CHAPTER=<chapter> TIER=<tier>` and commit results/ and book/"
            f" (staged data manifest here: {manifest})."
        )
    return 1 if bad_tiers and fail else 0


def status_json(chapter: str, tier: str) -> list[dict]:
    """The states of one chapter and tier as plain dicts (for the book's reproduce box and tests)."""
    ch = load_chapter(chapter)
    return [s.__dict__ for s in arm_states(ch.plan(tier, check=False))]
