"""Networks shared by the chapters (generators, discriminators, VAEs, U-Nets, classifiers).

Import the submodule you need, e.g. ``from genrep.models.classifiers import CifarNet``.
"""

from genrep.models.classifiers import CifarNet
from genrep.models.dcgan import DCGANDiscriminator, DCGANGenerator
from genrep.models.init import init_normal
from genrep.models.latent import lerp, slerp
from genrep.models.vae import MLPVAE

__all__ = ["CifarNet", "DCGANDiscriminator", "DCGANGenerator", "MLPVAE", "init_normal", "lerp", "slerp"]
