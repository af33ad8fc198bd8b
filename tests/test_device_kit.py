"""tools/device/kit.py: what a lent GPU machine is sent (tools/device/README.md)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from genrep.paths import repo_root


def _kit():
    path = repo_root() / "tools" / "device" / "kit.py"
    spec = importlib.util.spec_from_file_location("device_kit", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_wheels_the_device_already_has_are_left_out():
    kit = _kit()
    have = kit.present()
    assert {"torch", "numpy", "pyyaml", "tqdm", "jinja2"} <= have  # normalised names from present.txt
    assert not {"papermill", "nbformat", "ipykernel", "jupytext", "nbval"} & have  # what the kit must carry
    assert kit.wheel_name(Path("jupyter_client-8.10.0-py3-none-any.whl")) == "jupyter-client"
    assert kit.wheel_name(Path("PyYAML-6.0.4-cp312-cp312-manylinux2014_x86_64.whl")) == "pyyaml"


def test_the_tracked_tree_leaves_room_for_wheels_and_data():
    """A device call carries at most 64 MiB: the tracked tree, the wheels (about 5 MiB) and a data subset must fit,
    so the executed notebooks and results may not grow past 64 - 5 - 8 MiB."""
    s = _kit().carried_size([])
    assert s["tracked"] > 1 << 20  # the count saw the tree
    assert s["tracked"] <= (64 - 5 - 8) << 20, f"tracked files take {s['tracked'] / 2**20:.1f} MiB"


def _wheel(tmp_path: Path, name: str, requires: list[str]) -> Path:
    import zipfile

    w = tmp_path / f"{name}-1.0-py3-none-any.whl"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(w, "w") as z:
        z.writestr(f"{name}-1.0.dist-info/METADATA", meta)
    return w


def test_a_requirement_nobody_provides_is_named(tmp_path):
    kit = _kit()
    a = _wheel(tmp_path, "nb_runner", ["tornado>=6", "numpy", "colorama; sys_platform == 'win32'", "x; extra == 'dev'"])
    b = _wheel(tmp_path, "tornado", [])
    assert kit.unmet_requirements([a, b], {"numpy"}) == {}  # markers that do not hold on the device are skipped
    assert kit.unmet_requirements([a], {"numpy"}) == {a.name: ["tornado>=6"]}
