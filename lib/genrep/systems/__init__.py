"""Per-paper training systems: a paper's networks, optimisers and step in one object, for the papers whose
update is too large for a notebook cell.

* ``cyclegan_monet``: the thesis's CycleGAN (two pix2pix U-Nets, PatchGAN or U-Net discriminators, the image
  pool, top-k, output-as-input and Better Cycles stages) in one ``CycleGAN`` system and ``train_cyclegan``.
* ``avae``: the AVAE family's five frameworks with one joint step (Plumerault 2023, Ch. 3).
* ``rectified_flow_cars``: the car report's velocity fields, conv VAE and preference regressor (trainers,
  samplers, the regressor's cross-validation).

A system trains through :func:`genrep.train.train_loop` like every notebook does, so checkpoints, resume and
the guards behave the same everywhere. This layer sits above ``train`` and ``metrics`` (a system may evaluate
what it trained) and below ``report``.
"""
