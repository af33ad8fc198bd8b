"""Both-ways cases of cyclegan_monet: each claim's real decision function (genrep.report.papers.cyclegan_monet) fed
synthetic per-seed metrics that must replicate, fail to replicate, or stay inconclusive."""

from genrep.report.papers import cyclegan_monet as cm

LOW, HIGH = [100.0, 110.0, 120.0], [130.0, 141.0, 149.0]  # per seed: A clearly below B
NOISY_A, NOISY_B = [100.0, 150.0, 120.0], [130.0, 110.0, 125.0]  # the paired differences straddle 0


def _direction(paired: bool = True):
    return {
        "replicated": lambda: cm.direction_decision(LOW, HIGH, paired),
        "not replicated": lambda: cm.direction_decision(HIGH, LOW, paired),
        "inconclusive": lambda: cm.direction_decision(NOISY_A, NOISY_B, paired),
    }


CASES = {
    cid: _direction(paired=cid != "double_unet_beats_vanilla")
    for cid in (
        "oai_helps",
        "batch1_beats_bs32",
        "topk_small_gain",
        "patchgan_beats_unetd",
        "unetd_losses",
        "buffer_100_beats_10",
        "double_unet_beats_vanilla",
        "idweight_weak",
    )
}
CASES["idweight_keeps_colours"] = {
    "replicated": lambda: cm.direction_decision([0.02, 0.021, 0.019], [0.05, 0.052, 0.049], True),
    "not replicated": lambda: cm.direction_decision([0.05, 0.052, 0.049], [0.02, 0.021, 0.019], True),
    "inconclusive": lambda: cm.direction_decision([0.02, 0.05, 0.03], [0.04, 0.02, 0.035], True),
}
CASES["postprocessing_hurts"] = {  # every filter must score worse than S1-BASE
    "replicated": lambda: cm.all_filters_hurt(LOW, {"denoise": HIGH, "sharpen": [h + 5 for h in HIGH]}, True),
    "not replicated": lambda: cm.all_filters_hurt(HIGH, {"denoise": LOW, "sharpen": HIGH}, True),
    "inconclusive": lambda: cm.all_filters_hurt(LOW, {"denoise": HIGH, "sharpen": [130.0, 100.0, 125.0]}, True),
}
CASES["better_cycles_hurts"] = {  # non-inferiority in log MiFID, margin 0.05 (5 %)
    "replicated": lambda: cm.no_gain_decision([100.0, 110.0, 120.0], [110.0, 121.0, 131.0], 0.05, True),
    "not replicated": lambda: cm.no_gain_decision([120.0, 132.0, 144.0], [100.0, 110.0, 120.0], 0.05, True),
    "inconclusive": lambda: cm.no_gain_decision([100.0, 118.0, 100.0], [100.0, 100.0, 112.0], 0.05, True),
}
CASES["leaderboard_range"] = {  # tolerance 39.88 ± 5 over per-seed Kaggle scores
    "replicated": lambda: cm.leaderboard_decision([39.5, 40.2, 40.0], 39.87871, 5.0),
    "not replicated": lambda: cm.leaderboard_decision([60.0, 61.0, 59.5], 39.87871, 5.0),
    "inconclusive": lambda: cm.leaderboard_decision([36.0, 47.0, 42.0], 39.87871, 5.0),
}
CASES["least_changed_foreign"] = {  # per seed: mean change of the foreign-content photos vs the others
    "replicated": lambda: cm.least_changed_decision([0.02, 0.021, 0.022], [0.08, 0.082, 0.079]),
    "not replicated": lambda: cm.least_changed_decision([0.08, 0.082, 0.079], [0.02, 0.021, 0.022]),
    "inconclusive": lambda: cm.least_changed_decision([0.02, 0.08, 0.05], [0.06, 0.03, 0.05]),
}
