"""Small helpers shared by the training notebooks of the *controlling generative models* chapter.

``save_with_legend`` ends each single-panel line plot the same way: a small legend, the figure saved under the
arm's results and shown.
"""

from __future__ import annotations


def save_with_legend(res, ax, name: str) -> None:
    """Give ``ax`` a legend in 7-pt type, save its figure as ``<name>.png`` through ``res`` (the arm's
    :class:`~genrep.report.Results`) and show it."""
    ax.legend(fontsize=7)
    res.show_figure(ax.figure, name)
