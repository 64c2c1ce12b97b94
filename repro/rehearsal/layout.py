"""Write files the way the Hugging Face hub and its caches lay them out.

Three layouts, each the one the suite's loaders read:

- a dataset *repository* (:func:`write_repo`): ``<root>/<dataset id>/<dir>/<split>-00000-of-00001.parquet``
  with a README.md whose YAML header lists the ``configs`` (data files per split) and the
  ``dataset_info`` features, as the hub's parquet conversions do; or the parquet-export branch
  ``refs/convert/parquet`` (:func:`write_parquet_export`): ``<config>/<split>/0000.parquet``;
- a ``datasets`` cache (:func:`hub_style_cache`): what ``datasets.load_dataset(<id>, <config>)``
  leaves under ``HF_DATASETS_CACHE`` after a hub download, built offline from a local repository;
- a ``huggingface_hub`` cache snapshot (:func:`write_hub_snapshot`):
  ``<HF_HUB_CACHE>/<models|datasets>--<org>--<name>/{blobs,snapshots/<commit>}``, as
  ``snapshot_download`` leaves it.

The loader tests (tests/test_hub_loaders.py) and the rehearsal mirror (:mod:`repro.rehearsal.mirror`)
write their repositories with these functions, so there is one copy of them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

PARQUET_SHARD = "{split}-00000-of-00001.parquet"


# --- dataset repositories ----------------------------------------------------------------------


def features_yaml(features: Mapping[str, object] | Any) -> str:
    """The ``features`` list of a card's ``dataset_info``, indented under ``  features:``.

    ``features`` is a ``datasets.Features`` (written as the hub writes it), or the short form the
    loader tests use: name -> "string" / "int32" / ... (dtype), a tuple of class-label names, a list
    of class-label names (a sequence of class labels, one per word), "string_list" (a sequence of
    strings) or "answers" (SQuAD's answers: a sequence of text and answer_start).
    """
    import datasets

    if isinstance(features, datasets.Features):
        import yaml

        dumped = yaml.safe_dump(features._to_yaml_list(), sort_keys=False, allow_unicode=True)
        return "\n".join("  " + line for line in dumped.rstrip("\n").split("\n"))
    lines = []
    for name, kind in features.items():
        lines.append(f"  - name: {name}")
        if isinstance(kind, tuple):  # class label names
            lines.append("    dtype:\n      class_label:\n        names:")
            lines += [f"          '{i}': '{label}'" for i, label in enumerate(kind)]
        elif isinstance(kind, list):  # a sequence of class labels (one tag per word)
            lines.append("    sequence:\n      class_label:\n        names:")
            lines += [f"          '{i}': '{label}'" for i, label in enumerate(kind)]
        elif kind == "string_list":
            lines.append("    sequence: string")
        elif kind == "answers":
            lines.append("    sequence:\n    - name: text\n      dtype: string\n"
                         "    - name: answer_start\n      dtype: int32")
        else:
            lines.append(f"    dtype: {kind}")
    return "\n".join(lines)


def write_card(repo: Path, data_files: Mapping[str, Mapping[str, str]],
               features: Mapping[str, object] | None = None, text: str = "# test copy\n") -> Path:
    """README.md with the YAML header the hub's parquet conversions carry.

    data_files: config -> split -> path pattern (relative to the repository). features: config ->
    its features (see :func:`features_yaml`); configs without an entry get no ``dataset_info``.
    """
    infos, configs = [], []
    for config, splits in data_files.items():
        configs.append(f"- config_name: {config}\n  data_files:")
        configs += [f"  - split: {split}\n    path: {pattern}" for split, pattern in splits.items()]
        if features and features.get(config) is not None:
            infos.append(f"- config_name: {config}\n  features:\n{features_yaml(features[config])}")
    info = ("dataset_info:\n" + "\n".join(infos) + "\n") if infos else ""
    path = repo / "README.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{info}configs:\n" + "\n".join(configs) + f"\n---\n{text}", encoding="utf-8")
    return path


def write_parquet(path: Path, table_rows: list[dict], features: Any = None) -> Path:
    """One parquet file; with ``datasets.Features`` the schema carries them as the hub's files do."""
    import datasets
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(features, datasets.Features):
        # the Arrow table of a Dataset carries its features in the schema's "huggingface" metadata
        table = datasets.Dataset.from_list(table_rows, features=features).data.table
    else:
        table = pa.Table.from_pylist(table_rows)
    pq.write_table(table, path)
    return path


@contextlib.contextmanager
def quiet_datasets() -> Iterator[None]:
    """No progress bars from ``datasets`` inside the block (hundreds of tiny configs are built)."""
    import datasets

    was_disabled = datasets.utils.are_progress_bars_disabled()
    datasets.utils.disable_progress_bars()
    try:
        yield
    finally:
        if not was_disabled:
            datasets.utils.enable_progress_bars()


def write_repo(root: Path, dataset_id: str, configs: dict[str, dict[str, list[dict]]],
               features: Mapping[str, object] | Any = None, dirs: dict[str, str] | None = None,
               readme: bool = True) -> Path:
    """Write data files ``<dir>/<split>-00000-of-00001.parquet`` and a card listing the configs.

    configs: config -> split -> rows. features: the features of every config (see
    :func:`features_yaml`). dirs: config -> its folder (default: the config name; the hub's
    single-config datasets use ``data``).
    """
    repo = root / dataset_id
    data_files: dict[str, dict[str, str]] = {}
    for config, splits in configs.items():
        directory = (dirs or {}).get(config, config)
        data_files[config] = {}
        for split, table_rows in splits.items():
            write_parquet(repo / directory / PARQUET_SHARD.format(split=split), table_rows, features)
            data_files[config][split] = f"{directory}/{split}-*"
    if readme:
        write_card(repo, data_files, {config: features for config in configs} if features else None)
    return repo


def write_parquet_export(root: Path, dataset_id: str, configs: dict[str, dict[str, list[dict]]],
                         features: Any = None, readme: bool = False) -> Path:
    """The hub's parquet-export branch (``refs/convert/parquet``): ``<config>/<split>/0000.parquet``.

    The branch has no card; a local copy with several configs needs one (``readme``) for
    ``datasets`` to tell the configs apart.
    """
    repo = root / dataset_id
    data_files: dict[str, dict[str, str]] = {}
    for config, splits in configs.items():
        data_files[config] = {}
        for split, table_rows in splits.items():
            write_parquet(repo / config / split / "0000.parquet", table_rows, features)
            data_files[config][split] = f"{config}/{split}/*.parquet"
    if readme:
        write_card(repo, data_files, {config: features for config in configs} if features else None)
    return repo


def rows(**columns):
    """Column lists -> row dicts."""
    n = len(next(iter(columns.values())))
    return [{k: v[i] for k, v in columns.items()} for i in range(n)]


def qa_rows(prefix: str, n: int, *, lang_prefix: str = "", empty_at: int | None = None):
    """SQuAD-style rows whose answer ``answer<i>`` stands in the context; ids ``<lang_prefix><prefix>-<i>``."""
    out = []
    for i in range(n):
        context = f"{prefix} context number {i} mentions the answer{i} here."
        answer = f"answer{i}"
        start = context.index(answer)
        answers = {"text": [], "answer_start": []} if i == empty_at else {"text": [answer], "answer_start": [start]}
        out.append({"id": f"{lang_prefix}{prefix}-{i}", "title": f"T{i}", "context": context,
                    "question": f"{prefix} question {i}?", "answers": answers})
    return out


# --- the datasets cache ------------------------------------------------------------------------


def cache_directory_name(dataset_id: str) -> str:
    """The folder ``datasets`` caches a hub dataset in: ``<namespace>___<name in snake case>``."""
    from datasets.naming import camelcase_to_snakecase

    parts = dataset_id.split("/")
    parts[-1] = camelcase_to_snakecase(parts[-1])
    return "___".join(parts)


def hub_style_cache(repo: Path, cache: Path, dataset_id: str, configs: list[str | None],
                    commit: str | None = None) -> list[Path]:
    """A datasets cache as a hub download leaves it, built offline from the local copy ``repo``.

    datasets caches a hub dataset under ``<cache>/<namespace>___<name>/<config>/0.0.0/<commit>/``
    and a dataset read from a directory under ``<cache>/<directory name>/<config>/0.0.0/<hash>/``:
    load the local copy into a scratch cache, then move each config's folder. ``commit`` names the
    last folder as a hub download would (default: the local load's hash). Returns the folders.
    """
    import datasets

    scratch = cache.parent / f".scratch-{cache.name}-{os.getpid()}"
    target_root = cache / cache_directory_name(dataset_id)
    placed = []
    try:
        card = _read_card(repo)
        with quiet_datasets():
            for config in configs:
                # datasets parses the whole card on every load: a card of 131 configs (google/xtreme) takes
                # about a second per load, a card of one a few milliseconds
                view = _single_config_view(repo, card, config, scratch / "views")
                datasets.load_dataset(str(view), config, cache_dir=str(scratch / "cache"))
        for info in sorted((scratch / "cache").glob("*/*/*/*/dataset_info.json")):
            built = info.parent
            config_dir = built.parent.parent.name
            target = target_root / config_dir / built.parent.name / (commit or built.name)
            if target.exists():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(built), str(target))
            placed.append(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return placed


def _read_card(repo: Path) -> tuple[dict, str] | None:
    """(YAML header, body) of the repository's card, or None without a card or header."""
    import yaml

    card = repo / "README.md"
    text = card.read_text(encoding="utf-8") if card.is_file() else ""
    if not text.startswith("---\n"):
        return None
    header, _, body = text[4:].partition("\n---\n")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader reads a 131-config card in milliseconds
    return yaml.load(header, Loader=loader) or {}, body


def _single_config_view(repo: Path, card: tuple[dict, str] | None, config: str | None, views: Path) -> Path:
    """``repo`` itself, or for a config of a card listing several, a folder whose card lists that
    config alone and whose data folders are links to the repository's (same data, same features)."""
    import yaml

    if card is None or config is None:
        return repo
    meta, body = card
    listed = [c for c in meta.get("configs") or [] if c.get("config_name") == config]
    if len(meta.get("configs") or []) <= 1 or not listed:
        return repo
    single = {**meta, "configs": listed}
    if isinstance(meta.get("dataset_info"), list):
        single["dataset_info"] = [i for i in meta["dataset_info"] if i.get("config_name") == config]
    view = views / config / repo.name  # datasets names the arrow files after the folder: keep the repository's
    view.mkdir(parents=True, exist_ok=True)
    (view / "README.md").write_text("---\n" + yaml.safe_dump(single, sort_keys=False, allow_unicode=True)
                                    + "---\n" + body, encoding="utf-8")
    for folder in {entry["path"].split("/", 1)[0] for entry in listed[0].get("data_files", [])}:
        link = view / folder
        if not link.exists():
            link.symlink_to((repo / folder).resolve(), target_is_directory=True)
    return view


# --- the huggingface_hub cache -----------------------------------------------------------------


def write_hub_snapshot(hub_cache: Path, repo_id: str, commit: str, files: Mapping[str, bytes | Path], *,
                       repo_type: str = "model", ref: str | None = None) -> Path:
    """Files of one commit laid out as ``snapshot_download`` caches them; returns the snapshot folder.

    Each file's bytes go to ``blobs/<sha256>`` and ``snapshots/<commit>/<path>`` is a relative
    symlink to it (a copy where the file system has no symlinks). ``ref`` (a branch such as "main")
    also writes ``refs/<ref>`` naming the commit, as a download by branch name does; a download by
    commit id writes no ref.
    """
    storage = hub_cache / f"{repo_type}s--{repo_id.replace('/', '--')}"
    snapshot = storage / "snapshots" / commit
    for relative, content in files.items():
        data = content.read_bytes() if isinstance(content, Path) else content
        blob = storage / "blobs" / hashlib.sha256(data).hexdigest()
        blob.parent.mkdir(parents=True, exist_ok=True)
        if not blob.exists():
            blob.write_bytes(data)
        link = snapshot / relative
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.exists() or link.is_symlink():
            link.unlink()
        try:
            link.symlink_to(os.path.relpath(blob, link.parent))
        except OSError:  # no symlinks here (some Windows setups): huggingface_hub copies too
            shutil.copyfile(blob, link)
    if ref:
        (storage / "refs" / ref).parent.mkdir(parents=True, exist_ok=True)
        (storage / "refs" / ref).write_text(commit)
    return snapshot
