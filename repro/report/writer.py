"""Write a report folder: ``index.html`` (Jinja2, autoescaped), ``report.md`` (safe for a GitHub Actions
job summary) and ``results.json`` (the schema in ``repro/data/results.schema.json``)."""

from __future__ import annotations

import json
import platform
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from repro import catalog
from repro.io import dumps_json, find_project_root, write_json, write_text
from repro.profiles import Profile
from repro.provenance import load_sources
from repro.report import figure_sets, rows
from repro.report.history import Snapshot, compare, load_snapshot, snapshot, summary_line
from repro.report.schema import SCHEMA_VERSION, ResultsFileError
from repro.report.templating import templates
from repro.verify import VERDICT_HELP, ClaimResult

PACKAGES = ("xlt-repro", "torch", "transformers", "accelerate", "datasets", "tokenizers", "numpy", "pandas")


def git_state(cwd: Path | None = None) -> tuple[str, bool]:
    """The checkout's short commit id ("unknown" outside git) and whether tracked files changed."""
    cwd = cwd or find_project_root() or Path.cwd()
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=cwd, capture_output=True, text=True,
                                timeout=5).stdout.strip() or "unknown"
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=cwd,
                                    capture_output=True, text=True, timeout=5).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return "unknown", False
    return commit, dirty and commit != "unknown"


