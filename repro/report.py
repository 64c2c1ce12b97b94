"""Report: Jinja2 (autoescaped) -> ``<dir>/index.html``, ``<dir>/report.md``, ``<dir>/results.json``.

The report reads only what verify produced, the specs, the stored runs' configs and
claims/sources.json. Plots are matplotlib PNGs embedded in the page, so one file is the report.
"""

from __future__ import annotations

import base64
import io
import json
import math
import platform
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import jinja2

from repro.profiles import Profile
from repro import catalog
from repro.io import find_project_root, write_json, write_text
from repro.provenance import load_sources
from repro.verify import VERDICT_HELP, ClaimResult

PACKAGES = ("xlt-repro", "torch", "transformers", "accelerate", "datasets", "tokenizers", "numpy", "pandas")


def environment() -> dict:
    import torch

    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=find_project_root() or Path.cwd(), capture_output=True,
                                text=True, timeout=5).stdout.strip() or "unknown"
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=find_project_root() or Path.cwd(),
                                    capture_output=True, text=True, timeout=5).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "unknown", False
    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else f"CPU ({platform.processor() or platform.machine()})"
    return {
        "packages": versions, "git_commit": commit + (" (uncommitted changes)" if dirty else ""),
        "device": device, "torch_threads": torch.get_num_threads(), "python": platform.python_version(),
        "platform": platform.platform(), "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def plot_claim(result: ClaimResult, setting: str) -> str | None:
    """Per-language scores by arm and the effect; a heatmap of the effect in the generalized setting."""
    if not result.per_language:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    rows = result.per_language
    if setting == "generalized":
        languages = sorted({lang for r in rows for lang in r["language"].split("|")})
        index = {lang: i for i, lang in enumerate(languages)}
        grid = np.full((len(languages), len(languages)), np.nan)
        for r in rows:
            a, b = r["language"].split("|")
            grid[index[a], index[b]] = r["effect"]
        bound = np.nanmax(np.abs(grid)) or 1.0
        fig, ax = plt.subplots(figsize=(1.0 + 0.6 * len(languages), 0.8 + 0.55 * len(languages)))
        image = ax.imshow(grid, cmap="RdBu", vmin=-bound, vmax=bound)
        ax.set_xticks(range(len(languages)), languages)
        ax.set_yticks(range(len(languages)), languages)
        ax.set_xlabel("language of sentence 2")
        ax.set_ylabel("language of sentence 1")
        ax.set_title("effect (treatment - baseline), points")
        for (i, j), value in np.ndenumerate(grid):
            if not math.isnan(value):
                ax.text(j, i, f"{value:+.1f}", ha="center", va="center", fontsize=7)
        fig.colorbar(image, ax=ax, shrink=0.8)
        return _png(fig)
    labels = [f"{r['target']}:{r['language']}" if len({x['target'] for x in rows}) > 1 else r["language"]
              for r in rows]
    arms = [a for a in ("baseline", "treatment", "control") if a in rows[0]]
    x = np.arange(len(rows))
    width = 0.8 / len(arms)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(max(5, 0.7 * len(rows) + 2), 5), sharex=True,
                                      gridspec_kw={"height_ratios": [2, 1]})
    for i, arm in enumerate(arms):
        top.bar(x + (i - (len(arms) - 1) / 2) * width, [r[arm] for r in rows], width,
                label=result.arms[arm]["label"])
    top.set_ylabel("score (points)")
    top.legend(fontsize=8)
    effects = [r["effect"] for r in rows]
    bottom.bar(x, effects, color=["tab:green" if e >= 0 else "tab:red" for e in effects])
    bottom.axhline(0, color="black", linewidth=0.8)
    bottom.set_ylabel("effect")
    bottom.set_xticks(x, labels, rotation=45, ha="right")
    return _png(fig)


def _load_sources() -> dict:
    try:
        return {k: v.to_dict() for k, v in load_sources().items()}
    except Exception:  # noqa: BLE001 - a report without provenance beats no report; the page says so
        return {}


def _fmt(value, digits=2, sign=False):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"


