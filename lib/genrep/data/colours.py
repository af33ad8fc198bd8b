"""Colour families of the procedural data: the one home of every named palette.

* Car paint families (SynthCars, :mod:`genrep.data.synthcars`; the raters' colour features and colour
  heuristic, :mod:`genrep.data.raters`): ten named families with their prior and HSV anchors.
* RGB family tables of the procedural stand-ins (:mod:`genrep.data.standins`): each image draws one row of
  a table with :meth:`genrep.data.standins.canvas.Rand.pick`, jittered per channel.
"""

from __future__ import annotations

# --------------------------------------------------------------------------------- car paint families

COLOR_FAMILIES = ("white", "black", "gray", "silver", "red", "blue", "brown", "green", "orange", "yellow")
COLOR_PRIOR = (0.22, 0.18, 0.15, 0.13, 0.10, 0.10, 0.04, 0.03, 0.025, 0.025)
WARM = ("red", "orange", "yellow")

# family -> (hue in degrees, saturation, value)
PAINT_HSV = {
    "white": (40, 0.03, 0.95),
    "black": (220, 0.15, 0.12),
    "gray": (210, 0.05, 0.45),
    "silver": (210, 0.06, 0.75),
    "red": (0, 0.85, 0.80),
    "blue": (220, 0.75, 0.65),
    "brown": (25, 0.60, 0.40),
    "green": (130, 0.60, 0.45),
    "orange": (28, 0.90, 0.95),
    "yellow": (52, 0.90, 0.95),
}

# ------------------------------------------------------------------------- stand-in RGB family tables

CLASS_TINT = [  # cifar10 stand-in: one foreground tint per class
    (0.55, 0.65, 0.85),
    (0.8, 0.25, 0.2),
    (0.55, 0.5, 0.35),
    (0.7, 0.55, 0.4),
    (0.6, 0.5, 0.3),
    (0.6, 0.45, 0.3),
    (0.35, 0.6, 0.3),
    (0.55, 0.4, 0.25),
    (0.3, 0.45, 0.7),
    (0.85, 0.8, 0.75),
]

MONET = [  # monet stand-in: pastel colour fields
    (0.35, 0.5, 0.65),
    (0.6, 0.55, 0.75),
    (0.45, 0.6, 0.4),
    (0.85, 0.65, 0.65),
    (0.85, 0.75, 0.45),
    (0.7, 0.8, 0.88),
    (0.25, 0.4, 0.3),
    (0.9, 0.87, 0.75),
]

FUR = [  # cats64 stand-in
    (0.85, 0.55, 0.25),
    (0.55, 0.55, 0.55),
    (0.15, 0.13, 0.12),
    (0.92, 0.9, 0.86),
    (0.5, 0.35, 0.22),
    (0.9, 0.8, 0.62),
]

CAR_PAINT = [  # cars stand-in
    (0.75, 0.1, 0.1),
    (0.15, 0.25, 0.6),
    (0.92, 0.92, 0.92),
    (0.08, 0.08, 0.1),
    (0.65, 0.67, 0.7),
    (0.9, 0.75, 0.1),
    (0.1, 0.35, 0.2),
]

SKIN = [(0.95, 0.8, 0.7), (0.87, 0.68, 0.55), (0.75, 0.55, 0.42), (0.55, 0.38, 0.28), (0.38, 0.25, 0.18)]  # celeba
HAIR = [(0.08, 0.06, 0.05), (0.3, 0.18, 0.1), (0.8, 0.65, 0.35), (0.55, 0.25, 0.1), (0.6, 0.6, 0.6)]  # celeba
