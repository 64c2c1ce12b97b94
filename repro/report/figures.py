"""The report's figures: matplotlib PNGs (base64), embedded in the page so that one file is the report.

Each function takes plain data (:mod:`repro.report.rows`, verify's dicts) and returns the PNG as
base64 text, or None when there is nothing to draw. Sizes grow with the data but stay within about
1,300 pixels in width: many rows make a figure taller, many panels wrap onto new lines.
"""

from __future__ import annotations

import base64
import io
import math

from repro.report.rows import ForestGroup, finite

DPI = 100
VERDICT_COLOURS = {
    "reproduced": "#1b7837", "supported": "#1b7837",
    "weaker": "#e08214", "stronger": "#b35806", "inconclusive": "#5e6ca8",
    "contradicted": "#c51b1b", "error": "#c51b1b",
    "not comparable": "#8c8c8c", "not run": "#b8b8b8",
}
ARM_COLOURS = {"baseline": "#4c72b0", "treatment": "#dd8452", "control": "#8c8c8c"}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def png(fig) -> str:
    """The figure as base64 PNG text (the figure is closed)."""
    plt = _pyplot()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _limits(rows) -> tuple[float, float]:
    """The x limits: they show every mean, reported band and margin, and the intervals as far as twice that
    range on either side; wider intervals are clipped (drawn with an arrowhead at the edge)."""
    core = [0.0]
    for r in rows:
        core += [v for v in (r.mean,) if finite(v)]
        if finite(r.reported):
            core += [r.reported - (r.tolerance or 0), r.reported + (r.tolerance or 0)]
        if finite(r.margin):
            core += [-r.margin, r.margin]
    low, high = min(core), max(core)
    span = max(high - low, 2.0)
    bounds = [v for r in rows for v in (r.low, r.high) if finite(v)]
    left = max(min(bounds + [low]), low - 2 * span)
    right = min(max(bounds + [high]), high + 2 * span)
    pad = 0.05 * (right - left) + 0.1 * span
    return left - pad, right + pad


def forest(groups: list[ForestGroup], *, title: str, measured: bool) -> str | None:
    """Forest plot: per row the reported value with its tolerance band (claims) or the expected
    direction (hypotheses, controls), and the measured effect with its 95% interval, coloured by the
    verdict (``measured``: by the verdict rule applied to the measurement, on a profile whose verdicts
    do not count)."""
    rows = [row for g in groups for row in g.rows]
    if not rows:
        return None
    plt = _pyplot()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    lines = len(rows) + len(groups)
    fig, ax = plt.subplots(figsize=(9.5, 1.3 + 0.27 * lines))
    xmin, xmax = _limits(rows)
    labels, y = [], 0
    colours_used = set()
    for group in groups:
        ax.text(0.005, -y, group.title, transform=ax.get_yaxis_transform(), ha="left", va="center",
                fontsize=9, fontweight="bold", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        ax.axhline(-y + 0.5, color="#dddddd", linewidth=0.8)
        labels.append((-y, ""))
        y += 1
        for row in group.rows:
            pos = -y
            labels.append((pos, ("    \u21b3 " if row.indent else "") + row.label))
            if finite(row.reported):
                tol = row.tolerance or 0
                ax.add_patch(plt.Rectangle((row.reported - tol, pos - 0.32), 2 * tol, 0.64, color="#d9d9d9",
                                           zorder=1, linewidth=0))
                ax.plot(row.reported, pos, marker="D", markersize=6, markerfacecolor="white",
                        markeredgecolor="black", zorder=3)
            elif row.expected == "no_difference" and finite(row.margin):
                ax.add_patch(plt.Rectangle((-row.margin, pos - 0.32), 2 * row.margin, 0.64, facecolor="none",
                                           edgecolor="#9a9a9a", hatch="///", linewidth=0, zorder=1))
            elif row.expected in ("treatment_better", "treatment_worse"):
                sign = 1 if row.expected == "treatment_better" else -1
                ax.annotate("", xy=(sign * 0.12 * (xmax - xmin), pos), xytext=(0, pos),
                            arrowprops={"arrowstyle": "-|>", "color": "#7a7a7a", "linewidth": 1.2}, zorder=2)
            if finite(row.mean) and not row.header:
                colour = VERDICT_COLOURS.get(row.colour, "#444444")
                colours_used.add(row.colour)
                if finite(row.low) and finite(row.high):
                    lo, hi = max(row.low, xmin), min(row.high, xmax)
                    ax.plot([lo, hi], [pos, pos], color=colour, linewidth=2, zorder=4)
                    for clipped, edge, mark in ((row.low < xmin, xmin, "<"), (row.high > xmax, xmax, ">")):
                        if clipped:
                            ax.plot(edge, pos, marker=mark, color=colour, markersize=6, zorder=4, clip_on=False)
                ax.plot(row.mean, pos, marker="o", markersize=6, color=colour, zorder=5,
                        markerfacecolor=colour if finite(row.low) else "white")
            ax.text(1.01, pos, row.note, transform=ax.get_yaxis_transform(), fontsize=8, va="center",
                    color=VERDICT_COLOURS.get(row.colour, "#444444") if row.note != "not comparable" else "#666666")
            y += 1
    ax.axvline(0, color="black", linewidth=0.8, zorder=2)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(-y + 0.4, 0.6)
    ax.set_yticks([p for p, _ in labels], [text for _, text in labels], fontsize=8)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("effect: treatment \u2212 baseline (points)")
    ax.grid(axis="x", color="#eeeeee")
    ax.set_title(title, fontsize=10, loc="left")
    handles = [
        Patch(facecolor="#d9d9d9", edgecolor="black", label="reported \u00b1 tolerance (claims)"),
        Line2D([], [], color="#7a7a7a", marker=">", linestyle="-", label="expected direction (hypotheses)"),
        Patch(facecolor="none", edgecolor="#9a9a9a", hatch="///", label="no difference expected: \u00b1margin"),
        Line2D([], [], color="#444444", marker="o", linewidth=2, label="measured effect, 95% CI"),
    ]
    prefix = "measured (not comparable): " if measured else ""
    handles += [Line2D([], [], color=VERDICT_COLOURS[v], marker="o", linewidth=2, label=prefix + v)
                for v in VERDICT_COLOURS if v in colours_used]
    ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.9 / (1.3 + 0.27 * lines)),
              ncol=3, frameon=False)
    return png(fig)


