"""The embedded tiny encoder: loads like a hub model, builds once, atomically, deterministically.

Uses ``TEST_SPEC`` (a few hundred documents, 8 MLM steps) so the whole file runs in seconds; the
code path is the one of the real build.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import torch

from repro.models import embedded as M

pytestmark = pytest.mark.slow  # trains on the micro profile, builds an encoder or starts processes

SPEC = M.TEST_SPEC


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("embedded-cache")


@pytest.fixture(scope="module")
def built(cache) -> dict[str, Path]:
    return {"pretrained": M.build_embedded_encoder(cache, seed=0, spec=SPEC, progress=False),
            "control": M.build_embedded_encoder(cache, seed=0, pretrain=False, spec=SPEC, progress=False)}


def _state(path: Path) -> dict[str, torch.Tensor]:
    from transformers import AutoModelForMaskedLM

    return AutoModelForMaskedLM.from_pretrained(path).state_dict()


def test_loads_like_a_hub_model(built):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    for path in built.values():
        tok = AutoTokenizer.from_pretrained(path)
        model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=3)
        enc = tok(["Anna saw 3 big dogs.", "Анна видела собак."], ["Anna saw animals.", "Анна."],
                  padding=True, return_tensors="pt")
        ids = enc["input_ids"][0].tolist()
        assert ids[0] == tok.cls_token_id and ids.count(tok.sep_token_id) == 3  # <s> A </s></s> B </s>
        assert tok.unk_token_id not in ids
        assert tok.mask_token_id is not None and tok.pad_token_id == model.config.pad_token_id
        with torch.no_grad():
            logits = model(**enc).logits
        assert logits.shape == (2, 3) and torch.isfinite(logits).all()
        assert model.config.vocab_size == len(tok)
        assert model.config.hidden_size == SPEC.hidden_size
        info = json.loads((path / "build_info.json").read_text())
        assert info["revision"] in path.name


def test_control_shares_the_tokenizer_and_architecture_not_the_weights(built):
    pre, ctl = built["pretrained"], built["control"]
    assert pre != ctl and "nopretrain" in ctl.name
    assert (pre / "tokenizer.json").read_bytes() == (ctl / "tokenizer.json").read_bytes()
    a, b = _state(pre), _state(ctl)
    assert a.keys() == b.keys()
    emb = "roberta.embeddings.word_embeddings.weight"
    assert not torch.equal(a[emb], b[emb])
    info = json.loads((pre / "build_info.json").read_text())
    assert info["pretrain"] and info["pretraining"]["blocks"] > 0
    assert not json.loads((ctl / "build_info.json").read_text())["pretrain"]


def test_cache_is_reused_without_rebuilding(cache, built, monkeypatch):
    def boom(*a, **k):
        raise AssertionError("rebuilt a cached build")

    monkeypatch.setattr(M, "_pretrain", boom)
    monkeypatch.setattr(M, "_train_tokenizer", boom)
    stamp = (built["pretrained"] / "model.safetensors").stat().st_mtime_ns
    assert M.build_embedded_encoder(cache, seed=0, spec=SPEC, progress=False) == built["pretrained"]
    assert M.build_embedded_encoder(cache, seed=0, pretrain=False, spec=SPEC, progress=False) == built["control"]
    assert (built["pretrained"] / "model.safetensors").stat().st_mtime_ns == stamp
    assert not list(cache.glob(".tmp-*"))


def test_revision_covers_what_changes_the_weights():
    rev = M.embedded_model_revision
    base = rev(0, True, spec=SPEC)
    assert base == rev(0, True, spec=SPEC)
    assert len({base, rev(1, True, spec=SPEC), rev(0, False, spec=SPEC),
                rev(0, True, spec=M.small_spec(steps=9)), rev(0, True, spec=M.small_spec(vocab_size=700)),
                rev(0, True, spec=M.small_spec(hidden_size=48))}) == 6
    # the control does not depend on MLM settings, only on the tokenizer and the architecture
    assert rev(0, False, spec=SPEC) == rev(0, False, spec=M.small_spec(steps=99, learning_rate=0.1))
    assert rev(0, False, spec=SPEC) != rev(0, False, spec=M.small_spec(vocab_size=700))
    assert M.embedded_model_dir(Path("/x"), 0, True, spec=SPEC).name.endswith(base)
    assert rev() == M.embedded_model_revision(seed=0, pretrain=True)  # default spec


def test_builds_are_deterministic(tmp_path, built):
    other = M.build_embedded_encoder(tmp_path, seed=0, spec=SPEC, progress=False)
    assert other.name == built["pretrained"].name
    assert (other / "tokenizer.json").read_bytes() == (built["pretrained"] / "tokenizer.json").read_bytes()
    a, b = _state(other), _state(built["pretrained"])
    assert all(torch.equal(a[k], b[k]) for k in a)
    seed1 = M.build_embedded_encoder(tmp_path, seed=1, pretrain=False, spec=SPEC, progress=False)
    c = _state(seed1)
    d = _state(built["control"])
    embeddings = "roberta.embeddings.word_embeddings.weight"
    assert not torch.equal(c[embeddings], d[embeddings])


def test_a_crash_leaves_no_half_built_model(tmp_path, monkeypatch):
    def crash(*a, **k):
        raise RuntimeError("killed mid-build")

    monkeypatch.setattr(M, "_pretrain", crash)
    spec = M.small_spec(steps=3)
    with pytest.raises(RuntimeError, match="killed"):
        M.build_embedded_encoder(tmp_path, seed=0, spec=spec, progress=False)
    assert not M.embedded_model_dir(tmp_path, 0, True, spec=spec).exists()
    assert not list(tmp_path.glob(".tmp-*"))
    monkeypatch.undo()
    path = M.build_embedded_encoder(tmp_path, seed=0, spec=spec, progress=False)
    assert (path / "model.safetensors").exists() and (path / "build_info.json").exists()


def test_concurrent_callers_build_once(tmp_path, monkeypatch):
    calls = []
    real = M._pretrain

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(M, "_pretrain", counting)
    spec = M.small_spec(steps=4)
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(
        M.build_embedded_encoder(tmp_path, seed=0, spec=spec, progress=False))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3 and len(set(results)) == 1
    assert len(calls) == 1
