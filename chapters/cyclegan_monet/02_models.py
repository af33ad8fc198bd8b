# %% [markdown]
# # The networks (Figs. 3.1–3.6), drawn from the instantiated models
#
# The text copy of the paper has lost every figure, so the architectures below are the spec's
# reconstruction (spec §3): the pix2pix U-Net generator (Fig. 3.1), the PatchGAN "feature extraction"
# discriminator with a 15×15 output and the U-Net discriminator (Fig. 3.2), and for the second solution
# DeepFindr's time-conditioned `SimpleUnet` (Figs. 3.4–3.6) chained into the double U-Net (Fig. 3.3).
# Every diagram is traced from the model objects the training notebooks use (forward hooks on the
# `meta` device: shapes, parameter counts and FLOPs without computing anything), at the paper's 256².

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/cyclegan_monet/reduced/02_models"
runs_dir = "runs/cyclegan_monet/reduced/02_models"
arch_size = 256  # the architecture figures use the paper's resolution whatever the tier

# %%
import math
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import torch

from genrep.models.double_unet import DoubleUNet
from genrep.models.patchgan import PatchGAN
from genrep.models.pix2pix import Pix2PixUNet
from genrep.models.simple_unet import DeepFindrUNet
from genrep.models.unet_discriminator import UNetDiscriminator
from genrep.report import Results
from genrep.report.architecture import count_flops, draw_chain, draw_schematic, draw_unet, trace_blocks
from genrep.train import count_params

res = Results(results_dir, tier)
Path(runs_dir).mkdir(parents=True, exist_ok=True)
S = arch_size
with torch.device("meta"):
    x = torch.empty(1, 3, S, S)
    t = torch.zeros(1, dtype=torch.long)
    G = Pix2PixUNet(ngf=64, n_down=int(math.log2(S)))
    D15 = PatchGAN()
    D30 = PatchGAN(n_down=3, final_stride1_layers=2)
    DU = UNetDiscriminator(n_down=int(math.log2(S)))
    SU = DeepFindrUNet()
    DUN = DoubleUNet()
    sizes = {
        "pix2pix U-Net generator (G_P→M, G_M→P)": (G, (x,), "54.4 M; 12.1 GFLOPs"),
        "PatchGAN, 15×15 output (paper)": (D15, (x,), "≈2.76 M; 3.3 GFLOPs"),
        "PatchGAN, 30×30 output (70×70 standard)": (D30, (x,), "—"),
        "U-Net discriminator": (DU, (x,), "—"),
        "SimpleUnet (solution 2)": (SU, (x, t), "62.4 M; 183 GFLOPs at 256²"),
        "double U-Net (two SimpleUnets)": (DUN, (x, t), "2 × 62.4 M"),
    }
    table = pd.DataFrame(
        [
            {
                "network": k,
                "parameters": count_params(m),
                "GFLOPs / forward": count_flops(m, *inp) / 1e9,
                "spec §3": ref,
            }
            for k, (m, inp, ref) in sizes.items()
        ]
    )
table.round(2)

# %% [markdown]
# ## Fig. 1.1: the GAN workflow
#
# Noise z goes through the generator G; the discriminator D sees G's images and real ones and outputs the
# probability that its input is real; D's loss trains D to tell them apart, and the same judgement, back-propagated
# through D, trains G to fool it. The paper's caption likens the generator to a VAE's encoder; the VAE network that,
# like G, maps a code to an image is its decoder. In CycleGAN (Fig. 3.1) G's input is a photo instead of noise.

# %%
fig, ax = plt.subplots(figsize=(10, 2.8))
boxes = {
    "z": (0, 0, "noise z ~ N(0, I)", "#eeeeee"),
    "g": (3, 0, "generator G", "#cfe3f7"),
    "fake": (6, 0, "generated image G(z)", "#cfe3f7"),
    "real": (6, -1.5, "real image x (training set)", "#e6f2d9"),
    "d": (9, 0, "discriminator D → P(real)", "#f7dccf"),
    "loss": (9, 1.5, "adversarial loss", "#fff2b3"),
}
arrows = [
    ("z", "g", ""),
    ("g", "fake", ""),
    ("fake", "d", ""),
    ("real", "d", ""),
    ("d", "loss", ""),
    ("loss", "g", "gradient: fool D"),
]
draw_schematic(ax, boxes, arrows, title="Fig. 1.1 — the GAN workflow (schematic)")
res.show_figure(fig, "fig_1_1")

# %% [markdown]
# ## Fig. 3.1: the generator and Fig. 3.2: the discriminators

# %%
with torch.device("meta"):
    g_rows = trace_blocks(G, x, groups={"down": G.downs, "up": G.ups})
    d_rows = trace_blocks(D15, x, groups={"down": list(D15.downs), "head": D15.head})
    d30_rows = trace_blocks(D30, x, groups={"down": list(D30.downs) + [D30.mid], "head": D30.head})
    du_rows = trace_blocks(DU, x, groups={"down": DU.downs, "up": DU.ups})
