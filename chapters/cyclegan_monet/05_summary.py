# %% [markdown]
# # Summary (placeholder)

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/cyclegan_monet/reduced/05_summary"
runs_dir = "runs/cyclegan_monet/reduced/05_summary"
