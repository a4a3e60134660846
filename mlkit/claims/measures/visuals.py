"""Claims of the visuals topic, measured on figures drawn by :mod:`mlkit.visuals`.

The measures read back what the engine drew (matplotlib artists) and, for
QuickSight itself, botocore's model of the QuickSight API.
"""

from __future__ import annotations

import math

from mlkit.claims.ledger import Measurement


def scatter_four_dimensions(seed: int, colour: str = "category", n_rows: int = 120) -> Measurement:
    """A scatter plot shows four dimensions per point: x, y, a category as colour and a measure as size.

    Draws ``visuals.scatter_4d`` on ``visuals.recommendations(n_rows)``
    (interest score, conversion rate, ``colour``, impressions), reads the
    drawn markers back, and validates ``visuals.scatter_4d_request`` with
    ``mlkit.aws.validate_request("quicksight", "CreateAnalysis", ...)``.
    Rule: holds when every value of ``colour`` got a colour of its own, the
    marker areas are proportional to impressions (correlation >= 0.99: the
    engine scales areas linearly, so anything less means the size channel
    is not carrying the measure) and the request's field wells name four
    fields; refuted when colours repeat across categories (a palette has a
    fixed number of colours).

        >>> scatter_four_dimensions(0).verdict
        'holds'
    """
    import numpy as np

    from mlkit import aws, visuals

    data = visuals.recommendations(n_rows, seed=seed)
    fig = visuals.scatter_4d(data, "interest_score", "conversion_rate", colour, "impressions")
    ax = fig.axes[0]
    groups = [c for c in ax.collections if len(c.get_offsets())]
    colours = {tuple(np.round(c.get_facecolor()[0][:3], 3)) for c in groups}
    sizes = np.concatenate([c.get_sizes() for c in groups])
    impressions = np.concatenate([data.loc[data[colour].astype(str) == c.get_label(), "impressions"].to_numpy()
                                  for c in groups])
    corr = float(np.corrcoef(sizes, impressions)[0, 1])
    request = visuals.scatter_4d_request("interest_score", "conversion_rate", colour, "impressions")
    aws.validate_request("quicksight", "CreateAnalysis", request)
    visual = request["Definition"]["Sheets"][0]["Visuals"][0]["ScatterPlotVisual"]
    wells = visual["ChartConfiguration"]["FieldWells"]["ScatterPlotUnaggregatedFieldWells"]
    categories = int(data[colour].nunique())
    figures = {"points": int(sum(len(c.get_offsets()) for c in groups)), "categories": categories,
               "distinct_colours": len(colours), "size_impressions_correlation": corr,
               "field_wells": len(wells)}
    if len(colours) < categories:
        return Measurement("refuted", figures, corrected=(
            f"colour carries a category only while it has few values: {categories} values of {colour!r} "
            f"share {len(colours)} colours, so points of different values look alike"))
    if corr >= 0.99 and len(wells) == 4:
        return Measurement("holds", figures)
    return Measurement("refuted", figures, corrected=(
        f"marker size follows impressions with correlation {corr:.3f} and the request has {len(wells)} "
        "field wells: fewer than four dimensions are readable"))


def _iae(values, truth_pdf, grid, bins: int, log: bool):
    """Integrated absolute error of the engine's histogram and density curve against ``truth_pdf`` on ``grid``."""
    import numpy as np

    from mlkit import visuals

    ax = visuals.histogram(values, bins=bins, log=log).axes[0]
    left = np.array([p.get_x() for p in ax.patches])
    right = left + np.array([p.get_width() for p in ax.patches])
    heights = np.array([p.get_height() for p in ax.patches])
    if log:
        left, right = np.log10(left), np.log10(right)
    hist = heights / (heights.sum() * (right - left))  # counts -> density on the drawn axis
    line = visuals.density_plot(values.to_frame(), str(values.name), log=log).axes[0].lines[0]
    inside = (grid >= left[0]) & (grid <= right[-1])
    hist_on_grid = np.where(inside, hist[np.clip(np.searchsorted(right, grid), 0, len(hist) - 1)], 0.0)
    kde_on_grid = np.interp(grid, line.get_xdata(), line.get_ydata(), left=0.0, right=0.0)
    truth = truth_pdf(grid)
    dx = grid[1] - grid[0]
    return float(np.abs(hist_on_grid - truth).sum() * dx), float(np.abs(kde_on_grid - truth).sum() * dx)


