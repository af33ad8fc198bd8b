"""The replicate machinery: chapters and tiers (validated), papermill execution, cache, publishing."""

from .chapters import Arm, Chapter, ConfigError, list_chapters, load_chapter
from .replicate import published_tier, replicate

__all__ = ["Arm", "Chapter", "ConfigError", "list_chapters", "load_chapter", "published_tier", "replicate"]
