"""Device rules that only a GPU enforces, checked on the CPU.

CUDA's random kernels refuse a generator of another device: ``torch.randn(..., generator=cpu_gen,
device="cuda")`` raises on a GPU and runs silently on a CPU, so a CPU-only test suite never sees it. Two checks:

* a scan of the library and the chapters for random draws that pass a ``generator`` together with a ``device``
  (or a ``*_like`` tensor) that may differ from the generator's: those go through ``genrep.runtime.randn`` /
  ``randint``, which draw on the generator's device and move the result;
* the samplers run under a mode that applies CUDA's rule to the ``meta`` device, with a CPU generator and meta
  tensors standing in for a GPU.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import torch
from torch.overrides import TorchFunctionMode

from genrep.paths import repo_root
from genrep.runtime import rand, randint, randn

RANDOM_FACTORIES = {"randn", "rand", "randint", "randperm", "normal"}
RANDOM_LIKE = {"randn_like", "rand_like", "randint_like"}


def _sources() -> list[Path]:
    root = repo_root()
    home = root / "lib" / "genrep" / "runtime" / "seed.py"  # the helpers themselves
    files = [*(root / "lib" / "genrep").rglob("*.py"), *(root / "chapters").rglob("*.py")]
    return sorted(p for p in files if p != home and "__pycache__" not in p.parts)


def _name(node: ast.AST) -> str:
    return ast.unparse(node)


def _device_follows_generator(call: ast.Call) -> bool:
    kw = {k.arg: k.value for k in call.keywords if k.arg}
    dev, gen = _name(kw["device"]), _name(kw["generator"])
    return dev in (f"{gen}.device", "generator.device")


def mixed_device_draws(path: Path) -> list[str]:
    """``file:line call`` of each random draw in ``path`` whose generator may live on another device than the
    tensor it makes."""
    tree = ast.parse(path.read_text(), filename=str(path))
    bad = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if _name(node.func.value) != "torch":
            continue
        kws = {k.arg for k in node.keywords}
        if "generator" not in kws:
            continue
        fn = node.func.attr
        if fn in RANDOM_LIKE or (fn in RANDOM_FACTORIES and "device" in kws and not _device_follows_generator(node)):
            bad.append(f"{path.relative_to(repo_root())}:{node.lineno} {_name(node)}")
    return bad


def test_no_random_draw_mixes_a_generator_with_another_device():
    bad = [b for p in _sources() for b in mixed_device_draws(p)]
    assert not bad, (
        "these draws fail on a GPU when the generator is a CPU one; use genrep.runtime.randn / randint "
        "(drawn on the generator's device, then moved):\n  " + "\n  ".join(bad)
    )


def test_the_scan_finds_the_pattern(tmp_path, monkeypatch):
    monkeypatch.setenv("GENREP_ROOT", str(tmp_path))
    p = tmp_path / "x.py"
    p.write_text(
        "import torch\n"
        "a = torch.randn(3, generator=g, device=dev)\n"  # flagged
        "b = torch.randn(3, generator=g, device=g.device).to(dev)\n"  # fine
        "c = torch.randn_like(x, generator=g)\n"  # flagged
        "d = torch.randn(3, device=dev)\n"  # fine: the global RNG of dev
    )
    assert [b.split(" ")[0] for b in mixed_device_draws(p)] == ["x.py:2", "x.py:4"]


class CudaGeneratorRule(TorchFunctionMode):
    """Raise, as CUDA does, when a random op gets a generator of another device than the tensor it fills."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        gen = kwargs.get("generator")
        if gen is not None:
            target = kwargs.get("device")
            if target is None:
                target = next((a.device for a in args if isinstance(a, torch.Tensor)), None)
            if target is not None and torch.device(target).type != gen.device.type:
                raise RuntimeError(
                    f"{getattr(func, '__name__', func)}: a {gen.device.type} generator for a "
                    f"{torch.device(target).type} tensor"
                )
        return func(*args, **kwargs)


def test_the_rule_catches_a_direct_draw():
    g = torch.Generator().manual_seed(0)
    with CudaGeneratorRule(), pytest.raises(RuntimeError, match="cpu generator for a meta tensor"):
        torch.randn(3, generator=g, device="meta")


def test_randn_draws_on_the_generators_device():
    g = torch.Generator().manual_seed(0)
    with CudaGeneratorRule():
        z = randn((2, 3), generator=g, device="meta")
        t = randint(0, 10, (4,), generator=g, device="meta")
        u = rand((5,), generator=g, device="meta")
    assert z.device.type == t.device.type == u.device.type == "meta" and z.shape == (2, 3) and t.shape == (4,)
    # on the CPU the numbers are torch's own, so CPU results do not change
    a = randn((2, 3), generator=torch.Generator().manual_seed(5), device="cpu")
    assert torch.equal(a, torch.randn(2, 3, generator=torch.Generator().manual_seed(5)))
    b = rand((4,), generator=torch.Generator().manual_seed(5), device="cpu")
    assert torch.equal(b, torch.rand(4, generator=torch.Generator().manual_seed(5)))
    assert randn((2,), device="cpu").device.type == "cpu"  # no generator: the global RNG


def test_samplers_take_a_cpu_generator_for_tensors_elsewhere():
    from genrep.diffusion.gaussian import GaussianDiffusion
    from genrep.losses.gaussian import reparameterize
    from genrep.models.vae import MLPVAE

    g = torch.Generator().manual_seed(0)
    with CudaGeneratorRule():
        vae = MLPVAE(image_shape=(1, 8, 8), hidden_dim=16, latent_dim=4).to("meta")
        assert vae.sample(3, generator=g, device="meta").device.type == "meta"
        mu = torch.zeros(3, 4, device="meta")
        assert reparameterize(mu, mu, generator=g).device.type == "meta"
        diff = GaussianDiffusion(T=3)
        diff_t = diff.sample_t(5, device="meta", generator=g)
        assert diff_t.device.type == "meta"
        x = diff.sample(lambda x, t: torch.zeros_like(x), (2, 1, 4, 4), device="meta", generator=g, progress=False)
        assert x.device.type == "meta"