def density_smooths_noise(seed: int, n_rows: int = 300, bins: int = 30, repeats: int = 5) -> Measurement:
    """A density plot (kernel smoothing) shows a distribution more faithfully than a histogram by smoothing out noise.

    Draws the payment amounts of the legitimate claims of
    ``datasets.claims(n_rows)`` (lognormal, median and sigma in the truth)
    with ``visuals.histogram(bins=bins)`` and ``visuals.density_plot``, on a
    log axis and on a linear one, and measures each drawing's integrated
    absolute error against the true density (0: exact; 2: disjoint),
    averaged over ``repeats`` samples (seeds drawn from ``seed``): one
    sample's winner depends on its luck, the average does not. Rule: holds
    when the density curve's mean error is below the histogram's on both
    axes; holds with conditions when only on the log axis (where the
    amounts are symmetric); refuted when the histogram is as close on the
    log axis too.

        >>> density_smooths_noise(0).verdict
        'holds'
    """
    import numpy as np
    from scipy.stats import lognorm, norm

    from mlkit import datasets
    from mlkit._checks import make_rng

    errors = []
    for sub in make_rng(seed).integers(0, 2**31 - 1, size=repeats):
        ds = datasets.claims(n_rows, seed=int(sub))
        values = ds.frame.loc[ds.frame["operation_status"] == "legitimate", "payment_value"]
        truth = ds.truth["payment_value"]["legitimate"]
        mu, sigma = math.log10(truth["median"]), truth["sigma"] / math.log(10)
        log_grid = np.linspace(mu - 5 * sigma, mu + 5 * sigma, 4001)
        dist = lognorm(s=truth["sigma"], scale=truth["median"])
        lin_grid = np.linspace(0.0, float(dist.ppf(0.9999)), 20001)
        errors.append(_iae(values, norm(mu, sigma).pdf, log_grid, bins, True)
                      + _iae(values, dist.pdf, lin_grid, bins, False))
    h_log, k_log, h_lin, k_lin = (float(x) for x in np.mean(errors, axis=0))
    figures = {"samples": repeats, "error_histogram_log": h_log, "error_density_log": k_log,
               "error_histogram_linear": h_lin, "error_density_linear": k_lin}
    if k_log >= h_log:
        return Measurement("refuted", figures, corrected=(
            f"with {n_rows} claims and {bins} bins the histogram is as close to the true density "
            f"(mean error {h_log:.3f}) as the density plot ({k_log:.3f})"))
    if k_lin < h_lin:
        return Measurement("holds", figures)
    return Measurement("holds with conditions", figures, condition=(
        f"with {n_rows} claims and {bins} bins, the density curve is closer to the truth on a log axis "
        f"({k_log:.3f} vs {h_log:.3f}) but not on a linear one ({k_lin:.3f} vs {h_lin:.3f}): one kernel width "
        "blurs the sharp peak of skewed data that fine bins catch; smooth on a scale where the data are symmetric"))


def quicksight_has_no_density_plot(seed: int, looking_for: tuple = ("density", "kde", "kernel")) -> Measurement:
    """QuickSight does not provide a density plot; its distribution visual is the histogram.

    Reads the ``Visual`` shape of botocore's QuickSight service model (the
    visual types an analysis can hold) and checks that every QuickSight
    visual the kit maps to (``visuals.VISUAL_TYPES``) exists in it. Rule:
    holds when no visual type's name contains any of ``looking_for`` (case
    ignored) and ``HistogramVisual`` is there; refuted when one does.
    ``seed`` is unused (nothing is random).

        >>> quicksight_has_no_density_plot(0).verdict
        'holds'
    """
    import botocore.session

    from mlkit import visuals

    members = list(botocore.session.get_session().get_service_model("quicksight").shape_for("Visual").members)
    found = [m for m in members if any(w.lower() in m.lower() for w in looking_for)]
    mapped = {v for v in visuals.VISUAL_TYPES.values() if v}
    figures = {"quicksight_visual_types": len(members), "matching_visual_types": len(found),
               "kit_visuals_in_api": len(mapped & set(members)), "kit_visuals": len(mapped),
               "histogram_visual": "HistogramVisual" in members}
    if not found and "HistogramVisual" in members:
        return Measurement("holds", figures)
    return Measurement("refuted", figures, corrected=(
        f"QuickSight's API has {', '.join(found) or 'no HistogramVisual'} among its "
        f"{len(members)} visual types"))
