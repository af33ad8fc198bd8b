"""Arms as Ray tasks: ``genrep replicate CHAPTER --executor ray`` (``make replicate ... EXECUTOR=ray``).

The runner's own loop stays in charge: it decides from the cache what runs, starts an arm once its
upstream arms are ok, and finishes each arm exactly as a local run does (cache key, atomic swap, failure
record, book). Only the execution of the notebook moves to a Ray task:

* the task asks for one GPU when the cluster has GPUs and the arm may use one (its ``device`` parameter is
  not ``cpu``), otherwise for one CPU;
* no shared filesystem is assumed for results: the driver ships the chapter's notebooks and the results
  of the tier's other arms (what a summary reads) with the task, the worker runs the notebook in a scratch
  root, and the task returns the arm's results folder, executed notebook and import record, which the
  driver writes where a local run would have;
* data: the worker uses the driver's data folder when that path exists on it (the same machine, or shared
  storage); otherwise it stages the data into its own ``~/.cache/genrep/data`` from
  ``GENREP_DATA_SOURCE`` with ``genrep data``;
* checkpoints stay on the worker, in ``GENREP_RUNS`` when set (put it on shared storage and a resumed arm
  finds them on any worker), else in ``~/.cache/genrep/runs``. An evaluation arm that reads an upstream
  arm's checkpoints from ``runs/`` therefore needs ``GENREP_RUNS`` on shared storage on a multi-machine
  cluster.

``RAY_ADDRESS`` selects an existing cluster; without it a local Ray runtime starts. Ray is an optional
extra: ``pip install "genrep[ray]"``.
"""

from __future__ import annotations

import base64
import os
import tempfile
from pathlib import Path

from genrep.data import stage
from genrep.paths import data_dir, repo_root, runs_dir
from genrep.runner.execute import execute, imports_file

from .chapters import Arm, ConfigError

INSTALL_HINT = 'pip install "genrep[ray]"'
_WORKER_RUNS = os.environ.get("GENREP_RUNS")  # as the worker process started (tasks change os.environ)
EXECUTORS = ("local", "ray")


def require_ray():
    """The ``ray`` module, or a one-line error naming the install command."""
    try:
        import ray
    except ImportError:
        raise ConfigError(f"--executor ray needs Ray, which is not installed: {INSTALL_HINT}") from None
    return ray


def start(ray=None):
    """Connect to ``RAY_ADDRESS`` or start a local runtime (once per process)."""
    ray = ray or require_ray()
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS") or None
        kw = {} if address else {"num_cpus": os.cpu_count() or 1}
        ray.init(
            address=address,
            include_dashboard=False,
            logging_level="ERROR",
            log_to_driver=False,
            configure_logging=True,
            **kw,
        )
    return ray


def _pack(root: Path, rel_dirs: list[Path], hidden: bool = False) -> dict[str, str]:
    """Relative path -> base64 bytes of the files under ``root/rel`` (below ``rel``, hidden names are left
    out unless ``hidden``: the temporary folders of runs in progress)."""
    out = {}
    for rel in rel_dirs:
        base = root / rel
        if not base.is_dir():
            continue
        for p in sorted(base.rglob("*")):
            below = p.relative_to(base).parts
            if not p.is_file() or (not hidden and any(part.startswith(".") for part in below)):
                continue
            out[str(p.relative_to(root))] = base64.b64encode(p.read_bytes()).decode()
    return out


def _unpack(root: Path, files: dict[str, str]) -> None:
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(base64.b64decode(data))


