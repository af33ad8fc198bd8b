"""The library's notebook helpers: the prologue, data labels, epoch training with pauses, the batched
uint8 sampler and the optimiser update."""

from types import SimpleNamespace

import pytest
import torch

from genrep.metrics.sampling import sample_uint8
from genrep.report.notebook import data_fields, start_notebook
from genrep.runtime import Stopwatch
from genrep.train.budget import TrainingPaused, epoch_means, tenths, train_epochs
from genrep.train.update import apply_update


def test_start_notebook_seeds_and_creates_the_runs_folder(tmp_path):
    dev, res, clock = start_notebook(
        tier="reduced", results_dir=tmp_path / "res", runs_dir=tmp_path / "runs" / "arm", seed=3, device="cpu"
    )
    a = torch.rand(3)
    start_notebook(tier="reduced", results_dir=tmp_path / "res", runs_dir=tmp_path / "runs" / "arm", seed=3)
    assert torch.equal(a, torch.rand(3))
    assert dev.type == "cpu" and (tmp_path / "runs" / "arm").is_dir() and isinstance(clock, Stopwatch)
    assert res.tier == "reduced"


def test_data_fields_labels_and_counts():
    data = SimpleNamespace(title="MNIST", source="real", images=torch.zeros(7, 1, 2, 2))
    assert data_fields(data, dataset="mnist", count="n_train") == {
        "dataset": "mnist",
        "data": "MNIST",
        "data_source": "real",
        "n_train": 7,
    }
    assert data_fields(data, note="MNIST (subset)") == {"data": "MNIST (subset)", "data_source": "real"}


def _fit(tmp_path, epochs, max_minutes):
    torch.manual_seed(0)
    w = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(w.parameters(), lr=0.1)
    x = torch.randn(8, 2)

    def step(i):
        loss = w(x).pow(2).mean()
        apply_update(loss, w, opt, grad_clip=1.0)
        return {"loss": loss}

    hist = train_epochs(
        step,
        epochs=epochs,
        steps_per_epoch=4,
        runs_dir=tmp_path,
        state={"w": w, "opt": opt},
        max_minutes=max_minutes,
        seed=0,
        log_every=1,
        progress=False,
    )
    return hist, w


def test_train_epochs_pauses_then_resumes_to_the_same_weights(tmp_path):
    with pytest.raises(TrainingPaused):
        _fit(tmp_path / "a", epochs=3, max_minutes=0)  # one epoch, then the pause
    hist, w = _fit(tmp_path / "a", epochs=3, max_minutes=None)
    ref_hist, ref = _fit(tmp_path / "b", epochs=3, max_minutes=None)
    assert torch.equal(w.weight, ref.weight) and len(hist) == len(ref_hist) == 12
    log = epoch_means(hist, 4, {"train_loss": "loss"})
    assert list(log.epoch) == [1, 2, 3] and log.train_loss.iloc[0] > log.train_loss.iloc[-1]
    assert len(tenths(hist, "loss", 12)) == 10


def test_apply_update_steps_the_schedule_and_the_ema_only_when_given():
    w = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(w.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    before = w.weight.detach().clone()
    apply_update(w(torch.ones(1, 2)).sum(), w, opt, sched)
    assert not torch.equal(before, w.weight) and opt.param_groups[0]["lr"] == 0.5


def test_sample_uint8_batches_and_times():
    calls = []

    def fn(k):
        calls.append(k)
        return torch.full((k, 1, 2, 2), len(calls), dtype=torch.uint8)

    clock = Stopwatch("cpu")
    out = sample_uint8(fn, 5, 2, clock)
    assert calls == [2, 2, 1] and out.shape == (5, 1, 2, 2) and out[-1].max() == 3
    assert clock.summary()["sampling"]["images"] == 5
