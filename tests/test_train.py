"""Tests of genrep.train: determinism, resume, signals, NaN guard, EMA, image pool, timing."""

from __future__ import annotations

import math
import os
import random
import runpy
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from genrep.train import (
    EMA,
    Checkpointer,
    CheckpointError,
    ImagePool,
    NonFiniteError,
    Stopwatch,
    Timer,
    TrainingInterrupted,
    amp_dtype,
    autocast,
    check_finite,
    count_params,
    format_seconds,
    rng_state,
    seed_everything,
    select_device,
    set_rng_state,
    setup_fast,
    throughput,
    timed,
    train_loop,
)


@pytest.fixture(autouse=True)
def _restore_global_torch_state():
    """seed_everything flips process-wide flags; put them back so other test files are unaffected.
    One intra-op thread: the models are tiny, and OpenMP threads spinning on a busy 2-core machine
    make each step ~100x slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    det = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    cudnn = (torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark)
    rng = rng_state()
    yield
    torch.use_deterministic_algorithms(det, warn_only=warn_only)
    torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = cudnn
    set_rng_state(rng)
    torch.set_num_threads(threads)


# --------------------------------------------------------------------------- a tiny training run


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(4 * 4 * 4, 1)

    def forward(self, x):
        h = self.drop(F.relu(self.bn(self.conv(x))))
        return self.head(h.flatten(1))


def make_run(init_seed=0, crash_at=None):
    """Model, optimizer, scheduler, EMA and pool, and a step_fn drawing from torch, numpy and python RNGs."""
    torch.manual_seed(init_seed)
    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=15, gamma=0.5)
    ema = EMA(model, decay=0.9, warmup=True)
    pool = ImagePool(3)

    def step_fn(step):
        if step == crash_at:
            raise RuntimeError("simulated crash")
        x = torch.randn(8, 1, 4, 4)
        y = x.mean((1, 2, 3))[:, None] + 0.1 * torch.randn(8, 1)
        loss = F.mse_loss(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        ema.update(model)
        pooled = pool.query(x[:2])
        return {"loss": loss, "pool": pooled.sum(), "np": np.random.rand() + random.random()}

    state = {"model": model, "opt": opt, "sched": sched, "ema": ema, "pool": pool}
    return state, step_fn


def assert_same_state(a: dict, b: dict):
    for key in ("model",):
        for (n, x), (_, y) in zip(a[key].state_dict().items(), b[key].state_dict().items(), strict=False):
            assert torch.equal(x, y), n
    for (n, x), (_, y) in zip(a["ema"].module.state_dict().items(), b["ema"].module.state_dict().items(), strict=False):
        assert torch.equal(x, y), "ema " + n
    assert len(a["pool"]) == len(b["pool"])
    for x, y in zip(a["pool"].images, b["pool"].images, strict=False):
        assert torch.equal(x, y)


def test_seed_everything_gives_bit_identical_cpu_runs():
    runs = []
    for seed in (0, 0, 1):
        seed_everything(seed)
        state, step_fn = make_run(init_seed=seed)
        runs.append((state, [step_fn(s) for s in range(25)]))
    (s0, h0), (s1, h1), (s2, h2) = runs
    assert [h["loss"].item() for h in h0] == [h["loss"].item() for h in h1]
    assert [h["np"] for h in h0] == [h["np"] for h in h1]
    assert_same_state(s0, s1)
    assert [h["loss"].item() for h in h0] != [h["loss"].item() for h in h2]
    assert torch.are_deterministic_algorithms_enabled()


def test_resume_after_crash_matches_unbroken_run(tmp_path, capsys):
    state_a, step_a = make_run()
    hist_a = train_loop(step_a, total_steps=40, state=state_a, log_every=3, progress=False, seed=7)
    assert [r["step"] for r in hist_a] == list(range(0, 40, 3))  # 39 is a multiple of 3 and the last step

    path = tmp_path / "run" / "train.ckpt"
    state_b, step_b = make_run(crash_at=23)
    with pytest.raises(RuntimeError, match="simulated crash"):
        train_loop(
            step_b,
            total_steps=40,
            state=state_b,
            checkpointer=Checkpointer(path, every_steps=10),
            log_every=3,
            progress=False,
            seed=7,
        )
    saved = Checkpointer(path).load()
    assert saved["step"] == 20 and not saved["complete"]
    assert not path.with_name("train.ckpt.tmp").exists()

    state_c, step_c = make_run(init_seed=123)  # a different init: everything must come from the checkpoint
    hist_c = train_loop(
        step_c,
        total_steps=40,
        state=state_c,
        checkpointer=Checkpointer(path, every_steps=10),
        log_every=3,
        progress=False,
        seed=7,
    )
    assert f"resumed from step 20 ({path})" in capsys.readouterr().out
    assert hist_c == hist_a
    assert_same_state(state_a, state_c)
    assert state_c["sched"].last_epoch == state_a["sched"].last_epoch == 40
    final = Checkpointer(path).load()
    assert final["step"] == 40 and final["complete"]

    # A complete checkpoint reloads the trained state without training again.
    state_d, _ = make_run(init_seed=5)
    hist_d = train_loop(
        lambda s: pytest.fail("must not train"),
        total_steps=40,
        state=state_d,
        checkpointer=Checkpointer(path),
        progress=False,
    )
    assert hist_d == hist_a
    assert_same_state(state_a, state_d)
    assert "already complete" in capsys.readouterr().out


def test_ctrl_c_finishes_the_step_saves_and_restores_handlers(tmp_path):
    before = signal.getsignal(signal.SIGINT)
    state, step_fn = make_run()
    steps_run = []

    def interrupted_step(step):
        out = step_fn(step)
        steps_run.append(step)
        if step == 6:
            os.kill(os.getpid(), signal.SIGINT)  # as if the user pressed Ctrl-C during this step
        return out

    ck = Checkpointer(tmp_path / "c.ckpt", every_steps=100)
    with pytest.raises(TrainingInterrupted, match="SIGINT") as info:
        train_loop(interrupted_step, total_steps=30, state=state, checkpointer=ck, progress=False)
    assert isinstance(info.value, KeyboardInterrupt)
    assert steps_run == list(range(7))
    assert ck.load()["step"] == 7
    assert signal.getsignal(signal.SIGINT) is before


SIGTERM_SCRIPT = """
import sys, time, torch
from torch import nn
from genrep.train import Checkpointer, seed_everything, train_loop

