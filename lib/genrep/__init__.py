"""genrep: the shared library of *Generative Models, Replicated*.

Sub-packages: ``data``, ``models``, ``metrics``, ``train``, ``report``, ``runner`` (the replicate
machinery behind ``python -m genrep``). Notebooks import from here; they do not define models or
metrics themselves.
"""

__version__ = "0.1.0"
