"""Robust training objectives in input-embedding space, applied inside the ``Trainer``'s loss.

- ``random_perturbation``: randomized smoothing by noise on the input embeddings;
- ``adversarial``: PGD in input-embedding space;
- ``plain`` and ``data_augmentation`` (RS-DA changes the data, not the loss): cross-entropy.

What each objective is, and whose method it reimplements, is in :mod:`repro.catalog.objectives`.
"""

from __future__ import annotations

import torch
from transformers import Trainer


def perturb_embeddings(embeds: torch.Tensor, mask: torch.Tensor, objective: dict) -> torch.Tensor:
    """Randomized smoothing by random perturbation: noise on the real (unpadded) token embeddings."""
    scale = objective.get("scale", 0.1)
    if objective.get("distribution", "gaussian") == "gaussian":
        noise = torch.randn_like(embeds) * scale
    else:
        noise = (torch.rand_like(embeds) * 2 - 1) * scale
    return embeds + noise * mask


def _project(delta: torch.Tensor, epsilon: float, norm: str) -> torch.Tensor:
    if norm == "linf":
        return delta.clamp(-epsilon, epsilon)
    flat = delta.flatten(1).norm(dim=1).clamp_min(1e-12)
    factor = torch.clamp(epsilon / flat, max=1.0)
    return delta * factor.view(-1, *([1] * (delta.dim() - 1)))


def pgd_delta(loss_fn, embeds: torch.Tensor, mask: torch.Tensor, objective: dict) -> torch.Tensor:
    """K steps of projected gradient ascent on the loss in embedding space; returns the perturbation."""
    epsilon, step, norm = objective["epsilon"], objective["step_size"], objective.get("norm", "l2")
    delta = torch.zeros_like(embeds)
    base = embeds.detach()
    for _ in range(objective.get("steps", 1)):
        delta.requires_grad_(True)
        loss = loss_fn(base + delta * mask)
        (grad,) = torch.autograd.grad(loss, delta)
        with torch.no_grad():
            if norm == "linf":
                delta = delta + step * grad.sign()
            else:
                grad_norm = grad.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, *([1] * (grad.dim() - 1)))
                delta = delta + step * grad / grad_norm
            delta = _project(delta * mask, epsilon, norm)
    return delta.detach()


class RecipeTrainer(Trainer):
    """``Trainer`` whose loss applies the RunSpec's robust objective in embedding space."""

    def __init__(self, *args, objective: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.objective: dict = objective or {"name": "plain"}

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        name = self.objective["name"]
        if name in ("plain", "data_augmentation"):
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        inputs = dict(inputs)
        input_ids = inputs.pop("input_ids")
        core = self.accelerator.unwrap_model(model)
        embeds = core.get_input_embeddings()(input_ids)
        mask = inputs["attention_mask"].unsqueeze(-1).to(embeds.dtype)
        if name == "random_perturbation":
            outputs = model(inputs_embeds=perturb_embeddings(embeds, mask, self.objective), **inputs)
        elif name == "adversarial":
            # inner steps on the unwrapped model: no gradient sync for them under DDP
            delta = pgd_delta(lambda e: core(inputs_embeds=e, **inputs).loss, embeds, mask, self.objective)
            outputs = model(inputs_embeds=embeds + delta, **inputs)
        else:
            raise ValueError(f"unknown objective {name!r}")
        return (outputs.loss, outputs) if return_outputs else outputs.loss
