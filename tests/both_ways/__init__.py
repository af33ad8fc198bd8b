"""Synthetic cases that show each claim's check can come out every way (``tests/test_both_ways.py``).

One module per chapter, ``tests/both_ways/<chapter>.py``, defines::

    CASES: dict[str, dict[str, Callable[[], Comparison | Check] | str]]

mapping a claim id of ``chapters/<chapter>/paper.yaml`` to its cases: for each decision ('replicated',
'not replicated', 'inconclusive') a function that calls the chapter's real check code (a function in
``genrep.report.papers.<chapter>``) on synthetic metrics and returns the :class:`~genrep.report.Comparison` (or the
:class:`~genrep.report.Check`) it decides. The test asserts that the decision comes out as named and that the
comparison's ``test`` is the one the claim declares.

Every claim needs a 'replicated' case, a 'not replicated' case and an 'inconclusive' case. Where one of these
cannot arise for the claim's check, its entry is a string saying why (e.g. ``"inconclusive": "a count has no
noise, so no interval"``). A claim for which no synthetic case can exist at all declares ``both_ways_opt_out:
<reason>`` in paper.yaml instead (the reason is shown on its page).

Example::

    from genrep.report.papers import metrics as M

    CASES = {
        "fid_rises_with_noise": {
            "replicated": lambda: M.noise_trend([0, 0.1, 0.2], [[10, 10.2], [20, 20.5], [30, 29.8]]),
            "not replicated": lambda: M.noise_trend([0, 0.1, 0.2], [[30, 30.2], [20, 20.5], [10, 9.8]]),
            "inconclusive": lambda: M.noise_trend([0, 0.1, 0.2], [[10, 30], [25, 12], [18, 22]]),
        },
    }
"""
