# %% [markdown]
# # Summary: the thesis's tables beside ours, and its headline claims
#
# Paper values are quoted verbatim from the thesis (`paper.yaml`). Ours carry the tier: at the **reduced**
# tier every model is a tiny network trained for a few hundred CPU steps and no claim is decided; the
# **cpu** tier trains scaled-down models (named in the tier description) long enough to decide orderings
# over seeds or targets. The perceptual distance is a proxy (LPIPS-cifarnet) at every tier; the sample
# distance is FD-cifarnet at reduced and true FID (TF-Inception) from cpu up, on the datasets this book has.
# Ch. 4 runs on a class-conditional GAN trained here on a procedural stand-in in place of BigGAN: compare
# orderings, not absolute values. The computation lives in `genrep.report.papers.controlling_generative_models`;
# this page says what each table compares and how each claim is decided.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/controlling_generative_models/reduced/08_summary"
runs_dir = "runs/controlling_generative_models/reduced/08_summary"

# %%
from genrep.report.papers import controlling_generative_models as cgm

s, a = cgm.load(results_dir, tier, runs_dir)  # paper.yaml's numbers and claims, and every arm's metrics

# %% [markdown]
# ## Table 3.1 (reconstruction MSE, perceptual distance, sample distance; mean ± std over runs)
#
# The thesis reports five datasets; this book has CIFAR-10 (and, as extra columns, the datasets it adds).
# Ours is the mean ± sd over seeds; a cell whose metric is a proxy says so in its note, and an FID from few
# samples is biased upwards, so compare orderings between models, not values with the thesis. Below the
# table, ours per dataset and model, then every seed of every model.

# %%
cgm.table_3_1(s, a)

# %%
cgm.fig_3_1_seeds(s, a)

# %% [markdown]
# ## Table 4.1 (LPIPS between an image and its inversion)
#
# Held-out images are inverted through the book's GAN with three losses (MSE, DSSIM, the blurred MSE of the
# thesis at its typical σ), each with the norm constraint ‖z‖ ≤ √d. The frame below lists every inversion
# run: each loss, each σ, with and without the constraint (Figs. 4.2–4.3).

# %%
cgm.table_4_1(s, a)

# %% [markdown]
# ## Table 4.2 (the β-VAE architecture) and Table 5.1 (object detection)
#
# Table 4.2 is an architecture check: each layer as printed, whether ours implements it, and our parameter
# count (the thesis's decoder needs one more Dense layer before its reshape, an erratum). Table 5.1 is quoted only:
# the 3D-Room data are not available offline and the SPACE-style model was not built.

# %%
s.show(cgm.table_4_2(s, a), cgm.table_5_1(s, a))

# %% [markdown]
# ## Fig. 4.11 combined: the spread of the measured x along the direction, one curve per β

# %%
cgm.fig_4_11(s, a)

# %% [markdown]
# ## Every figure of the thesis and where it is (spec §5)

# %%
cgm.figures_status(s)

# %% [markdown]
# ## Headline checks (spec §10)
#
# Each claim is declared in `paper.yaml` (its text, metric and minimal tier) and decided by a noise-aware
# comparison: *replicated* when the whole 95 % interval lies on the side the thesis claims (or inside its
# ± tolerance), *not replicated* when it lies wholly on the other side, *inconclusive* when it straddles the
# boundary. The honesty labels: at the reduced tier, or below a claim's minimal tier, the verdict is
# "not testable at this tier" whatever the numbers say (their outcome is still recorded).
#
# **Table 3.1, per dataset, over seeds**: FID(VAE) ≫ FID(AVAE) ≈ FID(GAN) (FID(VAE) above a declared multiple
# of FID(AVAE), the AVAE/GAN ratio within a declared tolerance of 1), the MSE ordering (Welch intervals for each
# consecutive pair), the lowest perceptual distance, the best AVAE loss, ξ's null effect (the ratio within the
# declared tolerance), and the high-frequency power of reconstructions (VAE ≪ 1, AVAE ≈ 1, thresholds stated in
# each claim). The printed line says whether the adversarial generators left their collapsed start at this tier.

# %%
cgm.claims_table_3_1(s, a)

# %% [markdown]
# **The 2-D toy (Fig. 3.7)**: do the AVAE's reconstructions lie in denser regions of held-out data than the
# VAE's? Decided only when both reconstruct from the same latent.
#
# **Inversions (Table 4.1, Figs. 4.2–4.3)**: per-target LPIPS of one GAN's inversions, compared paired per
# target: blurred MSE below MSE and DSSIM with MSE ≈ DSSIM, the norm constraint helping, and the thesis's good
# σ beating every other σ tried.

# %%
cgm.claims_toy(s, a)
cgm.claims_inversion(s, a)

# %% [markdown]
# **Exact and control checks**: recursive vs naive inversion and the vanishing MSE gradient on the analytic
# disk generator (Figs. 4.5–4.6); each direction's control of held-out classes (a Fisher-z interval of
# Spearman's ρ over the traversed images, Fig. 4.7); and the latent chunk holding the spatial directions
# (Fig. 4.10).

# %%
cgm.claims_exact(s, a)
cgm.claims_control(s, a)

# %% [markdown]
# **β-VAE and scenes**: the std of the measured x falls with each larger β and its mean is erf-shaped
# (t-intervals over seeds, Fig. 4.11); the Poisson capacity formula against Monte Carlo (Fig. 5.2); Table 5.1
# (not testable); the β-VAE's parameter count (Table 4.2). `checks.json` is written here.

# %%
cgm.claims_beta_vae(s, a)
cgm.claims_scenes(s, a)
s.finish()

# %% [markdown]
# ## Closing note: which claims held, and at which tier
#
# The list below is computed from the checks above. Every number in this chapter as published comes from
# the tier printed here. At the reduced tier the networks are far too small and short-trained for the
# thesis's claims to be tested, so every verdict there is "not testable at this tier". From the `cpu` tier up a
# claim is decided when its declared minimal tier is reached and its difference exceeds its noise (seeds, or
# targets for the inversions); otherwise it is "inconclusive" with the interval shown. The analytic checks
# (the vanishing disk gradient, recursive vs naive inversion on the exact disk generator, the Poisson
# capacity formula) and the architecture check do not depend on training.

# %%
cgm.closing(s)