fig, ax = plt.subplots(2, 1, figsize=(11, 6.5), gridspec_kw={"height_ratios": [1.6, 1]})
draw_unet(
    ax[0],
    g_rows,
    f"Fig. 3.1 — pix2pix U-Net generator at {S}² ({count_params(G):,} parameters; "
    "boxes: block output channels and size; dashed: skip concatenations)",
    extra=[("ConvT+tanh", f"3×{S}²")],
)
draw_unet(
    ax[1],
    du_rows,
    f"Fig. 3.2 (II) — U-Net discriminator ({count_params(DU):,} parameters): global logit at "
    "the 1×1 bottleneck, per-pixel logits from the decoder",
    extra=[("ConvT", f"1×{S}²")],
)
res.show_figure(fig, "fig_3_1_generator_and_unet_d")

fig, ax = plt.subplots(2, 1, figsize=(9, 2.6))
draw_chain(
    ax[0],
    [r for r in d_rows if r["group"] == "down"],
    f"Fig. 3.2 (I) — PatchGAN, {count_params(D15):,} parameters",
    head=("Conv k4 s1", "×".join(map(str, d_rows[-1]["out"]))),
)
draw_chain(
    ax[1],
    [r for r in d30_rows if r["group"] == "down"],
    "the standard 70×70 PatchGAN (30×30), by parameter",
    head=("Conv k4 s1", "×".join(map(str, d30_rows[-1]["out"]))),
)
res.show_figure(fig, "fig_3_2_patchgan")

# %% [markdown]
# ## Figs. 3.3–3.6: the second solution
#
# Fig. 3.3 is a schematic of the double U-Net: during training, a painting *m* and a photo *p* are noised
# with the **same** t and ε; each network's first U-Net gives a middle image *h*, its second U-Net the
# noise estimate; the cross-network L1 ties each noisy input to the *other* network's middle image.
# Figs. 3.4–3.6 (the two generators and the up/down `Block`) are the traced `SimpleUnet`.

# %%
fig, ax = plt.subplots(figsize=(12, 3.2))
boxes = {
    "m": (0, 1, "painting m", "#f7dccf"),
    "p": (0, -1, "photo p", "#cfe3f7"),
    "xm": (3, 1, "x_t^M = √ᾱ_t m + √(1−ᾱ_t) ε", "#eeeeee"),
    "xp": (3, -1, "x_t^P = √ᾱ_t p + √(1−ᾱ_t) ε", "#eeeeee"),
    "u1m": (6, 1, "U1_M(x_t^M, t) → h_M", "#f7dccf"),
    "u1p": (6, -1, "U1_P(x_t^P, t) → h_P", "#cfe3f7"),
    "u2m": (9, 1, "U2_M(h_M, t) → ε̂_M", "#f7dccf"),
    "u2p": (9, -1, "U2_P(h_P, t) → ε̂_P", "#cfe3f7"),
    "lm": (12, 1, "MSE(ε̂_M, ε)", "#e6f2d9"),
    "lp": (12, -1, "MSE(ε̂_P, ε)", "#e6f2d9"),
    "cross": (6, 0, "λ_mid [L1(x_t^M, h_P) + L1(x_t^P, h_M)]", "#fff2b3"),
}
arrows = [
    ("m", "xm", "shared t, ε"),
    ("p", "xp", "shared t, ε"),
    ("xm", "u1m", ""),
    ("xp", "u1p", ""),
    ("u1m", "u2m", ""),
    ("u1p", "u2p", ""),
    ("u2m", "lm", ""),
    ("u2p", "lp", ""),
    ("u1m", "cross", ""),
    ("u1p", "cross", ""),
]
draw_schematic(
    ax,
    boxes,
    arrows,
    title="Fig. 3.3 — double U-Net training (schematic); sampling runs U2_M∘U1_M as the "
    "ε-network of plain DDPM ancestral sampling",
)
res.show_figure(fig, "fig_3_3_double_unet")

with torch.device("meta"):
    su_rows = trace_blocks(SU, x, t, groups={"down": SU.downs, "up": SU.ups})
    blk = SU.downs[0]
    blk_rows = trace_blocks(
        blk,
        torch.empty(1, 64, S, S),
        torch.empty(1, 32),
        groups={"conv1": blk.conv1, "conv2": blk.conv2, "transform": blk.transform},
    )
fig, ax = plt.subplots(2, 1, figsize=(10, 5), gridspec_kw={"height_ratios": [1.7, 1]})
draw_unet(
    ax[0],
    su_rows,
    f"Figs. 3.4/3.5 — SimpleUnet ({count_params(SU):,} parameters), one per U-Net of each "
    "generator; time embedding: sinusoidal(32) → Linear → ReLU, added in every block",
    extra=[("Conv 1×1", f"3×{S}²")],
)
draw_chain(
    ax[1],
    blk_rows,
    "Fig. 3.6 — Block (down): Conv3×3 → ReLU → BN, + ReLU(Linear(t_emb)), Conv3×3 → ReLU → "
    "BN, Conv k4 s2 (up blocks: 2·in channels and ConvTranspose)",
)
res.show_figure(fig, "fig_3_4_3_6_simple_unet")

# %%
res.save_metrics(
    img_size=S,
    networks=table.to_dict("records"),
    g_params=count_params(G),
    patchgan_params=count_params(D15),
    patchgan_out=list(d_rows[-1]["out"]),
    patchgan30_out=list(d30_rows[-1]["out"]),
    unet_d_params=count_params(DU),
    simple_unet_params=count_params(SU),
    g_gflops=count_flops(G, torch.empty(1, 3, S, S, device="meta")) / 1e9,
)