def _panel_grid(count: int, ncols: int, panel_w: float, panel_h: float):
    """A figure with ``count`` panel slots, ``ncols`` to a line (fewer if there are fewer panels)."""
    plt = _pyplot()
    ncols = max(1, min(ncols, count))
    nrows = math.ceil(count / ncols)
    fig = plt.figure(figsize=(panel_w * ncols, panel_h * nrows))
    return fig, fig.add_gridspec(nrows, ncols, hspace=0.35, wspace=0.3), ncols


def target_panels(per_language: list[dict], arm_labels: dict[str, str]) -> str | None:
    """Small multiples, one panel per target task: each arm's score per language (top) and the effect
    per language (bottom)."""
    rows = [r for r in per_language if "|" not in r["language"]]
    targets = list(dict.fromkeys(r["target"] for r in rows))
    if not targets:
        return None
    import numpy as np

    most = max(sum(r["target"] == t for r in rows) for t in targets)
    fig, grid, ncols = _panel_grid(len(targets), 2 if most > 8 else 3, 4.4 if most <= 8 else 6.2, 4.4)
    arms = [a for a in ("baseline", "treatment", "control") if a in rows[0]]
    for i, target in enumerate(targets):
        part = [r for r in rows if r["target"] == target]
        slot = grid[i // ncols, i % ncols].subgridspec(2, 1, height_ratios=[2, 1], hspace=0.08)
        top = fig.add_subplot(slot[0])
        bottom = fig.add_subplot(slot[1], sharex=top)
        x = np.arange(len(part))
        width = 0.8 / len(arms)
        for j, arm in enumerate(arms):
            top.bar(x + (j - (len(arms) - 1) / 2) * width, [r.get(arm, np.nan) for r in part], width,
                    label=arm_labels.get(arm, arm), color=ARM_COLOURS[arm])
        top.set_title(target, fontsize=10)
        top.set_ylabel("score (points)", fontsize=8)
        top.tick_params(labelbottom=False, labelsize=7)
        if i == 0:
            handles = top.get_legend_handles_labels()
        effects = [r["effect"] for r in part]
        bottom.bar(x, effects, color=["#1b7837" if e >= 0 else "#c51b1b" for e in effects])
        bottom.axhline(0, color="black", linewidth=0.8)
        bottom.set_ylabel("effect", fontsize=8)
        bottom.set_xticks(x, [r["language"] for r in part], rotation=45, ha="right", fontsize=7)
        bottom.tick_params(labelsize=7)
    fig.legend(*handles, loc="lower center", bbox_to_anchor=(0.5, 0.9), ncol=len(arms), fontsize=8, frameon=False)
    return png(fig)


def pair_heatmaps(per_language: list[dict], arm_labels: dict[str, str]) -> str | None:
    """The generalized setting's language-pair matrices, per target: baseline, treatment (one colour
    scale) and their difference (diverging scale centred on 0)."""
    rows = [r for r in per_language if "|" in r["language"]]
    targets = list(dict.fromkeys(r["target"] for r in rows))
    if not targets:
        return None
    import numpy as np

    plt = _pyplot()
    languages_of = {t: sorted({lang for r in rows if r["target"] == t for lang in r["language"].split("|")})
                    for t in targets}
    size = min(4.2, 1.2 + 0.38 * max(len(v) for v in languages_of.values()))
    fig, axes = plt.subplots(len(targets), 3, figsize=(3 * size + 1.2, size * len(targets)), squeeze=False)
    for row_axes, target in zip(axes, targets):
        langs = languages_of[target]
        index = {lang: i for i, lang in enumerate(langs)}
        grids = {name: np.full((len(langs), len(langs)), np.nan) for name in ("baseline", "treatment", "effect")}
        for r in rows:
            if r["target"] != target:
                continue
            a, b = r["language"].split("|")
            for name, grid in grids.items():
                grid[index[a], index[b]] = r.get(name, np.nan)
        scores = np.concatenate([grids["baseline"].ravel(), grids["treatment"].ravel()])
        vmin, vmax = np.nanmin(scores), np.nanmax(scores)
        bound = float(np.nanmax(np.abs(grids["effect"]))) or 1.0
        specs = [("baseline", arm_labels.get("baseline", "baseline"), "viridis", vmin, vmax),
                 ("treatment", arm_labels.get("treatment", "treatment"), "viridis", vmin, vmax),
                 ("effect", "difference (treatment \u2212 baseline)", "RdBu", -bound, bound)]
        for ax, (name, label, cmap, lo, hi) in zip(row_axes, specs):
            image = ax.imshow(grids[name], cmap=cmap, vmin=lo, vmax=hi)
            ax.set_xticks(range(len(langs)), langs, fontsize=7, rotation=90)
            ax.set_yticks(range(len(langs)), langs, fontsize=7)
            ax.set_title(f"{target}: {label}", fontsize=8)
            ax.set_xlabel("sentence 2", fontsize=7)
            ax.set_ylabel("sentence 1", fontsize=7)
            if len(langs) <= 8:
                for (i, j), value in np.ndenumerate(grids[name]):
                    if not math.isnan(value):
                        ax.text(j, i, f"{value:+.1f}" if name == "effect" else f"{value:.0f}", ha="center",
                                va="center", fontsize=6, color="black" if name == "effect" else "white")
            fig.colorbar(image, ax=ax, shrink=0.75).ax.tick_params(labelsize=6)
    fig.subplots_adjust(wspace=0.35, hspace=0.45)  # cheaper than tight_layout; savefig trims the margins
    return png(fig)


def group_bars(groups: dict[str, list[dict]]) -> str | None:
    """Per grouping (family, script, resource class) a panel: each group's mean effect as a bar and
    its languages' own effects as dots, with the number of languages under each bar."""
    if not groups:
        return None
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(groups), figsize=(min(13.0, 4.2 * len(groups)), 3.4), squeeze=False)
    for ax, (label, entries) in zip(axes[0], groups.items()):
        for i, entry in enumerate(entries):
            ax.bar(i, entry["mean"], color="#1b7837" if entry["mean"] >= 0 else "#c51b1b", alpha=0.75)
            values = list(entry["languages"].values())
            offsets = [(k - (len(values) - 1) / 2) * 0.08 for k in range(len(values))]
            ax.plot([i + o for o in offsets], values, "o", color="black", markersize=3)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xticks(range(len(entries)), [f"{e['group']}\n(n={len(e['languages'])})" for e in entries],
                      fontsize=7, rotation=30 if len(entries) > 4 else 0, ha="right" if len(entries) > 4 else "center")
        ax.set_title(f"by {label}", fontsize=9)
        ax.set_ylabel("mean effect (points)", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.subplots_adjust(wspace=0.3)
    return png(fig)


def attack_panels(scores: dict, arm_labels: dict[str, str]) -> str | None:
    """Per target a panel: per language, each arm's clean score (circle) joined to its attacked score
    (triangle), so the drop under attack reads as the length of the line."""
    if not scores:
        return None
    from matplotlib.lines import Line2D

    targets = list(scores)
    most = max(len({lang for arm in scores[t].values() for lang in arm}) for t in targets)
    fig, grid, ncols = _panel_grid(len(targets), 2, min(6.2, 1.8 + 0.45 * most), 3.3)
    for i, target in enumerate(targets):
        ax = fig.add_subplot(grid[i // ncols, i % ncols])
        arms = list(scores[target])
        languages = sorted({lang for arm in arms for lang in scores[target][arm]})
        for j, arm in enumerate(arms):
            offset = (j - (len(arms) - 1) / 2) * 0.22
            for k, lang in enumerate(languages):
                if lang not in scores[target][arm]:
                    continue
                clean, attacked = scores[target][arm][lang]
                colour = ARM_COLOURS.get(arm, "black")
                ax.plot([k + offset] * 2, [clean, attacked], color=colour, linewidth=1.5)
                ax.plot(k + offset, clean, "o", color=colour, markersize=4)
                ax.plot(k + offset, attacked, "v", color=colour, markersize=5)
        ax.set_xticks(range(len(languages)), languages, fontsize=7, rotation=45 if len(languages) > 8 else 0)
        ax.set_title(target, fontsize=9)
        ax.set_ylabel("score (points)", fontsize=8)
        ax.tick_params(labelsize=7)
        if i == 0:
            handles = [Line2D([], [], color=ARM_COLOURS.get(a, "black"), linewidth=1.5, label=arm_labels.get(a, a))
                       for a in arms]
            handles += [Line2D([], [], color="black", marker="o", linestyle="", label="clean"),
                        Line2D([], [], color="black", marker="v", linestyle="", label="attacked")]
            fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.9), ncol=len(handles), fontsize=8,
                       frameon=False)
    return png(fig)