ckpt, out, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
torch.set_num_threads(1)
seed_everything(0)
model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Dropout(0.3), nn.Flatten(),
                      nn.Linear(64, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

def step_fn(step):
    x = torch.randn(8, 1, 4, 4)
    loss = (model(x) - x.mean((1, 2, 3))[:, None]).pow(2).mean()
    opt.zero_grad(); loss.backward(); opt.step()
    time.sleep(pause)
    return {"loss": loss}

checkpointer = Checkpointer(ckpt, every_steps=5) if ckpt != "-" else None
history = train_loop(step_fn, total_steps=40, state={"model": model, "opt": opt}, checkpointer=checkpointer,
                     log_every=1, progress=False, seed=1)
torch.save({"history": history, "params": model.state_dict()}, out)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_saves_and_resume_matches_unbroken_run(tmp_path, monkeypatch):
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(SIGTERM_SCRIPT))
    ckpt, out_ref, out = tmp_path / "t.ckpt", tmp_path / "ref.pt", tmp_path / "out.pt"

    def launch(*args):
        return subprocess.Popen(
            [sys.executable, str(script), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    victim = launch(ckpt, out, 0.03)
    monkeypatch.setattr(sys, "argv", ["train.py", "-", str(out_ref), "0"])
    runpy.run_path(str(script), run_name="__main__")  # the unbroken run, in this process meanwhile
    deadline = time.time() + 90
    while not ckpt.exists():
        assert victim.poll() is None, victim.communicate()
        assert time.time() < deadline, "no checkpoint appeared"
        time.sleep(0.02)
    victim.send_signal(signal.SIGTERM)
    _, err = victim.communicate(timeout=60)
    assert victim.returncode != 0
    assert "TrainingInterrupted" in err and "SIGTERM" in err
    saved = Checkpointer(ckpt).load()
    assert 5 <= saved["step"] < 40 and not saved["complete"]
    assert not out.exists()

    resumed = launch(ckpt, out, 0)
    res_out, res_err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, res_err
    assert f"resumed from step {saved['step']}" in res_out

    a, b = torch.load(out_ref, weights_only=False), torch.load(out, weights_only=False)
    assert len(b["history"]) == 40
    assert a["history"] == b["history"]
    for k in a["params"]:
        assert torch.equal(a["params"][k], b["params"][k]), k


# --------------------------------------------------------------------------- NaN guard


def test_check_finite():
    assert check_finite(1.5) == 1.5
    assert check_finite(torch.tensor(2.0)) == 2.0
    assert check_finite(torch.tensor([1.0, 3.0])) == 2.0
    with pytest.raises(NonFiniteError, match="loss became nan at step 123"):
        check_finite(float("nan"), step=123)
    with pytest.raises(NonFiniteError, match="d_loss became -inf"):
        check_finite(torch.tensor([1.0, -math.inf]), name="d_loss")
    expected = r"inf at step 4 \(lr=0\.001\).*ck\.pt \(step 3\).*learning rate"
    with pytest.raises(NonFiniteError, match=expected):
        check_finite(math.inf, step=4, lr=1e-3, checkpoint="ck.pt", checkpoint_step=3)


def test_train_loop_stops_at_nan_and_never_saves_it(tmp_path):
    model = nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)

    def step_fn(step):
        return {"loss": torch.tensor(float("nan") if step == 12 else 1.0), "acc": 0.5}

    ck = Checkpointer(tmp_path / "n.ckpt", every_steps=5)
    with pytest.raises(NonFiniteError) as info:
        train_loop(step_fn, total_steps=30, state={"model": model, "opt": opt}, checkpointer=ck, progress=False)
    msg = str(info.value)
    assert "loss became nan at step 12" in msg and "lr opt=0.1" in msg
    assert str(ck.path) in msg and "(step 10)" in msg
    assert ck.load()["step"] == 10


def test_a_dcgan_at_a_huge_learning_rate_stops_at_the_bce_clamp(tmp_path):
    """lr=1e6 saturates the discriminator: the losses sit at BCE's clamp (exactly 100) without ever being NaN;
    the loop names the value, the step it got stuck at, and says the checkpoint saved after that is no good."""
    from genrep.models.dcgan import DCGANDiscriminator, DCGANGenerator
    from genrep.models.init import init_normal
    from genrep.train import DivergedError
    from genrep.train.gan_step import dcgan_optimizers, dcgan_step

    torch.manual_seed(0)
    x = torch.rand(16, 3, 64, 64) * 2 - 1
    G, D = DCGANGenerator(nz=16, ngf=8), DCGANDiscriminator(ndf=8)
    G.apply(init_normal)
    D.apply(init_normal)

    def run(lr, ck):
        og, od = dcgan_optimizers(G, D, lr=lr, betas=(0.5, 0.999))

        def step(i):
            d, g, _ = dcgan_step(G, D, og, od, x, latent_dim=16)
            return {"d_loss": d, "g_loss": g}

        return train_loop(
            step, total_steps=120, state={"G": G, "D": D, "og": og, "od": od}, checkpointer=ck, progress=False
        )

    ck = Checkpointer(tmp_path / "gan.ckpt", every_minutes=None, every_steps=30)
    with pytest.raises(DivergedError) as info:
        run(1e6, ck)
    msg = str(info.value)
    assert "at binary cross-entropy's clamp for 25 checked steps" in msg and "lr og=1e+06" in msg
    since = int(msg.split("from step ")[1].split()[0])
    if ck.last_step is not None and ck.last_step > since:
        assert "saved after the trouble began" in msg
    # a sane learning rate never trips it
    G.apply(init_normal)
    D.apply(init_normal)
    assert len(run(2e-4, Checkpointer(tmp_path / "ok.ckpt", every_minutes=None))) > 0


def test_a_vae_whose_forward_overflows_names_the_layer_not_the_bce_message(tmp_path):
    """lr=1e6 leaves finite weights whose forward pass overflows: BCE rejects the NaN input with a
    RuntimeError before any loss exists. The loop replays the step with layer hooks and names the layer."""
    from genrep.losses.vae import vae_loss
    from genrep.models.vae import MLPVAE
    from genrep.train import DivergedError

    torch.manual_seed(0)
    x = torch.rand(8, 3, 16, 16)
    vae = MLPVAE(image_shape=(3, 16, 16), hidden_dim=64, latent_dim=4)

    def run(lr):
        opt = torch.optim.Adam(vae.parameters(), lr=lr)

        def step(i):
            xh, mu, lv = vae(x)
            loss, _, _ = vae_loss(xh, x, mu, lv)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return {"loss": loss}

        return train_loop(step, total_steps=20, state={"vae": vae, "opt": opt}, progress=False)

    with pytest.raises(
        DivergedError,
        match=r"step \d+ failed: the output of vae\.\S+ became non-finite.*"
        r"RuntimeError: all elements of input should be between 0 and 1",
    ):
        run(1e6)
    # an ordinary error of the user's own code is left as it is
    with pytest.raises(RuntimeError, match="^my bug$"):
        train_loop(
            lambda i: (_ for _ in ()).throw(RuntimeError("my bug")),
            total_steps=3,
            state={"m": nn.Linear(2, 2)},
            progress=False,
        )


def test_stuck_detector_needs_losses_on_the_clamp_lattice_long_enough():
    from genrep.train import DivergedError
    from genrep.train.guard import StuckDetector

    det = StuckDetector(patience=3)
    for step in range(10):  # constants beside real losses, and losses near 100 but off the lattice, pass
        det.update({"batch": 128.0, "lr": 2e-4, "loss": 100.0 + (step + 1) * 1.37e-3, "g": 0.0}, step)
    det.update({"d_loss": 100.0, "g_loss": 0.0}, 10)
    det.update({"d_loss": 99.731}, 11)  # one step off the clamp restarts the count
    with pytest.raises(
        DivergedError,
        match=r"d_loss=103\.125 at binary cross-entropy's clamp for 3 checked "
        r"steps, from step 12 to step 14",
    ):
        for step, d in zip(range(12, 20), (96.875, 100.0, 103.125, 100.0), strict=False):
            det.update({"d_loss": d, "g_loss": 3.125, "batch": 32.0}, step)


# --------------------------------------------------------------------------- Checkpointer


def test_checkpointer_roundtrip_due_and_remove(tmp_path):
    ck = Checkpointer(tmp_path / "a" / "x.ckpt", every_minutes=None, every_steps=4)
    assert ck.load() is None and not ck.exists()
    assert [s for s in range(1, 13) if ck.due(s)] == [4, 8, 12]
    assert not ck.maybe_save(3, lambda: pytest.fail("built a payload that was not due"))
    assert ck.maybe_save(4, lambda: {"step": 4, "w": torch.arange(3)})
    assert not ck.due(4)  # just saved
    got = ck.load()
    assert got["step"] == 4 and torch.equal(got["w"], torch.arange(3))
    assert os.listdir(ck.path.parent) == ["x.ckpt"]
    ck.remove()
    assert not ck.exists() and ck.load() is None

    clock = Checkpointer(tmp_path / "y.ckpt", every_minutes=1e-6)
    time.sleep(0.01)
    assert clock.due(1)
    assert not Checkpointer(tmp_path / "z.ckpt", every_minutes=None).due(1000)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "not_a_dict"])
