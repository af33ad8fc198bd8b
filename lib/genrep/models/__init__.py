"""Networks shared by the chapters (generators, discriminators, VAEs, U-Nets, classifiers).

Import the submodule you need, e.g. ``from genrep.models.classifiers import CifarNet``.
"""

from genrep.models.classifiers import CifarNet

__all__ = ["CifarNet"]