def _worker_run(payload: dict) -> dict:
    """Runs on a Ray worker: the notebook in a scratch root; returns the arm's outputs as files."""
    import contextlib
    import io

    scratch = Path(tempfile.mkdtemp(prefix="genrep-ray-"))
    _unpack(scratch, payload["files"])
    (scratch / "pyproject.toml").touch()  # marks the scratch root as a project root
    env = {
        "GENREP_ROOT": str(scratch),
        "GENREP_CHAPTERS": str(scratch / "chapters"),
        "GENREP_RESULTS": str(scratch / "results"),
        "GENREP_BOOK": str(scratch / "book"),
    }
    data = Path(payload["data_dir"])
    stage_here = not data.is_dir()  # no shared storage: this worker's own copy, from GENREP_DATA_SOURCE
    if stage_here:
        data = Path(os.environ.get("GENREP_DATA_LOCAL", Path.home() / ".cache" / "genrep" / "data"))
    env["GENREP_DATA"] = str(data)
    for k, v in payload.get("env", {}).items():
        env.setdefault(k, v)
    # checkpoints: GENREP_RUNS, else the driver's runs/ when this worker sees it, else a folder of this
    # worker's; the scratch root's runs/ points there, so the notebook's relative runs_dir lands in it
    runs = Path(
        _WORKER_RUNS
        or (payload["runs_dir"] if Path(payload["runs_dir"]).is_dir() else Path.home() / ".cache" / "genrep" / "runs")
    )
    runs.mkdir(parents=True, exist_ok=True)
    (scratch / "runs").symlink_to(runs, target_is_directory=True)
    env["GENREP_RUNS"] = str(runs)
    os.environ.update(env)
    log = io.StringIO()
    if stage_here and os.environ.get("GENREP_DATA_SOURCE"):
        with contextlib.redirect_stdout(log):
            stage(names=None, progress=False)
    arm: Arm = payload["arm"]
    arm.notebook.path = scratch / payload["notebook_rel"]
    output = scratch / payload["executed_rel"]
    with contextlib.redirect_stderr(log):
        ok, err, secs = execute(arm, payload["injected"], output, live=False, shown=payload["shown"])
    files = _pack(scratch, [Path(payload["results_rel"])], hidden=True)
    for p in (output, imports_file(output)):
        if p.is_file():
            files[str(p.relative_to(scratch))] = base64.b64encode(p.read_bytes()).decode()
    import shutil

    shutil.rmtree(scratch / "chapters", ignore_errors=True)
    shutil.rmtree(scratch / "results", ignore_errors=True)
    return {"ok": ok, "err": err, "secs": secs, "files": files, "node": os.uname().nodename}


def wants_gpu(arm: Arm, ray) -> bool:
    return str(arm.params.get("device", "auto")) != "cpu" and ray.cluster_resources().get("GPU", 0) >= 1


def execute_on_ray(arm: Arm, injected: dict, shown: dict, output: Path, tmp_res: Path) -> tuple[bool, str, float]:
    """Run ``arm`` as a Ray task; write what it returns to ``tmp_res`` and ``output`` (and the import record
    beside it) as :func:`genrep.runner.execute.execute` would have. Returns (ok, error, seconds)."""

    ray = start()
    root = repo_root()
    files = {}
    for rel, data in _pack(arm.notebook.path.parent.parent, [Path(arm.notebook.path.parent.name)]).items():
        files[str(Path("chapters") / rel)] = data
    tier_dir = tmp_res.parent
    files.update(
        {
            str(Path("results") / arm.chapter / arm.tier / k.split("/", 1)[1]): v
            for k, v in _pack(tier_dir.parent, [Path(tier_dir.name)]).items()
        }
    )
    results_rel = Path(injected["results_dir"])
    payload = {
        "arm": arm,
        "injected": injected,
        "shown": shown,
        "files": files,
        "notebook_rel": str(Path("chapters") / arm.chapter / arm.notebook.path.name),
        "executed_rel": str(output.relative_to(root)) if output.is_relative_to(root) else f"runs/{output.name}",
        "results_rel": str(results_rel),
        "data_dir": str(data_dir()),
        "runs_dir": str(runs_dir()),
        "env": {k: v for k, v in os.environ.items() if k in ("GENREP_DATA_SOURCE", "GENREP_WEIGHTS")},
    }
    opts = {"num_gpus": 1, "num_cpus": 1} if wants_gpu(arm, ray) else {"num_cpus": 1}
    task = ray.remote(max_retries=0, **opts)(_worker_run)
    try:
        out = ray.get(task.remote(payload))
    except Exception as e:  # the worker died, or Ray could not schedule the task
        return False, f"Ray task failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", 0.0
    results_prefix = str(results_rel) + "/"
    for rel, data in out["files"].items():
        if rel.startswith(results_prefix):
            dest = tmp_res / rel[len(results_prefix) :]
        elif rel == payload["executed_rel"]:
            dest = output
        else:
            dest = output.with_name(Path(rel).name)  # the import record beside the executed notebook
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(base64.b64decode(data))
    return out["ok"], out["err"], out["secs"]