def _claim_runs(plan, runs: dict[str, dict]) -> list[dict]:
    """Every run a claim reads, its parents included, as (arm, target, seed, config, status)."""
    rows, seen = [], set()
    groups = [(arm.label, arm.runs) for reading in plan.readings for arm in reading.arms.values()]
    groups += [(f"{arm.label}: {label}", per_target) for reading in plan.readings for arm in reading.arms.values()
               for label, per_target in arm.candidates.items()]
    for arm_label, per_target in groups:
        for target, arm_runs in per_target.items():
            for seed, run in zip(plan.seeds, arm_runs):
                for key in filter(None, (run.parent, run.key)):
                    if key in seen:
                        continue
                    seen.add(key)
                    stored = runs.get(key, {})
                    rows.append({"arm": arm_label, "target": target, "seed": seed, "key": key,
                                 "status": stored.get("status", "missing"),
                                 "seconds": stored.get("seconds"),
                                 "config": json.dumps(stored.get("runspec", {}), indent=1, sort_keys=True)})
    return rows


def render(results: list[ClaimResult], plans: list, specs: list, profile: Profile, runs: dict[str, dict],
           out_dir: Path) -> dict:
    """Write the three report files; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    by_id = {s.id: s for s in specs}
    sources = _load_sources()
    env = environment()
    claims = []
    plan_of = {p.spec.id: p for p in plans}
    for result in results:
        spec = by_id[result.id]
        source = getattr(spec, "source", None)  # controls have a rationale, not a paper
        claims.append({
            "result": result, "spec": spec, "source": sources.get(source.arxiv, {}) if source else {},
            "plot": plot_claim(result, spec.setting) if result.per_language else None,
            "targets": ", ".join(f"{t.task} ({t.metric})" for t in spec.targets),
            # on a scaled profile several real tasks can share one analog: say so next to the numbers
            "analogs": {t.task: profile.resolve_task(t.task) for t in spec.targets
                        if profile.task_source == "embedded" and profile.resolve_task(t.task)},
            "runs": _claim_runs(plan_of[result.id], runs),
            "reimplemented": _reimplemented(spec),
            "left_out": {k: v for reading in plan_of[result.id].readings for k, v in reading.left_out.items()},
        })
    background = [s for s in specs if s.kind == "background"]
    templates = jinja2.Environment(
        loader=jinja2.PackageLoader("repro", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    templates.filters["fmt"] = _fmt
    controls = [c for c in claims if c["spec"].kind == "control"]
    claims = [c for c in claims if c["spec"].kind != "control"]
    context = {
        "profile": profile, "claims": claims, "controls": controls, "background": background, "env": env, "sources": sources,
        "verdict_help": VERDICT_HELP, "counts": _counts(results), "runs": runs,
    }
    html = templates.get_template("report.html.j2").render(**context)
    markdown_env = jinja2.Environment(loader=templates.loader, autoescape=False, undefined=jinja2.StrictUndefined,
                                      trim_blocks=True, lstrip_blocks=True)
    markdown_env.filters["fmt"] = _fmt
    markdown = markdown_env.get_template("report.md.j2").render(**context)
    paths = {"html": out_dir / "index.html", "markdown": out_dir / "report.md", "json": out_dir / "results.json"}
    write_text(paths["html"], html)
    write_text(paths["markdown"], markdown)
    write_json(paths["json"], {
        "profile": profile.name, "comparable": profile.comparable, "environment": env,
        "claims": [r.to_json() for r in results],
        "runs": {key: {k: v for k, v in value.items() if k != "host"} for key, value in runs.items()},
    })
    return paths


def _reimplemented(spec) -> list[str]:
    """What the suite reimplements in a spec's recipes, from the catalogue's objectives."""
    notes = []
    recipes = [spec.baseline, spec.treatment] + [r.treatment for r in spec.readings if r.treatment]
    for recipe in recipes:
        for candidate in getattr(recipe, "select_from", [recipe]):
            objective = catalog.objective(candidate.finetune.objective.name)
            if objective.reimplementation:
                note = f"{objective.label}: a reimplementation of {objective.reimplementation}"
                if note not in notes:
                    notes.append(note)
    return notes


def _counts(results: list[ClaimResult]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    return counts