def utc_stamp(now: datetime) -> str:
    """ISO 8601 in UTC to the second: ``2026-12-02T03:06:15Z``."""
    return now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def environment(now: datetime | None = None, git: tuple[str, bool] | None = None) -> dict:
    """Package versions, commit, device and time of a report (``now``: the time to record; ``git``:
    :func:`git_state`, read here when not given)."""
    import torch

    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    commit, dirty = git or git_state()
    device = (torch.cuda.get_device_name(0) if torch.cuda.is_available()
              else f"CPU ({platform.processor() or platform.machine()})")
    now = now or datetime.now(timezone.utc)
    return {
        "packages": versions, "git_commit": commit + (" (uncommitted changes)" if dirty else ""),
        "device": device, "torch_threads": torch.get_num_threads(), "python": platform.python_version(),
        "platform": platform.platform(), "generated": now.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def results_payload(results: list[ClaimResult], profile: Profile, env: dict, now: datetime, runs: dict,
                    git: tuple[str, bool]) -> dict:
    """results.json's content (schema version :data:`SCHEMA_VERSION`); ``git``: :func:`git_state`."""
    commit, dirty = git
    return {
        "schema_version": SCHEMA_VERSION, "generated": utc_stamp(now), "git_commit": commit or "unknown",
        "git_dirty": dirty,
        "profile": profile.name, "comparable": profile.comparable, "rehearsal": profile.rehearsal,
        "environment": env,
        "claims": [r.to_json() for r in results],
        "runs": {key: {k: v for k, v in value.items() if k != "host"} for key, value in runs.items()},
    }


def write_results(path: Path, payload: dict) -> Path:
    """Write results.json as strict JSON (NaN and infinities become null)."""
    return write_json(path, payload)


def _load_sources() -> dict:
    try:
        return {k: v.to_dict() for k, v in load_sources().items()}
    except Exception:  # noqa: BLE001 - a report without provenance beats no report; the page says so
        return {}


def _claim_runs(plan, runs: dict[str, dict]) -> list[dict]:
    """Every run a claim reads, its parents included, as (arm, target, seed, config, status)."""
    out, seen = [], set()
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
                    out.append({"arm": arm_label, "target": target, "seed": seed, "key": key,
                                "status": stored.get("status", "missing"), "seconds": stored.get("seconds"),
                                "config": json.dumps(stored.get("runspec", {}), indent=1, sort_keys=True)})
    return out


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


def render(results: list[ClaimResult], plans: list, specs: list, profile: Profile, runs: dict[str, dict],
           out_dir: Path, *, now: datetime | None = None) -> dict:
    """Write index.html, report.md and results.json into ``out_dir``; returns their paths by kind
    (``html``, ``markdown``, ``json``)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(timezone.utc)
    by_id = {s.id: s for s in specs}
    sources = _load_sources()
    git = git_state()
    env = environment(now, git)
    plan_of = {p.spec.id: p for p in plans}
    claims = []
    for result in results:
        spec = by_id[result.id]
        source = getattr(spec, "source", None)  # controls have a rationale, not a paper
        plan = plan_of.get(result.id)
        claims.append({
            "result": result, "spec": spec, "source": sources.get(source.arxiv, {}) if source else {},
            "row": rows.summary_row(result, spec, sources),
            "figures": figure_sets.claim_figures(result, spec, plan, runs, profile),
            "targets": rows.target_phrase(spec),
            # on a scaled profile several real tasks can share one analog: say so next to the numbers
            "analogs": {t.task: profile.resolve_task(t.task) for t in spec.targets
                        if profile.task_source == "embedded" and profile.resolve_task(t.task)},
            "runs": _claim_runs(plan, runs) if plan else [],
            "reimplemented": _reimplemented(spec),
            "left_out": {k: v for reading in plan.readings for k, v in reading.left_out.items()} if plan else {},
        })
    controls = [c for c in claims if c["spec"].kind == "control"]
    papers = [c for c in claims if c["spec"].kind != "control"]
    context = {
        "profile": profile, "claims": papers, "controls": controls, "all_rows": [c["row"] for c in claims],
        "sections": figure_sets.grouped_sections(papers, lambda key: rows.paper_title(key, sources)),
        "background": [s for s in specs if s.kind == "background"], "env": env, "sources": sources,
        "verdict_help": VERDICT_HELP, "counts": _counts(results), "runs": runs,
        "forest": figure_sets.forest_figure(results, by_id, sources, profile, controls=False),
        "forest_controls": figure_sets.forest_figure(results, by_id, sources, profile, controls=True),
        "questions": rows.question_answers(results, by_id, profile),
        "filters": _filter_values([c["row"] for c in claims]),
        "generated": utc_stamp(now),
    }
    paths = {"html": out_dir / "index.html", "markdown": out_dir / "report.md", "json": out_dir / "results.json"}
    payload = results_payload(results, profile, env, now, runs, git)
    context["changes"] = _changes_since(_archive_previous(out_dir), payload)
    write_text(paths["html"], templates(True).get_template("report.html.j2").render(**context))
    write_text(paths["markdown"], templates(False).get_template("report.md.j2").render(**context))
    write_results(paths["json"], payload)
    return paths


def _archive_previous(out_dir: Path) -> Snapshot | None:
    """The report folder's previous results.json, copied into ``history/`` (so that ``repro report
    --history <dir>/history`` shows the folder's past), or None for a first report."""
    previous = out_dir / "results.json"
    if not previous.is_file():
        return None
    try:
        snap = load_snapshot(previous)
    except ResultsFileError:
        return None  # unreadable: nothing to compare with (repro diff names the problem)
    stamp = snap.generated.replace(":", "").replace(" ", "_")
    write_text(out_dir / "history" / f"results-{stamp}-{snap.commit}.json", previous.read_text(encoding="utf-8"))
    return snap


def _changes_since(previous: Snapshot | None, payload: dict) -> dict | None:
    """What changed since the previous report in this folder: verdict flips and effects that moved
    beyond their intervals (repro.report.history's rules), for the report's "What changed" section."""
    if previous is None:
        return None
    changes = compare(previous, snapshot(json.loads(dumps_json(payload)), "this report"))  # as read back
    return {"previous": previous, "summary": summary_line(changes),
            "rows": [c for c in changes if c.status != "unchanged"]}


def _filter_values(summary: list[dict]) -> dict[str, list[tuple[str, str]]]:
    """The choices of the summary table's filters: (value, label) in order of first appearance."""
    papers = {row["paper"]: row["paper_title"] for row in summary}
    tasks = sorted({task for row in summary for task in row["tasks"]})
    return {
        "paper": list(papers.items()),
        "task": [(t, t) for t in tasks],
        "verdict": [(v, v) for v in dict.fromkeys(row["verdict"] for row in summary)],
        "kind": [(k, k) for k in dict.fromkeys(row["kind"] for row in summary)],
    }
