"""The embedded tiny encoder of the smoke profile: a small XLM-R trained offline on the embedded text.

``build_embedded_encoder`` trains a Unigram tokenizer on the embedded pretraining corpus
(``repro.embedded.pretraining_corpus``), wraps it as ``XLMRobertaTokenizerFast``, builds a
tiny ``XLMRobertaConfig`` model (hidden 64, 2 layers) and MLM-pretrains it with the transformers
``Trainer`` on one shuffled multilingual stream of monolingual documents and English-translation
sentence pairs (``parallel_corpus``: XLM's translation language modelling, 30% of a language's
document count). XLM-R gets its cross-lingual alignment from terabytes of text; a 3-minute build
gets none without the pairs (Tatoeba-style retrieval from the first layer, vel/dar/bor/thl/mav:
.37/.18/.02/.00/.16 without, .50/.28/.03/.01/.29 with them). The result is a directory that loads
like a hub checkpoint::

    path = build_embedded_encoder(cache_dir)
    AutoTokenizer.from_pretrained(path)
    AutoModelForSequenceClassification.from_pretrained(path, num_labels=3)

``pretrain=False`` gives the no-pretraining control: the same tokenizer (the very same build,
shared on disk) and architecture, random weights from the seed, no MLM. At this scale much of the
apparent transfer comes from token matching, so reports show the control beside the encoder.

Builds are cached in ``cache_dir/<name>-<hash>/`` where the hash covers everything that changes
the weights (corpus revision, seed, spec, BUILD_VERSION, library versions are recorded but not
hashed). A file lock makes concurrent callers (pytest-xdist workers) build once; a build is written
to a temporary directory and moved into place with ``os.replace``, so a crash never leaves a
half-built model behind.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from repro.embedded import (
    CODE_SWITCH_RATE,
    GENERATOR_VERSION,
    PARALLEL_RATE,
    corpus_revision,
    parallel_corpus,
    pretraining_corpus,
)
from repro.io import atomic_directory, lock_for
from repro.progress import quiet_libraries, stage

# Bump whenever the build code changes what it produces for the same spec.
BUILD_VERSION = "tiny-xlmr-2"
MODEL_NAME = "embedded-tiny-xlmr"
CONTROL_NAME = "embedded-tiny-xlmr-nopretrain"
TOKENIZER_NAME = "embedded-tokenizer"
# ids 0..3 as in XLM-R; <mask> is id 4 here (code reads ids from the tokenizer, never hard-codes them)
SPECIAL_TOKENS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]


@dataclass(frozen=True)
class EncoderSpec:
    """Everything that determines the tokenizer and the weights (part of the content hash)."""

    # data
    corpus_docs: int = 12000  # documents per high-resource language (low-resource: a quarter)
    code_switch: float = CODE_SWITCH_RATE  # share of code-switched nouns/adjectives in non-English text
    parallel: float = PARALLEL_RATE  # English-translation pairs (TLM) per language, share of its documents
    tokenizer_docs: int = 4000  # documents per language used to train the tokenizer
    # tokenizer
    vocab_size: int = 4000
    max_token_length: int = 12
    # architecture
    hidden_size: int = 64
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    intermediate_size: int = 256
    max_position_embeddings: int = 258  # downstream inputs up to 256 tokens
    # MLM pretraining
    max_length: int = 64
    steps: int = 2600
    batch_size: int = 32
    learning_rate: float = 2e-3
    warmup_steps: int = 150
    weight_decay: float = 0.01
    mlm_probability: float = 0.15
    pack: bool = True  # documents joined into full blocks of max_length (no padding)
    mixed_blocks: bool = True  # blocks cut from one shuffled multilingual stream (else per language)
    mixed_blocks_seed: int = 0
    masked_only_head: bool = True  # vocabulary projection at masked positions only while training

    def tokenizer_part(self) -> dict:
        return {k: getattr(self, k) for k in ("corpus_docs", "code_switch", "tokenizer_docs", "vocab_size",
                                              "max_token_length")}


DEFAULT_SPEC = EncoderSpec()
# a build small enough for unit tests (seconds), same code path
TEST_SPEC = EncoderSpec(corpus_docs=400, tokenizer_docs=300, vocab_size=600, hidden_size=32,
                        num_hidden_layers=1, num_attention_heads=2, intermediate_size=64, steps=8,
                        batch_size=8, warmup_steps=0)


def _hash(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def _tokenizer_payload(seed: int, spec: EncoderSpec) -> dict:
    return {"build": BUILD_VERSION, "generator": GENERATOR_VERSION,
            "corpus": corpus_revision(seed, spec.corpus_docs, spec.code_switch), "tokenizer": spec.tokenizer_part(),
            "special": SPECIAL_TOKENS}


def embedded_tokenizer_revision(seed: int = 0, *, spec: EncoderSpec = DEFAULT_SPEC) -> str:
    return _hash(_tokenizer_payload(seed, spec))


def embedded_model_revision(seed: int = 0, pretrain: bool = True, *, spec: EncoderSpec = DEFAULT_SPEC) -> str:
    """The content hash of a build, without building (use it in cache keys)."""
    payload = {"tokenizer": embedded_tokenizer_revision(seed, spec=spec), "seed": seed, "pretrain": pretrain,
               "spec": asdict(spec) if pretrain else {k: v for k, v in asdict(spec).items()
                                                        if k in _ARCH_FIELDS}}
    return _hash(payload)


_ARCH_FIELDS = ("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                "max_position_embeddings")


def embedded_model_dir(cache_dir: Path, seed: int = 0, pretrain: bool = True, *,
                       spec: EncoderSpec = DEFAULT_SPEC) -> Path:
    name = MODEL_NAME if pretrain else CONTROL_NAME
    return Path(cache_dir) / f"{name}-{embedded_model_revision(seed, pretrain, spec=spec)}"


@contextmanager
def _one_thread():
    """Builds run on one CPU thread: reproducible numerics, and on a shared 2-core machine two
    processes with 2 OpenMP threads each slow down ~20x (measured), while 1 thread loses ~15%."""
    import torch

    old = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def _versions() -> dict:
    import tokenizers
    import torch
    import transformers

    return {"torch": torch.__version__, "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__}


# --------------------------------------------------------------------------------------------
# tokenizer
# --------------------------------------------------------------------------------------------


def _initial_alphabet() -> list[str]:
    """Characters every build knows, seen in its corpus or not (ASCII, Latin-1 letters, the basic
    Cyrillic and Greek blocks), so perturbed or unseen text never becomes <unk> wholesale."""
    ranges = [(0x21, 0x7E), (0xC0, 0x17F), (0x391, 0x3C9), (0x400, 0x45F)]
    return [chr(c) for lo, hi in ranges for c in range(lo, hi + 1) if chr(c).isprintable()]


def _train_tokenizer(texts: list[str], spec: EncoderSpec):
    """A sentencepiece-style Unigram tokenizer, trained deterministically.

    The ``tokenizers`` Unigram trainer is not deterministic (its piece scores vary between runs by
    up to ~0.005), so a content hash would not name one tokenizer. Instead the piece inventory comes
    from a BPE trainer (deterministic) and each piece's Unigram score is the log of its relative
    frequency in the BPE segmentation of the same text (one M-step of the Unigram EM). The
    pipeline is the one ``XLMRobertaTokenizer`` rebuilds when it loads the files, so the tokenizer
    used for pretraining and the one loaded later agree.
    """
    import math
    from collections import Counter

    from tokenizers import (
        Tokenizer,
        decoders,
        models,
        pre_tokenizers,
        processors,
        trainers,
    )
    from transformers import XLMRobertaTokenizerFast  # type: ignore[attr-defined]  # lazily exported by transformers

    def pipeline(tok):
        tok.pre_tokenizer = pre_tokenizers.Sequence(
            [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")])
        tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
        return tok

    bpe = pipeline(Tokenizer(models.BPE(unk_token="<unk>")))
    # punctuation learnt apart from words, so "park." is segmented "▁park" + "." later on
    bpe.pre_tokenizer = pre_tokenizers.Sequence([bpe.pre_tokenizer, pre_tokenizers.Punctuation("isolated")])
    bpe.train_from_iterator(texts, trainer=trainers.BpeTrainer(
        vocab_size=spec.vocab_size, special_tokens=SPECIAL_TOKENS, max_token_length=spec.max_token_length,
        initial_alphabet=_initial_alphabet(), show_progress=False))
    counts: Counter = Counter()
    for enc in bpe.encode_batch(texts, add_special_tokens=False):
        counts.update(enc.ids)
    total = sum(counts.values())

    pieces = sorted(bpe.get_vocab().items(), key=lambda kv: kv[1])
    vocab = [(p, 0.0) if p in SPECIAL_TOKENS else (p, round(math.log((counts[i] + 0.5) / total), 6))
             for p, i in pieces]
    tok = pipeline(Tokenizer(models.Unigram(vocab, unk_id=SPECIAL_TOKENS.index("<unk>"), byte_fallback=False)))
    bos, eos = tok.token_to_id("<s>"), tok.token_to_id("</s>")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", bos), ("</s>", eos)])
    return XLMRobertaTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", sep_token="</s>",
                                   cls_token="<s>", unk_token="<unk>", pad_token="<pad>", mask_token="<mask>",
                                   model_max_length=spec.max_position_embeddings - 2)


def _corpus(seed: int, spec: EncoderSpec) -> dict[str, list[str]]:
    return pretraining_corpus(seed, docs=spec.corpus_docs, code_switch=spec.code_switch)


def build_embedded_tokenizer(cache_dir: Path, *, seed: int = 0, spec: EncoderSpec = DEFAULT_SPEC,
                             corpus: dict[str, list[str]] | None = None) -> Path:
    """The shared tokenizer build (the encoder and its control both copy it)."""
    target = Path(cache_dir) / f"{TOKENIZER_NAME}-{embedded_tokenizer_revision(seed, spec=spec)}"
    if target.is_dir():
        return target
    with lock_for(target):
        if target.is_dir():
            return target
        t0 = time.perf_counter()
        corpus = corpus if corpus is not None else _corpus(seed, spec)
        texts = [doc for lang in sorted(corpus) for doc in corpus[lang][: spec.tokenizer_docs]]
        tokenizer = _train_tokenizer(texts, spec)
        with atomic_directory(target) as tmp:
            tokenizer.save_pretrained(tmp)
            info = {"revision": embedded_tokenizer_revision(seed, spec=spec), "payload": _tokenizer_payload(seed, spec),
                    "seconds": round(time.perf_counter() - t0, 2), "versions": _versions()}
            (tmp / "build_info.json").write_text(json.dumps(info, indent=2))
    return target


# --------------------------------------------------------------------------------------------
# model
# --------------------------------------------------------------------------------------------


def _config(tokenizer, spec: EncoderSpec):
    from transformers import XLMRobertaConfig

    return XLMRobertaConfig(
        vocab_size=len(tokenizer), hidden_size=spec.hidden_size, num_hidden_layers=spec.num_hidden_layers,
        num_attention_heads=spec.num_attention_heads, intermediate_size=spec.intermediate_size,
        max_position_embeddings=spec.max_position_embeddings, type_vocab_size=1,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1)


def _blocks(tokenizer, corpus: dict[str, list[str]], spec: EncoderSpec,
            pairs: dict[str, list[tuple[str, str]]] | None = None) -> list[list[int]]:
    """Blocks of ``max_length`` tokens: documents joined with </s> and cut (no padding).

    A translation pair is one unit, English </s> translation, so that a word masked on one side
    can be predicted from the other (XLM's translation language modelling).
    """
    body = spec.max_length - 2
    sep = tokenizer.sep_token_id

    def ids(texts: list[str]) -> list[list[int]]:
        return tokenizer(texts, add_special_tokens=False, return_attention_mask=False,
                         return_token_type_ids=False)["input_ids"] if texts else []

    streams = {lang: ids(corpus[lang]) for lang in sorted(corpus)}
    for lang, items in sorted((pairs or {}).items()):
        english, translated = ids([a for a, _ in items]), ids([b for _, b in items])
        streams[f"en|{lang}"] = [a + [sep] + b for a, b in zip(english, translated)]
    if not spec.pack:
        return [[tokenizer.cls_token_id, *x[:body], sep] for lang in sorted(streams) for x in streams[lang]]
    if spec.mixed_blocks:  # one shuffled multilingual stream, as run_mlm's group_texts on a mixed dataset
        order = [(lang, i) for lang in sorted(streams) for i in range(len(streams[lang]))]
        random.Random(spec.mixed_blocks_seed).shuffle(order)
        groups = [[streams[lang][i] for lang, i in order]]
    else:
        groups = [streams[lang] for lang in sorted(streams)]
    blocks: list[list[int]] = []
    for docs in groups:
        stream: list[int] = []
        for x in docs:
            stream += x + [sep]
        blocks += [[tokenizer.cls_token_id, *stream[i : i + body], sep]
                   for i in range(0, len(stream) - body // 2, body)]
    return blocks


def _masked_only(model):
    """Train through the vocabulary projection at masked positions only (the saved model is unchanged).

    The full-vocabulary projection at every position is most of the cost of a tiny MLM step on a
    CPU; the loss is the same, computed only where labels are set.
    """
    import torch.nn.functional as F
    from transformers import XLMRobertaForMaskedLM
    from transformers.modeling_outputs import MaskedLMOutput

    class MaskedOnlyMLM(XLMRobertaForMaskedLM):
        def forward(self, input_ids=None, attention_mask=None, labels=None, **kwargs):
            hidden = self.roberta(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            where = labels != -100
            logits = self.lm_head(hidden[where])
            return MaskedLMOutput(loss=F.cross_entropy(logits, labels[where]), logits=logits)

    model.__class__ = MaskedOnlyMLM  # same parameters; restored before saving
    return model


def _pretrain(model, tokenizer, corpus: dict[str, list[str]], seed: int, spec: EncoderSpec, workdir: Path,
              progress: bool) -> dict:
    from datasets import Dataset
    from transformers import (
        DataCollatorForLanguageModeling,
        PrinterCallback,
        Trainer,
        TrainingArguments,
        XLMRobertaForMaskedLM,
    )

    pairs = parallel_corpus(seed, docs=spec.corpus_docs, rate=spec.parallel) if spec.parallel else None
    blocks = _blocks(tokenizer, corpus, spec, pairs)
    dataset = Dataset.from_dict({"input_ids": blocks})
    collator = DataCollatorForLanguageModeling(tokenizer, mlm=True, mlm_probability=spec.mlm_probability,
                                               seed=seed)
    args = TrainingArguments(
        output_dir=str(workdir / "trainer"), max_steps=spec.steps, per_device_train_batch_size=spec.batch_size,
        learning_rate=spec.learning_rate, warmup_steps=spec.warmup_steps, weight_decay=spec.weight_decay,
        lr_scheduler_type="linear", logging_steps=max(1, spec.steps // 10), save_strategy="no",
        report_to="none", seed=seed, data_seed=seed, use_cpu=True, dataloader_num_workers=0,
        # a bar on a terminal; in a log, the Trainer's loss line every tenth of the steps instead
        disable_tqdm=not (progress and sys.stderr.isatty()), log_level="warning" if progress else "error")
    if spec.masked_only_head:
        _masked_only(model)
    try:
        trainer = Trainer(model=model, args=args, train_dataset=dataset, data_collator=collator)
        if not progress:
            trainer.remove_callback(PrinterCallback)
        result = trainer.train()
    finally:
        model.__class__ = XLMRobertaForMaskedLM
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    shutil.rmtree(workdir / "trainer", ignore_errors=True)
    return {"train_loss": result.training_loss, "first_logged_loss": losses[0] if losses else None,
            "last_logged_loss": losses[-1] if losses else None, "blocks": len(blocks),
            "tokens_seen": spec.steps * spec.batch_size * spec.max_length}


def build_embedded_encoder(cache_dir: Path, *, seed: int = 0, pretrain: bool = True, progress: bool = True,
                           spec: EncoderSpec = DEFAULT_SPEC) -> Path:
    """Build (once) and return the directory of the embedded encoder or its no-pretraining control."""
    target = embedded_model_dir(cache_dir, seed, pretrain, spec=spec)
    if target.is_dir():
        return target
    with lock_for(target):
        if target.is_dir():  # another process built it while we waited
            return target
        import torch
        from transformers import AutoTokenizer, XLMRobertaForMaskedLM, set_seed

        t0 = time.perf_counter()
        with quiet_libraries(not progress), _one_thread():
            stage(f"{target.name}: generating the pretraining corpus" if pretrain else
                  f"{target.name}: the tokenizer of the no-pretraining control", progress)
            corpus = _corpus(seed, spec) if pretrain else None
            tok_dir = build_embedded_tokenizer(cache_dir, seed=seed, spec=spec, corpus=corpus)
            t_tok = time.perf_counter() - t0
            tokenizer = AutoTokenizer.from_pretrained(tok_dir)
            set_seed(seed)
            torch.manual_seed(seed)
            model = XLMRobertaForMaskedLM(_config(tokenizer, spec))
            with atomic_directory(target) as tmp:
                tokenizer.save_pretrained(tmp)  # before use: saved files must not carry truncation state
                stats = {}
                if corpus is not None:  # the pretrained encoder; its control keeps the random weights
                    stage(f"{target.name}: pretraining, {spec.steps} steps of {spec.batch_size} "
                          f"(about 2 minutes on 2 cores)", progress)
                    stats = _pretrain(model, tokenizer, corpus, seed, spec, tmp, progress)
                with quiet_libraries():  # a bar over one shard file, not a progress report
                    model.save_pretrained(tmp)
                info = {"name": target.name, "revision": embedded_model_revision(seed, pretrain, spec=spec),
                        "pretrain": pretrain, "seed": seed, "spec": asdict(spec),
                        "tokenizer": tok_dir.name, "generator_version": GENERATOR_VERSION,
                        "build_version": BUILD_VERSION, "seconds_total": round(time.perf_counter() - t0, 2),
                        "seconds_tokenizer": round(t_tok, 2), "pretraining": stats, "versions": _versions()}
                (tmp / "build_info.json").write_text(json.dumps(info, indent=2))
            stage(f"{target.name}: built in {time.perf_counter() - t0:.0f} s", progress)
    return target


def small_spec(**overrides) -> EncoderSpec:
    """TEST_SPEC with some fields changed (for tests and quick experiments)."""
    return replace(TEST_SPEC, **overrides)
