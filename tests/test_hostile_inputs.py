"""A catalogue of hostile and bad inputs, each met with a clear error and nothing lost or faked.

Each case gives the suite something a user, a broken disk or a hostile file could give it: spec
files (YAML bombs, Python tags, huge or non-finite numbers, ids that try to leave their folder),
command-line values, store entries (truncated, corrupt, edited by hand, copied from another run),
a read-only or full store, datasets with a missing column, labels out of range, empty splits or
unknown language codes, markup in quotes and in arXiv metadata, and two `repro run` on one store
at once. Every case asserts the message a user sees, and that nothing was written outside the
store and report folders (nor anything complete-looking inside them).
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from repro import cli, io, profiles, runner
from repro.pipeline import run_claims
from repro.runspec import ModelRef, RunSpec
from repro.store import Store

REPO = Path(__file__).resolve().parents[1]
SPEC = "robust-xlt-pawsx-adversarial"  # 3 runs a seed on the micro profile

VALID = {
    "id": "t-claim", "kind": "claim", "title": "A test claim",
    "source": {"arxiv": "2104.08645", "version": "v2", "quote": "Robust training improves PAWS-X by 2.1 points."},
    "targets": [{"task": "pawsx", "metric": "accuracy"}],
    "baseline": {"model": "bert-base-multilingual-cased"},
    "treatment": {"model": "bert-base-multilingual-cased",
                  "finetune": {"objective": {"name": "data_augmentation", "copies": 10}}},
    "reported": {"value": 2.1}, "tolerance": 1.0,
}


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def _valid_yaml(**changes) -> str:
    spec = json.loads(json.dumps(VALID))
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = spec
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return yaml.safe_dump({"specs": [spec]}, sort_keys=False)


def _with_line(line: str) -> str:
    """The valid spec with one YAML line replaced by ``line`` (for values safe_dump cannot write)."""
    key = line.split(":")[0].strip()
    return re.sub(rf"^(\s*){key}:.*$", lambda m: m.group(1) + line.strip(), _valid_yaml(), count=1, flags=re.M)


ALIAS_BOMB = "x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"x-{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcdefgh", "bcdefghi")) + "specs: [*i]\n"

# (case, file content, what the user reads after the file's path)
SPEC_FILES = [
    ("alias-bomb", ALIAS_BOMB, "refused: more than 100,000 values once aliases are expanded; an alias bomb?"),
    ("many-aliases", "x-a: &a 1\nx-b: [" + ", ".join(["*a"] * 1001) + "]\nspecs: []\n",
     "refused: more than 1,000 aliases (*name); an alias bomb?"),
    ("deep-nesting", "specs: " + "[" * 2000 + "]" * 2000 + "\n", "refused: nested more than 32 levels deep (line 1)"),
    ("python-object-tag", "specs: !!python/object/apply:os.system ['touch pwned']\n",
     "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("python-name-tag", "specs: [!!python/name:os.system ]\n",
     "could not determine a constructor for the tag 'tag:yaml.org,2002:python/name:os.system'"),
    ("include-tag", "specs: !include /etc/passwd\n",
     "not valid YAML: could not determine a constructor for the tag '!include'"),
    ("oversized-file", "# " + "x" * (1 << 20) + "\nspecs: []\n",
     "refused: 1,048,589 bytes; a spec file may have at most 1,048,576"),
    ("binary-file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe",
     "not a YAML text file (not UTF-8 at byte 0; a binary file?)"),
    ("nul-character", "specs:\n  - id: t\x00claim\n",
     "not valid YAML: unacceptable character #x0000: special characters"),
    ("integer-of-5000-digits", _with_line("tolerance: 1" + "0" * 5000),
     "not a usable YAML spec file: a number too long to read (Python converts at most 4,300 digits)"),
    ("huge-batch", _valid_yaml(baseline__finetune__hyperparameters__batch_size=10**30),
     "t-claim: baseline.finetune.hyperparameters.batch_size: Input should be less than or equal to 65536"),
    ("infinite-tolerance", _with_line("tolerance: .inf"),
     "t-claim: tolerance: Input should be a finite number (got inf)"),
    ("nan-reported-value", _with_line("value: .nan"),
     "t-claim: reported.value: Input should be a finite number (got nan)"),
    ("infinite-epsilon", _valid_yaml(treatment__finetune__objective={"name": "adversarial", "epsilon": float("inf")}),
     "t-claim: treatment.finetune.objective.epsilon: Input should be a finite number (got inf)"),
    ("reported-beyond-100-points", _valid_yaml(reported={"value": 1e6}),
     "t-claim: reported.value: Input should be less than or equal to 100 (got 1000000.0)"),
    ("id-climbs-folders", _valid_yaml(id="../../etc/passwd"), "../../etc/passwd: id: String should match pattern"),
    ("id-absolute-path", _valid_yaml(id="/etc/passwd"), "/etc/passwd: id: String should match pattern"),
    ("id-with-nul", _valid_yaml(id="t\x00claim"), "#0 (id 't\\x00claim'): id: String should match pattern"),
    ("id-of-half-a-megabyte", _valid_yaml(id="a" * 500_000),
     "#0 (id 'aaaaaaaa"),
    ("unknown-language-code", _valid_yaml(treatment__intermediate={"tasks": ["mnli"], "languages": ["en", "zz"]}),
     "t-claim: treatment.intermediate.languages: unknown language code(s) ['zz']"),
    ("empty-file", "", "expected a mapping with a 'specs:' list at the top level"),
    ("unhashable-key", "specs:\n  - ? [a, b]\n    : 1\n", "not valid YAML: while constructing a mapping"),
]


@pytest.mark.parametrize("content, message", [c[1:] for c in SPEC_FILES], ids=[c[0] for c in SPEC_FILES])
def test_hostile_spec_file_is_refused_with_its_message(tmp_path, monkeypatch, capsys, content, message):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = _tree(tmp_path)
    assert cli.main(["claims", "validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: " in err and message in err, err[:1000]
    assert "Traceback" not in err and len(err) < 3000  # one clear message, however big the input
    assert _tree(tmp_path) == before and not Path("pwned").exists()


# --- command-line values --------------------------------------------------------------------------

SEEDS_EXPECTED = "argument --seeds: expected a whole number of seeds from 1 to 100"
OPTIONS = [
    ("negative-seeds", ["run", "--seeds", "-1"], f"{SEEDS_EXPECTED}, got '-1'"),
    ("zero-seeds", ["run", "--seeds", "0"], f"{SEEDS_EXPECTED}, got '0'"),
    ("ten-thousand-seeds", ["run", "--seeds", "10000"], "got '10000'"),
    ("seeds-not-a-number", ["plan", "--seeds", "many"], f"{SEEDS_EXPECTED}, got 'many'"),
    ("unknown-profile", ["run", "--profile", "huge"],
     "argument --profile: unknown profile 'huge'; expected one of full, micro, smoke"),
    ("unknown-profile-plan", ["plan", "--profile", "../smoke"], "unknown profile '../smoke'"),
    ("only-matches-nothing", ["run", "--profile", "micro", "--only", "no-such-*"],
     "--only no-such-* matches no runnable spec; `repro claims list` shows them"),
]


@pytest.mark.parametrize("argv, message", [o[1:] for o in OPTIONS], ids=[o[0] for o in OPTIONS])
def test_bad_option_stops_before_anything_runs(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XLT_REPRO_PROJECT", str(REPO))
    if argv[0] == "run":
        argv = [*argv, "--store", str(tmp_path / "store"), "--report", str(tmp_path / "report")]
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse refuses the value itself
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and message in err, err
    assert _tree(tmp_path) == set()  # no store, no report, nothing in the working folder


def test_seed_count_is_bounded_for_every_caller_not_only_the_cli():
    with pytest.raises(ValueError, match="seeds must be a whole number from 1 to 100; got 0"):
        run_claims("micro", seeds=0, select={SPEC}.__contains__, report_dir=False, train_runs=False)


def test_json_output_of_the_cli_is_strict(capsys):
    """No NaN or Infinity in `claims list --format json` or `claims show` (the schema allows none)."""
    def refuse(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    assert cli.main(["claims", "list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out, parse_constant=refuse)
    assert cli.main(["claims", "show", rows[0]["id"]]) == 0
    assert json.loads(capsys.readouterr().out, parse_constant=refuse)["id"] == rows[0]["id"]


# --- store entries ----------------------------------------------------------------------------


def _run(seed=0):
    return RunSpec(stage="finetune", model=ModelRef("embedded", "tiny", "r"), task="pawsx",
                   task_source="embedded", task_revision="r", seed=seed, data_seed=0)


@pytest.fixture
def trains(monkeypatch):
    """runner.execute replaced by a recorder: which runs trained (again)."""
    calls = []

    def execute(run, store, progress=True):
        calls.append(run.key)
        return {"per_language": {"en": {"accuracy": 0.5}}}

    monkeypatch.setattr(runner, "execute", execute)
    return calls


def _edit(text: str) -> str:
    result = json.loads(text)
    result["metrics"]["per_language"]["en"]["accuracy"] = 0.99  # a better number, by hand
    return json.dumps(result, indent=2, sort_keys=True)


def _other_runs(text: str, store: Store) -> str:
    runner.ensure(_run(seed=1), store, progress=False)
    return store.result_path(_run(seed=1)).read_text()


STORE_ENTRIES = [
    ("truncated", lambda text, store: text[: len(text) // 2], "unreadable: "),
    ("binary-garbage", lambda text, store: "\udcff\x00garbage", "unreadable: "),
    ("json-list", lambda text, store: "[1, 2, 3]", "not a JSON object (a list)"),
    ("metric-edited-by-hand", lambda text, store: _edit(text),
     "changed since it was written (its checksum does not match its content)"),
    ("checksum-removed", lambda text, store: json.dumps({k: v for k, v in json.loads(text).items() if k != "checksum"}),
     "without a checksum"),
    ("copied-from-another-run", _other_runs, "the result of another run"),
]


@pytest.mark.parametrize("spoil, problem", [e[1:] for e in STORE_ENTRIES], ids=[e[0] for e in STORE_ENTRIES])
def test_spoilt_result_is_reported_and_trained_again_never_read_as_complete(tmp_path, trains, caplog, spoil, problem):
    store = Store(tmp_path / "store")
    assert runner.ensure(_run(), store, progress=False)["status"] == "ok"
    path = store.result_path(_run())
    spoilt = spoil(path.read_text(), store)
    path.write_bytes(spoilt.encode("utf-8", "surrogateescape"))
    caplog.set_level("WARNING", logger="repro.store")
    assert store.get(_run()) is None  # never raises, never trusts it
    assert store.get(_run()) is None
    warnings = [r.getMessage() for r in caplog.records if r.name == "repro.store"]
    assert len(warnings) == 1 and str(path) in warnings[0] and problem in warnings[0], warnings
    assert "trains again" in warnings[0]
    trains.clear()
    again = runner.ensure(_run(), store, progress=False)
    assert trains == [_run().key] and again["status"] == "ok"
    assert store.get(_run())["metrics"] == again["metrics"]
    # the rejected file is kept beside the new result, not lost
    (rejected,) = path.parent.glob("result.rejected-*.json")
    assert rejected.read_bytes() == spoilt.encode("utf-8", "surrogateescape")


@pytest.mark.parametrize("key", ["../outside", "/etc", "a/b", "..", "a\x00b", ""])
def test_store_key_that_is_not_a_plain_name_is_refused(tmp_path, key):
    with pytest.raises(ValueError, match="is not a plain name"):
        Store(tmp_path).get(key)
    assert _tree(tmp_path) == set()


def _failing_writes(monkeypatch, under: Path, code: int, name: str | None = None):
    """Writes under ``under`` (of files called ``name``, if given) fail as a full or read-only disk does."""
    write_bytes = io.write_bytes

    def write(path, data):
        path = Path(path)
        if path.is_relative_to(under) and (name is None or path.name == name):
            raise OSError(code, os.strerror(code), str(path))
        return write_bytes(path, data)

    monkeypatch.setattr(io, "write_bytes", write)
    monkeypatch.setattr("repro.store.write_bytes", write)


def _run_cli(tmp_path, monkeypatch, *extra):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XLT_REPRO_PROJECT", str(REPO))
    return cli.main(["run", "--profile", "micro", "--only", SPEC, "--seeds", "1", "--quiet",
                     "--store", str(tmp_path / "store"), "--report", str(tmp_path / "report"), *extra])


@pytest.mark.parametrize("folder, code, message", [
    ("store", errno.EROFS, "the store {store}/micro cannot be written: the file system is read-only"),
    ("store", errno.EACCES, "the store {store}/micro cannot be written: permission denied"),
    ("report", errno.EROFS, "the report folder {report} cannot be written: the file system is read-only"),
])
def test_unwritable_store_or_report_stops_before_training(tmp_path, monkeypatch, capsys, trains, folder, code, message):
    _failing_writes(monkeypatch, tmp_path / folder, code)
    assert _run_cli(tmp_path, monkeypatch) == cli.EXIT_UNWRITABLE
    err = capsys.readouterr().err
    assert message.format(store=tmp_path / "store", report=tmp_path / "report") in err, err
    assert "Traceback" not in err and trains == []
    assert not list(tmp_path.rglob("*.json"))


@pytest.mark.parametrize("folder", ["store", "report"])
def test_store_or_report_that_is_a_file(tmp_path, monkeypatch, capsys, trains, folder):
    (tmp_path / folder).write_text("not a folder")
    assert _run_cli(tmp_path, monkeypatch) == cli.EXIT_UNWRITABLE
    err = capsys.readouterr().err
    assert "cannot be written: a file is in the way, not a folder" in err and str(tmp_path / folder) in err, err
    assert "Traceback" not in err
    assert (tmp_path / folder).read_text() == "not a folder" and trains == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_really_read_only_store(tmp_path, monkeypatch, capsys, trains):
    (tmp_path / "store" / "micro").mkdir(parents=True)
    (tmp_path / "store" / "micro").chmod(0o555)
    assert _run_cli(tmp_path, monkeypatch) == cli.EXIT_UNWRITABLE
    assert "cannot be written: permission denied" in capsys.readouterr().err


def test_store_that_fills_up_while_writing_a_result(tmp_path, monkeypatch, capsys, trains):
    # one process: the planted fault lives in this one (spawned workers would not have it)
    monkeypatch.setitem(profiles.PROFILES, "micro", dataclasses.replace(profiles.PROFILES["micro"], workers=1))
    _failing_writes(monkeypatch, tmp_path / "store", errno.ENOSPC, name="result.json")
    assert _run_cli(tmp_path, monkeypatch) == cli.EXIT_UNWRITABLE
    err = capsys.readouterr().err
    assert re.search(r"repro: cannot write the result of run [0-9a-f]{16} to the store: the disk is full "
                     r"\(.*result.json\)", err), err
    assert len(trains) == 1  # it stopped at the first run it could not keep
    store = tmp_path / "store" / "micro"
    assert not list(store.rglob("result.json")) and not list(store.rglob("*.tmp"))  # nothing half-written
    assert not (tmp_path / "report" / "index.html").exists()


# --- datasets -----------------------------------------------------------------------------------


def _xnli(root: Path, *, train_labels=(0, 1, 2), test_labels=(1, 0), hypothesis=True, empty_file=None):
    from test_hub_loaders import NLI, rows, write_repo

    configs = {}
    for lang in ("en", "de"):
        columns = {"premise": [f"{lang} p{i}" for i in range(3)], "label": list(train_labels)}
        test = {"premise": [f"{lang} tp{i}" for i in range(2)], "label": list(test_labels)}
        if hypothesis:
            columns["hypothesis"] = [f"{lang} h{i}" for i in range(3)]
            test["hypothesis"] = [f"{lang} th{i}" for i in range(2)]
        configs[lang] = {"train": rows(**columns), "validation": rows(**columns), "test": rows(**test)}
    features = {"premise": "string", **({"hypothesis": "string"} if hypothesis else {}),
                "label": "int64" if max(train_labels) >= len(NLI) or min(test_labels) < 0 else NLI}
    repo = write_repo(root, "facebook/xnli", configs, features)
    if empty_file:  # a parquet file with the columns and no row
        path = repo / empty_file
        pq.write_table(pq.read_table(path).slice(0, 0), path)
    return root


DATASETS = [
    ("missing-column", {"hypothesis": False}, ["en", "de"],
     "xnli (facebook/xnli): missing column(s) ['hypothesis']; the dataset has ['premise', 'label']"),
    ("labels-out-of-range", {"train_labels": (0, 1, 7)}, ["en", "de"],
     "xnli (facebook/xnli): 1 label(s) outside 0..2 (e.g. [7]); the data does not match the task's 3 labels"),
    ("no-labelled-test-row", {"test_labels": (-1, -1)}, ["en", "de"],
     "xnli (facebook/xnli): empty split(s) ['test/en', 'test/de'] (after dropping unlabelled rows)"),
    ("empty-data-file", {"empty_file": "de/test-00000-of-00001.parquet"}, ["en", "de"],
     "xnli (facebook/xnli) config 'de': its data files could not be read (ArrowInvalid: "),
    ("unknown-language-code", {}, ["en", "xx"], "xnli: no test set for language(s) ['xx']; available:"),
]


@pytest.mark.parametrize("shape, languages, message", [d[1:] for d in DATASETS], ids=[d[0] for d in DATASETS])
def test_bad_dataset_is_refused_with_its_message(tmp_path, shape, languages, message):
    from repro.tasks.hub import load_hub_task

    root = _xnli(tmp_path / "hub", **shape)
    with pytest.raises(ValueError) as error:
        load_hub_task("xnli", data_root=root, cache_dir=tmp_path / "cache", languages=languages)
    assert message in str(error.value), str(error.value)


def test_remote_code_is_never_trusted(tmp_path, monkeypatch):
    """No loader passes trust_remote_code (datasets 5 runs no loading scripts at all; transformers
    refuses a model's own code unless told): asserted on a real load and on the source."""
    import datasets

    from repro.tasks.hub import load_hub_task

    seen = []
    load_dataset = datasets.load_dataset

    def recording(*args, **kwargs):
        seen.append(kwargs)
        return load_dataset(*args, **kwargs)

    monkeypatch.setattr(datasets, "load_dataset", recording)
    load_hub_task("xnli", data_root=_xnli(tmp_path / "hub"), cache_dir=tmp_path / "cache", languages=["en", "de"])
    assert seen and not any(kwargs.get("trust_remote_code") for kwargs in seen)
    sources = [p for p in (REPO / "repro").rglob("*.py") if "trust_remote_code" in p.read_text(encoding="utf-8")]
    assert sources == [], f"trust_remote_code appears in {sources}"


# --- markup in quotes and in arXiv metadata ------------------------------------------------------


def test_markup_in_a_quote_and_in_arxiv_metadata_is_shown_as_text(tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "claims").mkdir(parents=True)
    sources = json.loads((REPO / "claims" / "sources.json").read_text(encoding="utf-8"))
    sources["records"]["2104.08645"]["title"] = "Robust <script>alert('title')</script> training"
    (project / "claims" / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
    (project / "claims" / "t.yaml").write_text(_valid_yaml(
        title="A <img src=x onerror=alert(1)> claim", seeds=1,
        source={**VALID["source"], "quote": "Improves <script>alert('quote')</script> by 2.1 points."}))
    monkeypatch.setenv("XLT_REPRO_PROJECT", str(project))
    before = _tree(tmp_path)
    outcome = run_claims("micro", seeds=1, store_root=tmp_path / "store", report_dir=tmp_path / "report",
                         progress=False, train_runs=False)
    assert {path.split("/")[0] for path in _tree(tmp_path) - before} <= {"store", "report"}
    assert outcome.results[0].verdict == "error"  # nothing trained: no result is faked
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;quote&#39;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    assert not (tmp_path / "store").exists() or not list((tmp_path / "store").rglob("result.json"))


def test_a_score_stored_as_null_makes_the_claim_an_error_not_a_verdict(tmp_path, monkeypatch):
    """NaN is not JSON: a NaN metric is stored as null, and reading it back must not crash the
    verdicts nor average over the languages left."""
    from repro.embedded import EMBEDDED_LANGUAGES
    from repro.pipeline import prepare

    session = prepare("micro", seeds=1, select={SPEC}.__contains__, store_root_dir=tmp_path / "store")
    for run in session.runs:
        session.store.put(run, {"status": "ok", "runspec": run.to_json(), "metrics": {
            "per_language": {lang: {"accuracy": float("nan")} for lang in EMBEDDED_LANGUAGES}}})
    outcome = run_claims("micro", seeds=1, select={SPEC}.__contains__, store_root=tmp_path / "store",
                         report_dir=tmp_path / "report", progress=False, train_runs=False)
    (result,) = outcome.results
    assert result.verdict == "error" and "no finite accuracy score for ['bor'" in result.reason, result.reason
    text = (tmp_path / "report" / "results.json").read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text


# --- two `repro run` on one store at once --------------------------------------------------------


@pytest.mark.slow
def test_two_runs_on_one_store_train_each_run_once_and_count_their_own(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1", "XLT_REPRO_PROJECT": str(REPO)}
    env.pop("XLT_REPRO_INVOCATION", None)
    (tmp_path / "cwd").mkdir()
    commands = [[sys.executable, "-m", "repro.cli", "run", "--profile", "micro", "--only", SPEC, "--seeds", "2",
                 "--store", str(tmp_path / "store"), "--report", str(tmp_path / f"report-{i}")] for i in (1, 2)]
    processes = [subprocess.Popen(c, cwd=tmp_path / "cwd", env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for c in commands]
    outputs = [p.communicate(timeout=600) for p in processes]
    counts = []
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, err[-3000:]
        match = re.search(r"\((\d+) run\(s\) trained(?: here, (\d+) by another process on the same store meanwhile)?\)",
                          out)
        assert match, out
        counts.append((int(match[1]), int(match[2] or 0)))
    results = [json.loads(p.read_text()) for p in (tmp_path / "store" / "micro").glob("*/result.json")]
    assert len(results) == 6 and all(r["status"] == "ok" for r in results)  # 3 runs x 2 seeds, each once
    by_command = sorted(sum(r["trained_by"] == i for r in results) for i in {r["trained_by"] for r in results})
    assert sorted(trained for trained, _ in counts if trained) == by_command
    assert sum(trained for trained, _ in counts) == 6  # neither claims the other's runs
    assert not list((tmp_path / "store").rglob("result.rejected-*.json"))
    assert _tree(tmp_path / "cwd") == set()
