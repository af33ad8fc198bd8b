"""Sample-quality and likelihood metrics.

- Fréchet distance / FID (Heusel et al. 2017): ``frechet_distance`` (pytorch-fid's), ``feature_stats``,
  ``fid_from_features``
- KID (Bińkowski et al. 2018): ``kid_from_features``
- MiFID (Kaggle's memorisation-informed FID): ``mifid_from_features``
- precision / recall (Kynkäänniemi et al. 2019): ``precision_recall``; + density / coverage
  (Naeem et al. 2020): ``prdc``
- bits per dimension: ``bits_per_dim``, ``dequantized_nll_offset``, ``bits_per_dim_dequantized``
- feature extractors: ``get_extractor``, ``available_extractors``, ``extract_features``,
  ``inception_weights_path``; TF-Inception features ``inception_features`` (FID's network, pytorch-fid's
  ``InceptionV3``) and cached real-data references ``reference_features`` / ``reference_stats``

Honesty rule: a distance is called FID/KID only on pytorch-fid Inception features; otherwise use the
extractor's ``metric_name`` / ``kid_name`` (e.g. "FD-cifarnet"). The CifarNet asset is built by
``python -m genrep.train.classifiers`` (``genrep.train.classifiers.train_cifarnet``); it is loaded by
``genrep.metrics.proxies.load_cifarnet``.
"""

from genrep.metrics.extractors import (
    Extractor,
    available_extractors,
    extract_features,
    get_extractor,
    inception_features,
)
from genrep.metrics.frechet import feature_stats, fid_from_features, frechet_distance
from genrep.metrics.inception import inception_weights_path
from genrep.metrics.kid import kid_from_features
from genrep.metrics.likelihood import bits_per_dim, bits_per_dim_dequantized, dequantized_nll_offset
from genrep.metrics.mifid import mifid_from_features
from genrep.metrics.prdc import prdc, precision_recall
from genrep.metrics.reference import reference_features, reference_stats

__all__ = [
    "Extractor",
    "available_extractors",
    "extract_features",
    "get_extractor",
    "feature_stats",
    "fid_from_features",
    "frechet_distance",
    "inception_features",
    "inception_weights_path",
    "reference_features",
    "reference_stats",
    "kid_from_features",
    "bits_per_dim",
    "bits_per_dim_dequantized",
    "dequantized_nll_offset",
    "mifid_from_features",
    "prdc",
    "precision_recall",
]
