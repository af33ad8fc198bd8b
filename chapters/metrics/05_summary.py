# %% [markdown]
# # Summary: what the instruments can and cannot tell
#
# This page collects the other notebooks' results into replication tables and decides the chapter's
# claims (declared, with the smallest tier that can test them, in `chapters/metrics/paper.yaml`). Every
# claim needs the TF-Inception network: at the `reduced` tier (proxies only) each one is "not testable".
# A direction counts as replicated only when it exceeds its noise: a paired bootstrap over images for the
# disturbance steps and the memorisation distance, repeated draws for the sample-size effects. The tables
# are built by `genrep.report.papers.metrics` from the arms' `metrics.json`; this page says what each shows.

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
# pepper; mode dropping is our addition on CIFAR-10). For FID, a step counts as a rise only when the paired
# bootstrap interval of FID(level i+1) − FID(level i) lies above 0; the claim is replicated when every step
# rises, not replicated when one falls, inconclusive otherwise (the least certain step is shown).

# %%
ch.heusel_fig3(s, dist, has_fid)

# %% [markdown]
# ## Do the proxies order degradations like FID?
# Spearman's ρ between a proxy's distances and FID's over every disturbed set (kind × level), with a
# bootstrap interval over the sets; the claim asks for ρ ≥ 0.8. The columns after "rho (all sets)" give ρ
# within one kind of disturbance (four levels each, so only a sign).

# %%
ch.proxy_ranks(s, dist, has_fid)

# %% [markdown]
# ## Sample size: bias of FD, unbiasedness of KID
# Two independent draws of n images from the same distribution: FD stays above 0 and falls as n grows (its
# bias is O(1/n)); KID's mean over repeated draws is consistent with 0 at every n (a 99 % t-test).

# %%
ch.sample_size(s, size, has_fid)

# %% [markdown]
# ## Calibration: CIFAR-10 train against test
# First the claim that KID separates Monet paintings from photos, at the largest n drawn for both. Then the
# floor of FID for two samples of one distribution, beside the published value at n = 2,000 per side; our
# mirror stores CIFAR-10 as JPEG q75, so the JPEG rows show how much that moves FID.

# %%
ch.monet_vs_photos(s, size)
ch.calibration(s, size)

# %% [markdown]
# ## MiFID: the memorisation penalty
# Kaggle's distance d is the mean over submitted images of the cosine distance to the nearest training
# painting; below ε it divides FID. Its interval comes from a bootstrap over the submitted images.

# %%
ch.mifid_penalty(s, arms["mifid"])

# %% [markdown]
# ## The chapter's claims and the time this tier took

# %%
print(ch.arm_minutes(s, ["01_proxy_features", "02_disturbances", "03_sample_size", "04_mifid"]))
s.finish()
