"""Local copies, in the hub's layout, of every dataset config the full profile reads.

What to write comes from :data:`repro.catalog.HUB_TASKS` (every supported source, every config
of every language, its ``train_from`` and ``translations_from`` sources being entries too); the
rows from :mod:`repro.rehearsal.fixtures`, the schemas and layouts from
:mod:`repro.rehearsal.schemas`. A dataset is laid out as the revision the catalogue reads holds it:

- a parquet conversion (most datasets): ``<config>/<split>-00000-of-00001.parquet`` (``data/`` for a
  dataset's only config) and a README whose YAML lists the configs and their features;
- the parquet-export branch ``refs/convert/parquet`` (allenai/cosmos_qa, facebook/mlqa):
  ``<config>/<split>/0000.parquet``;
- JSON lines at the root named after the split (GBaker/MedQA-USMLE-4-options).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from repro.catalog.hub_sources import HUB_TASKS, HubTaskSource
from repro.rehearsal.fixtures import Draw, split_rows
from repro.rehearsal.layout import PARQUET_SHARD, write_card, write_parquet
from repro.rehearsal.schemas import DEFAULT_CONFIGS, JSONL_FILES, features_of, splits_of

PARQUET_EXPORT = "refs/convert/parquet"


@dataclass
class DatasetPlan:
    """One hub dataset: its revision and, per config, the source that reads it and the languages."""

    dataset_id: str
    revision: str
    pinned: bool
    configs: dict[str | None, tuple[HubTaskSource, list[str]]] = field(default_factory=dict)


def dataset_plans() -> dict[str, DatasetPlan]:
    """Dataset id -> what of it the full profile reads, from every supported HUB_TASKS source."""
    plans: dict[str, DatasetPlan] = {}
    for source in HUB_TASKS.values():
        if not source.supported:
            continue
        plan = plans.setdefault(source.dataset_id, DatasetPlan(source.dataset_id, source.revision, source.pinned))
        if plan.revision != source.revision:
            raise ValueError(f"{source.dataset_id} is read at two revisions ({plan.revision}, {source.revision}); "
                             "a rehearsal cache holds one per dataset")
        for lang, config in source.configs.items():
            owner, langs = plan.configs.setdefault(config, (source, []))
            if owner.name != source.name:
                raise ValueError(f"{source.dataset_id} config {config!r} is read by {owner.name} and {source.name}")
            langs.append(lang)
    return plans


def config_name(dataset_id: str, config: str | None) -> str:
    """The name a config has on the hub (a dataset's only config has one too: "plain_text", "default")."""
    if config is not None:
        return config
    if dataset_id not in DEFAULT_CONFIGS:
        raise KeyError(f"{dataset_id}: the catalogue reads its only config, whose hub name is not in "
                       f"repro.rehearsal.schemas.DEFAULT_CONFIGS")
    return DEFAULT_CONFIGS[dataset_id][0]


def write_dataset(root: Path, plan: DatasetPlan, n: int, seed: int) -> Path:
    """Write ``root/<dataset id>/`` with ``n`` rows per split (per language for TyDiQA) of every config."""
    repo = root / plan.dataset_id
    data_files: dict[str, dict[str, str]] = {}
    features: dict[str, object] = {}
    for config, (source, langs) in plan.configs.items():
        name = config_name(plan.dataset_id, config)
        schema = features_of(source.name)
        for split in splits_of(source.name, config):
            table = split_rows(Draw(source, config, langs, split, n, seed))
            if plan.dataset_id in JSONL_FILES:
                path = repo / JSONL_FILES[plan.dataset_id].format(split=split)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in table),
                                encoding="utf-8")
                continue
            if plan.revision == PARQUET_EXPORT:
                relative = f"{name}/{split}/0000.parquet"
                pattern = f"{name}/{split}/*.parquet"
            else:
                folder = DEFAULT_CONFIGS[plan.dataset_id][1] if config is None else name
                relative = f"{folder}/{PARQUET_SHARD.format(split=split)}"
                pattern = f"{folder}/{split}-*"
            write_parquet(repo / relative, table, schema)
            data_files.setdefault(name, {})[split] = pattern
        features[name] = schema
    card = f"# {plan.dataset_id} (rehearsal copy: pseudo-text in the dataset's schema, {n} rows per split)\n"
    if plan.dataset_id in JSONL_FILES:  # the card declares no configs: datasets infers the splits from file names
        (repo / "README.md").write_text(f"---\nlicense: other\n---\n{card}", encoding="utf-8")
    else:
        # the parquet-export branch has no card; a local copy with several configs needs one to tell them apart
        write_card(repo, data_files, features, text=card)
    return repo
