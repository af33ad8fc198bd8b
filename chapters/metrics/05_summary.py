# %% [markdown]
# # Summary: what the instruments can and cannot tell
#
# This page collects the other notebooks' results into replication tables and decides the chapter's
# claims (declared, with the smallest tier that can test them, the test their words call for and its margin or
# tolerance, in `chapters/metrics/paper.yaml`). Every claim needs the TF-Inception network: at the `reduced` tier
# (proxies only) each one is "not testable". A claim counts as replicated only when its interval says so: a
# paired bootstrap over images for the disturbance steps and the memorisation distance, repeated independent
# draws for the sample-size effects, a bootstrap over the disturbed sets for the proxies' rank agreement. No claim
# involves a trained generative model, so none has a premise. Exact copies of training paintings are a sanity
# check (their distance is 0 by construction), not a claim. The tables are built by
# `genrep.report.papers.metrics` from the arms' `metrics.json`; this page says what each shows.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/metrics/reduced/05_summary"
runs_dir = "runs/metrics/reduced/05_summary"

# %%
from genrep.report.papers import metrics as ch
from genrep.report.summary import Summary

s = Summary(results_dir, tier)
arms = ch.load(s)  # the four notebooks' metrics; the data label of every check
dist, size, has_fid = arms["dist"], arms["size"], arms["has_fid"]
print("extractors:", arms["proxy"]["extractors"], "| TF-Inception present:", arms["proxy"]["inception_available"])

# %% [markdown]
# ## Heusel et al. (2017), Fig. 3: distance against disturbance level
# Each row lists the distance at the four levels (Gaussian noise, blur, black rectangles, swirl, salt and
# pepper; mode dropping is our addition on CIFAR-10). Heusel et al. say FID increases monotonically with the
# level, so each step is a superiority test: the paired bootstrap interval of FID(level i+1) − FID(level i) must
# lie above 0. All three steps must hold (an intersection–union test, no correction): replicated when every step
# rises, not replicated when one falls, inconclusive otherwise (the least certain step's interval is shown).

# %%
ch.heusel_fig3(s, dist, has_fid)

# %% [markdown]
# ## Do the proxies order degradations like FID?
# Spearman's ρ between a proxy's distances and FID's over the distinct disturbed sets (kind × level; the
# undisturbed set, level 0 of every kind, counts once), with a bootstrap interval over the sets. The claim asks for
# ρ ≥ 0.8: a non-inferiority test of 1 − ρ against the margin 0.2 (one-sided 95 %). The columns after
# "rho (distinct sets)" give ρ within one kind of disturbance (four levels each, so only a sign).

# %%
ch.proxy_ranks(s, dist, has_fid)

# %% [markdown]
# ## Sample size: bias of FD, unbiasedness of KID
# Two independent draws of n images from the same distribution: FD stays above 0 and falls as n grows (its
# bias is O(1/n)): a trend test, the slope of FID on log n over every draw. KID is unbiased: at every n the mean
# over the draws is equivalent to 0 within the declared margin (TOST), and every n must hold. The table's KID
# column keeps the plain 99 % t-test against 0 at each n, uncorrected: a description, not the claim's test.

# %%
ch.sample_size(s, size, has_fid)

# %% [markdown]
# ## Calibration: CIFAR-10 train against test
# First our question whether KID separates Monet paintings from photos, at the largest n drawn for both. Then
# the floor of FID for two samples of one distribution, beside a public value at n = 2,000 per side ("around 30",
# a comment with a plot in k-diffusion's issue #51, not a number of Heusel et al.): our calibration, declared
# with a tolerance and its reason. Our mirror stores CIFAR-10 as JPEG q75, so the JPEG rows show how much a
# q75 pass moves FID.

# %%
ch.monet_vs_photos(s, size)
ch.calibration(s, size)

# %% [markdown]
# ## MiFID: the memorisation penalty
# Kaggle's distance d is the mean over submitted images of the cosine distance to the nearest training
# painting; below ε it divides FID. Its interval comes from a bootstrap over the submitted images. Exact copies
# have d = 0 by construction (a sanity check); the claim is tested on near-copies that differ in pixels
# (flipped, noised), every kind below ε.

# %%
ch.mifid_penalty(s, arms["mifid"])

# %% [markdown]
# ## The chapter's claims and the time this tier took

# %%
print(ch.arm_minutes(s, ["01_proxy_features", "02_disturbances", "03_sample_size", "04_mifid"]))
s.finish()
