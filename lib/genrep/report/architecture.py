"""Architecture figures drawn from instantiated models (not from hand-written lists).

    rows = trace_blocks(model, x, {"down": model.downs, "up": model.ups})   # forward hooks record shapes
    draw_unet(ax, rows, title="pix2pix U-Net generator")                  # a U of boxes with skip arcs

Models can live on the ``meta`` device (``with torch.device("meta"): m = Model()``): shapes, parameter
counts and FLOPs (:func:`count_flops`) come out without computing anything.
"""

from __future__ import annotations

import itertools
import math

import torch
from torch import nn

from genrep.models.params import count_params


def trace_blocks(model: nn.Module, *inputs, groups: dict) -> list[dict]:
    """Run ``model(*inputs)`` once and return, in call order, one row per module of ``groups``
    ({group name: module or list of modules}): group, index, class, output shape, parameters."""
    rows, hooks = [], []
    for gname, mods in groups.items():
        mods = list(mods) if isinstance(mods, (nn.ModuleList, list, tuple)) else [mods]
        for i, m in enumerate(mods):

            def hook(mod, inp, out, gname=gname, i=i):
                o = out[1] if isinstance(out, tuple) else out
                rows.append(
                    {
                        "group": gname,
                        "index": i,
                        "block": type(mod).__name__,
                        "in": tuple(inp[0].shape[1:]),
                        "out": tuple(o.shape[1:]),
                        "params": count_params(mod),
                    }
                )

            hooks.append(m.register_forward_hook(hook))
    try:
        with torch.no_grad():
            model(*inputs)
    finally:
        for h in hooks:
            h.remove()
    return rows


def count_flops(model: nn.Module, *inputs) -> float:
    """FLOPs of one forward pass (multiply and add counted separately), via torch's FlopCounterMode."""
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        model(*inputs)
    return float(fc.get_total_flops())


def _box(ax, x, y, w, h, text, color):
    ax.add_patch(
        __import__("matplotlib.patches", fromlist=["FancyBboxPatch"]).FancyBboxPatch(
            (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02", fc=color, ec="0.3", lw=0.6
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=6)


def _label(shape) -> str:
    return f"{shape[0]}\n{shape[1]}²" if len(shape) == 3 else "×".join(map(str, shape))


def draw_unet(
    ax,
    rows: list[dict],
    title: str = "",
    down: str = "down",
    up: str = "up",
    skips: bool = True,
    extra: list[tuple[str, str]] = (),
):
    """Draw traced down/up blocks as a U: the height of a box is its resolution level, the label its
    channels and size; dashed arcs join down and up outputs of equal resolution (the skips).
    ``extra`` adds labelled boxes after the last up block (e.g. heads)."""
    d = [r for r in rows if r["group"] == down]
    u = [r for r in rows if r["group"] == up]

    def level(r):
        return math.log2(r["out"][-1]) if len(r["out"]) == 3 else 0.0

    pos = {}
    for i, r in enumerate(d):
        pos[(down, i)] = (i, level(r))
        _box(ax, i, level(r), 0.8, 0.7, _label(r["out"]), "#cfe3f7")
    for j, r in enumerate(u):
        x = len(d) + j
        pos[(up, j)] = (x, level(r))
        _box(ax, x, level(r), 0.8, 0.7, _label(r["out"]), "#f7dccf")
    seq = [pos[(down, i)] for i in range(len(d))] + [pos[(up, j)] for j in range(len(u))]
    for (x0, y0), (x1, y1) in itertools.pairwise(seq):
        ax.annotate("", (x1 - 0.4, y1), (x0 + 0.4, y0), arrowprops={"arrowstyle": "->", "lw": 0.6})
    if skips:
        for j, r in enumerate(u):
            for i, s in enumerate(d[:-1]):
                if len(s["out"]) == 3 and len(r["out"]) == 3 and s["out"][-1] == r["out"][-1]:
                    (x0, y0), (x1, y1) = pos[(down, i)], pos[(up, j)]
                    ax.annotate(
                        "",
                        (x1, y1 + 0.35),
                        (x0, y0 + 0.35),
                        arrowprops={
                            "arrowstyle": "->",
                            "lw": 0.5,
                            "ls": "--",
                            "color": "0.5",
                            "connectionstyle": "arc3,rad=-0.12",
                        },
                    )
    x = len(d) + len(u)
    y = seq[-1][1] if seq else 0
    for k, (name, text) in enumerate(extra):
        _box(ax, x + k, y, 0.9, 0.7, f"{name}\n{text}", "#e6f2d9")
    ys = [p[1] for p in seq] or [0]
    ax.set_xlim(-1, x + len(extra) + 0.5)
    ax.set_ylim(min(ys) - 1, max(ys) + 1.2)
    ax.axis("off")
    ax.set_title(title, fontsize=8)


def draw_chain(ax, rows: list[dict], title: str = "", head: tuple[str, str] | None = None):
    """Draw traced blocks left to right (e.g. a PatchGAN): label = output channels and size."""
    for i, r in enumerate(rows):
        _box(ax, i, 0, 0.85, 0.8, f"{r['block']}\n{_label(r['out'])}", "#cfe3f7")
        if i:
            ax.annotate("", (i - 0.43, 0), (i - 0.57, 0), arrowprops={"arrowstyle": "->", "lw": 0.6})
    if head:
        _box(ax, len(rows), 0, 0.9, 0.8, f"{head[0]}\n{head[1]}", "#e6f2d9")
    ax.set_xlim(-0.7, len(rows) + (1 if head else 0))
    ax.set_ylim(-0.8, 0.8)
    ax.axis("off")
    ax.set_title(title, fontsize=8)


def draw_schematic(ax, boxes: dict, arrows: list, title: str = "", box_w: float = 2.2, box_h: float = 0.6):
    """A static diagram: ``boxes`` = {key: (x, y, text, colour)}, ``arrows`` = [(from, to, label)]; arrows
    run between box edges."""
    for x, y, text, color in boxes.values():
        _box(ax, x, y, box_w, box_h, text, color)
    for a, b, lab in arrows:
        (x0, y0), (x1, y1) = boxes[a][:2], boxes[b][:2]
        if abs(x1 - x0) >= abs(y1 - y0) * box_w / box_h:
            sx = 1 if x1 > x0 else -1
            p0, p1 = (x0 + sx * box_w / 2, y0), (x1 - sx * box_w / 2, y1)
        else:
            sy = 1 if y1 > y0 else -1
            p0, p1 = (x0, y0 + sy * box_h / 2), (x1, y1 - sy * box_h / 2)
        ax.annotate("", p1, p0, arrowprops={"arrowstyle": "->", "lw": 0.7})
        if lab:
            ax.text(
                (p0[0] + p1[0]) / 2, (p0[1] + p1[1]) / 2 + 0.08, lab, fontsize=6, ha="center", va="bottom", color="0.25"
            )
    xs = [b[0] for b in boxes.values()]
    ys = [b[1] for b in boxes.values()]
    ax.set_xlim(min(xs) - box_w / 2 - 0.2, max(xs) + box_w / 2 + 0.2)
    ax.set_ylim(min(ys) - box_h, max(ys) + box_h)
    ax.axis("off")
    ax.set_title(title, fontsize=8)
