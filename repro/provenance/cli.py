"""``repro sources fetch|seed|list``: the command line of the provenance package (wired in by
``repro.cli``). The top layer of the package: the only module that loads claim specs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from repro.io import claims_dir
from repro.provenance.arxiv_api import fetch_sources
from repro.provenance.cache import default_fetch_ids, load_sources, seed_sources_from_metadata
from repro.provenance.errors import SourcesError
from repro.provenance.fulltext import FullText, fetch_fulltext
from repro.provenance.grounding import Grounding, ground_quote, write_groundings
from repro.provenance.ids import normalize_arxiv_id
from repro.spec import SpecError, load_specs


def ground_specs(specs: Iterable[Any], texts: Mapping[str, FullText], *,
                 cache_dir: Path | str | None = None) -> list[tuple[Any, Grounding]]:
    """Ground each spec's quote (and a claim's reported number) in its paper's full text.

    Args:
        specs: claim specs (``.id``, ``.source.arxiv``, ``.source.quote``, and ``.reported.value``
            for claims); specs whose paper is not in ``texts`` are left out.
        texts: arXiv id -> full text, as :func:`repro.provenance.fetch_fulltext` returns.
        cache_dir: the full-text cache; each paper's groundings are stored there beside its text.

    Returns:
        (spec, grounding) in the order of ``specs``.
    """
    out: list[tuple[Any, Grounding]] = []
    by_paper: dict[str, dict[str, Grounding]] = {}
    for spec in specs:
        key = normalize_arxiv_id(spec.source.arxiv)
        if key not in texts:
            continue
        reported = getattr(spec, "reported", None)
        g = ground_quote(texts[key], spec.source.quote, reported.value if reported is not None else None)
        by_paper.setdefault(key, {})[spec.id] = g
        out.append((spec, g))
    for key, groundings in by_paper.items():
        write_groundings(texts[key], groundings, cache_dir)
    return out


def grounding_line(spec_id: str, g: Grounding) -> str:
    """``id, quote status, page, nearest preceding caption, reported number``, tab-separated; ``-``
    where there is nothing to say."""
    page = f"p. {g.quote_page}" if g.quote_page else "-"
    if g.reported_value is None:
        value = "-"
    elif g.value_found:
        value = f"{g.reported_value} on p. " + ", ".join(map(str, g.value_pages))
    else:
        value = f"{g.reported_value} not found"
    return f"{spec_id}\t{g.quote_status}\t{page}\t{g.caption or '-'}\t{value}"


def _cmd_fetch(args: argparse.Namespace) -> int:
    try:
        claims = Path(args.claims_dir) if args.claims_dir else claims_dir()
        specs = load_specs([claims]) if args.fulltext else []   # before the network: a bad spec fails fast
        ids = args.ids or default_fetch_ids(args.sources_file, claims)
        records = fetch_sources(ids, path=args.sources_file)
        for key, rec in records.items():
            print(f"{key}\t{rec.origin.kind}\t{rec.relevance_verdict}\t{rec.title or '(no title)'}")
        if args.fulltext:
            texts = fetch_fulltext(ids, cache_dir=args.cache_dir)
            for key, ft in texts.items():
                print(f"{key}\tfull text: {len(ft.pages)} pages")
            for spec, g in ground_specs(specs, texts, cache_dir=args.cache_dir):
                print(grounding_line(spec.id, g))
    except SpecError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    except (SourcesError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _cmd_seed(args: argparse.Namespace) -> int:
    try:
        decisions = seed_sources_from_metadata(args.metadata, args.sources_file, seeds_dir=args.seeds)
    except (SourcesError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for key, what in sorted(decisions.items()):
        print(f"{key}\t{what}")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    try:
        records = load_sources(args.sources_file)
    except (SourcesError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for key, rec in sorted(records.items()):
        print(f"{key}\t{rec.relevance_verdict}\t{rec.origin.kind}\t{rec.title or '(not identified)'}")
        if args.reasons:
            print(f"\t{rec.relevance_reason}")
    return 0


def register_cli(subparsers: Any) -> None:
    """Add ``fetch``, ``seed`` and ``list`` to an argparse subparsers object (``repro sources ...``).

    Paths left unset resolve, when a command runs, in the project the user stands in.
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--sources-file", default=None,
                        help="the sources cache (default: claims/sources.json)")

    fetch = subparsers.add_parser("fetch", parents=[common], help="refresh arXiv metadata (and full text)")
    fetch.add_argument("--ids", nargs="+", metavar="ID",
                       help="arXiv ids (default: seed references in the sources file + claims/*.yaml + cached ids)")
    fetch.add_argument("--fulltext", action="store_true",
                       help="also download PDFs, extract text per page and ground every spec's quote in it")
    fetch.add_argument("--claims-dir", default=None, help=argparse.SUPPRESS)
    fetch.add_argument("--cache-dir", default=None, help="full-text cache (default: $XLT_REPRO_CACHE/fulltext "
                                                          "or ~/.cache/xlt-repro/fulltext)")
    fetch.set_defaults(func=_cmd_fetch)

    seed = subparsers.add_parser("seed", parents=[common], help="create records from a metadata file")
    seed.add_argument("--metadata", required=True, help="JSON: arXiv id -> metadata with sources/confidence/notes")
    seed.add_argument("--seeds", default=None, help="seed documents folder (default: <metadata folder>/seeds)")
    seed.set_defaults(func=_cmd_seed)

    lst = subparsers.add_parser("list", parents=[common], help="list cached papers with their relevance")
    lst.add_argument("--reasons", action="store_true", help="print each relevance reason")
    lst.set_defaults(func=_cmd_list)
