"""The sections of the ``purgetoll run`` report, in the order they appear.

To add a section: write ``purgetoll/report/sections/<name>.py`` with ``build(ctx) -> Section``
(see ``purgetoll.report.model``) and add one line ``"<name>",`` below.
"""

SECTIONS: tuple[str, ...] = (
    "about",
    "pyramids",
    "sex_ratio",
    "demography",
    "claims",
    "verdict",
    "calibration",
)