def test_corrupt_checkpoint_gives_a_clear_error(tmp_path, damage):
    ck = Checkpointer(tmp_path / "bad.ckpt")
    if damage == "not_a_dict":
        torch.save([1, 2], ck.path)
    else:
        ck.save({"step": 1, "w": torch.randn(1000)})
        data = ck.path.read_bytes()
        ck.path.write_bytes(data[: len(data) // 2] if damage == "truncate" else b"\x00garbage" * 10)
    with pytest.raises(CheckpointError) as info:
        ck.load()
    assert str(ck.path) in str(info.value) and "--force" in str(info.value)


def test_resume_rejects_a_checkpoint_from_other_code(tmp_path):
    ck = Checkpointer(tmp_path / "o.ckpt")
    ck.save({"step": 5, "state": {"model": nn.Linear(2, 2).state_dict()}, "history": []})
    with pytest.raises(CheckpointError, match="no state for"):
        train_loop(
            lambda s: {},
            total_steps=10,
            checkpointer=ck,
            progress=False,
            state={"model": nn.Linear(2, 2), "ema": EMA(nn.Linear(2, 2))},
        )
    with pytest.raises(CheckpointError, match="cannot load 'model'"):
        train_loop(lambda s: {}, total_steps=10, state={"model": nn.Linear(3, 2)}, checkpointer=ck, progress=False)
    with pytest.raises(CheckpointError, match="longer run"):
        train_loop(lambda s: {}, total_steps=3, state={"model": nn.Linear(2, 2)}, checkpointer=ck, progress=False)


def test_train_loop_history_progress_and_stopwatch():
    sw = Stopwatch()
    calls = []
    hist = train_loop(
        lambda s: calls.append(s) or {"loss": float(s)},
        total_steps=12,
        log_every=5,
        progress=True,
        stopwatch=sw,
        images_per_step=4,
        desc="toy",
    )
    assert calls == list(range(12))
    assert hist == [
        {"step": 0, "loss": 0.0},
        {"step": 5, "loss": 5.0},
        {"step": 10, "loss": 10.0},
        {"step": 11, "loss": 11.0},
    ]
    row = sw.summary()["toy"]
    assert row["steps"] == 12 and row["images"] == 48 and row["steps_per_s"] > 0


def test_rng_state_roundtrip(tmp_path):
    seed_everything(3, deterministic=False)
    assert not torch.are_deterministic_algorithms_enabled()
    st = rng_state()
    torch.save(st, tmp_path / "rng.pt")
    first = (random.random(), np.random.rand(), torch.rand(3))
    set_rng_state(torch.load(tmp_path / "rng.pt", weights_only=True))  # plain tensors/tuples only
    again = (random.random(), np.random.rand(), torch.rand(3))
    assert first[:2] == again[:2] and torch.equal(first[2], again[2])


# --------------------------------------------------------------------------- EMA


def test_ema_matches_manual_average_including_buffers():
    torch.manual_seed(0)
    model = nn.Sequential(nn.BatchNorm1d(3), nn.Linear(3, 4))
    ema = EMA(model, decay=0.8)
    assert ema.module is not model and not any(p.requires_grad for p in ema.module.parameters())
    manual = {k: v.clone() for k, v in model.state_dict().items()}
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    for _ in range(5):
        model(torch.randn(16, 3)).pow(2).mean().backward()  # train mode: also moves BN running stats
        opt.step()
        opt.zero_grad()
        ema.update(model)
        for k, v in model.state_dict().items():
            manual[k] = 0.8 * manual[k] + 0.2 * v if v.is_floating_point() else v.clone()
    for k, v in ema.module.state_dict().items():
        assert torch.allclose(v.float(), manual[k].float(), atol=1e-6), k
        if v.is_floating_point():
            assert not torch.allclose(v, model.state_dict()[k]), k  # averaged, not copied
    assert ema.module.state_dict()["0.num_batches_tracked"] == 5

    other = EMA(nn.Sequential(nn.BatchNorm1d(3), nn.Linear(3, 4)), decay=0.5)
    other.load_state_dict(ema.state_dict())
    assert other.decay == 0.8 and other.num_updates == 5
    fresh = nn.Sequential(nn.BatchNorm1d(3), nn.Linear(3, 4))
    other.copy_to(fresh)
    for k, v in fresh.state_dict().items():
        assert torch.equal(v, ema.module.state_dict()[k]), k


def test_ema_warmup_decay():
    ema = EMA(nn.Linear(1, 1), decay=0.999, warmup=True)
    decays = []
    for _ in range(3):
        decays.append(ema.current_decay())
        ema.update(nn.Linear(1, 1))
    assert decays == pytest.approx([2 / 11, 3 / 12, 4 / 13])
    ema.num_updates = 10_000
    assert ema.current_decay() == 0.999
    assert EMA(nn.Linear(1, 1), decay=0.9).current_decay() == 0.9


# --------------------------------------------------------------------------- ImagePool


def ids(batch):  # image i is filled with the value i, so an image's value is its identity
    return [int(im.flatten()[0]) for im in batch]


def images(start, n):
    return torch.arange(start, start + n, dtype=torch.float32).view(n, 1, 1, 1).expand(n, 3, 2, 2).clone()


def test_image_pool_size_zero_is_passthrough():
    x = images(0, 4)
    assert ImagePool(0).query(x) is x


def test_image_pool_fills_then_mixes_only_seen_images():
    torch.manual_seed(0)
    pool = ImagePool(5)
    out = pool.query(images(0, 3))
    assert out.shape == (3, 3, 2, 2) and ids(out) == [0, 1, 2] and len(pool) == 3
    out = pool.query(images(3, 4))  # two fill the pool, the other two go through the coin flip
    assert ids(out)[:2] == [3, 4] and len(pool) == 5
    seen = set(range(7))
    assert set(ids(out)[2:]) <= seen
    for start in range(7, 200, 4):
        batch = images(start, 4)
        before = set(ids(pool.images))
        out = pool.query(batch)
        assert out.shape == batch.shape and len(pool) == 5
        for j, (i, got) in enumerate(zip(ids(batch), ids(out), strict=False)):
            # the input itself, or an image stored earlier (possibly earlier in this batch)
            assert got == i or got in before | set(ids(batch)[:j])
        seen |= set(ids(batch))
        assert set(ids(pool.images)) <= seen


def test_image_pool_returns_a_stored_image_half_the_time():
    torch.manual_seed(1)
    pool = ImagePool(10)
    pool.query(images(0, 10))
    n, from_pool = 4000, 0
    for i in range(10, 10 + n):
        before = ids(pool.images)
        got = ids(pool.query(images(i, 1)))[0]
        if got != i:
            from_pool += 1
            assert got in before and i in ids(pool.images) and got not in ids(pool.images)
        else:
            assert ids(pool.images) == before
    assert abs(from_pool / n - 0.5) < 0.04  # binomial sd is 0.008


def test_image_pool_state_dict_and_seeding():
    def run(pool, seed):
        torch.manual_seed(seed)
        return [ids(pool.query(images(100 + 2 * i, 2))) for i in range(20)]

    a = ImagePool(4)
    a.query(images(0, 4))
    b = ImagePool(4)
    b.load_state_dict(a.state_dict())
    assert run(a, 5) == run(b, 5)
    with pytest.raises(ValueError):
        ImagePool(3).load_state_dict(a.state_dict())


# --------------------------------------------------------------------------- device, timing, params


def test_select_device(monkeypatch):
    monkeypatch.delenv("GENREP_DEVICE", raising=False)
    assert select_device("cpu") == torch.device("cpu")
    auto = select_device()
    best = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    assert auto.type == best
    assert select_device("auto") == auto
    monkeypatch.setenv("GENREP_DEVICE", "cpu")
    assert select_device() == torch.device("cpu")
    if not torch.cuda.is_available():
        assert select_device("cpu") == torch.device("cpu")
        monkeypatch.setenv("GENREP_DEVICE", "cuda")
        with pytest.raises(RuntimeError, match="CUDA is not available.*GENREP_DEVICE"):
            select_device()
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            select_device("cuda:1")
    else:
        with pytest.raises(RuntimeError, match="GPU"):
            select_device(f"cuda:{torch.cuda.device_count()}")
    if not torch.backends.mps.is_available():
        with pytest.raises(RuntimeError, match="MPS is not available"):
            select_device("mps")
    with pytest.raises(ValueError, match="unknown device"):
        select_device("tpu9")


def test_autocast_is_a_noop_on_cpu():
    cpu = torch.device("cpu")
    assert amp_dtype(cpu) is None and amp_dtype("mps") is None
    assert setup_fast(cpu) == {}
    with autocast(cpu):
        y = nn.Linear(4, 4)(torch.randn(2, 4))
    assert y.dtype == torch.float32
    if torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        with autocast("cuda"):
            assert nn.Linear(4, 4).cuda()(torch.randn(2, 4, device="cuda")).dtype == torch.bfloat16


def test_timing_helpers():
    assert format_seconds(0.85) == "850 ms"
    assert format_seconds(12.34) == "12.3 s"
    assert format_seconds(245) == "4 min 05 s"
    assert format_seconds(7380) == "2 h 03 min"
    assert format_seconds(2 * 86400 + 3600) == "2 d 01 h"
    assert throughput(10, 2) == 5.0 and math.isnan(throughput(1, 0))
    with Timer() as t:
        time.sleep(0.05)
    assert 0.04 < t.elapsed < 1.0

    sw = Stopwatch()
    with sw.timed("sample", images=100):
        time.sleep(0.02)
    sw.add("sample", 0.0, images=100)
    row = sw.summary()["sample"]
    assert row["images"] == 200 and row["images_per_s"] == pytest.approx(200 / row["seconds"], rel=0.05)

    record = {}
    for _ in range(2):
        with timed("train", record, steps=10):
            time.sleep(0.01)
    assert record["train"]["steps"] == 20 and record["train"]["steps_per_s"] > 0
    assert set(record["train"]) == {"seconds", "steps", "steps_per_s"}


def test_count_params():
    assert count_params(nn.Linear(3, 4)) == 16
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, shared, nn.Linear(2, 1))
    assert count_params(model) == 6 + 3
    model[2].requires_grad_(False)
    assert count_params(model, trainable_only=True) == 6
