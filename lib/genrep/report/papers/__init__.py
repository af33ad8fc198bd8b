"""Per-paper report builders: the tables and checks of one chapter's summary notebook, built from that chapter's
arm metrics with :class:`genrep.report.summary.Summary`. The notebook explains each table and calls these."""
