"""A conditional patch discriminator (pix2pix's PatchGAN), trained against the generator with the hinge loss.

A next-frame model trained on L1 or MSE alone predicts the median or mean frame. Where the next view is
uncertain — the strip of wall that turns into sight, a corridor seen from further back — that is a flat
or blurred fill, and in play every part of the view is sooner or later such a fill: the world smooths
into flat colour. The discriminator, shown the last frame beside a real or a generated next frame, asks
for fills that look like the world (GameGAN learned to simulate VizDoom with the same kind of loss).
"""
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import spectral_norm


class PatchDiscriminator(nn.Module):
    """[last frame, next frame] ([−1, 1], 6 channels at 64²) → a logit per 8×8 patch."""

    def __init__(self, widths=(32, 64, 128)):
        super().__init__()
        layers, channels = [], 6
        for width in widths:
            layers += [spectral_norm(nn.Conv2d(channels, width, 4, stride=2, padding=1)), nn.LeakyReLU(0.2)]
            channels = width
        layers.append(spectral_norm(nn.Conv2d(channels, 1, 3, padding=1)))
        self.net = nn.Sequential(*layers)

    def forward(self, last_frame, frame):
        return self.net(torch.cat([last_frame, frame], 1))


class Adversary:
    """The discriminator, its optimizer, and the two sides of the hinge loss."""

    def __init__(self, train_cfg, device):
        self.discriminator = PatchDiscriminator(tuple(train_cfg.adversary_widths)).to(device)
        self.optimizer = torch.optim.Adam(self.discriminator.parameters(), lr=train_cfg.adversary_lr, betas=(0.5, 0.999))
        self.weight = train_cfg.adversary_weight

    def generator_loss(self, last_frame, fake):
        """What the generator adds to its loss: the discriminator's verdict on its frames, weighted."""
        for p in self.discriminator.parameters():
            p.requires_grad_(False)
        loss = -self.discriminator(last_frame, fake).mean()
        for p in self.discriminator.parameters():
            p.requires_grad_(True)
        return self.weight * loss

    def step(self, last_frame, real, fake) -> dict:
        """One discriminator update on real and (detached) generated frames."""
        real_logits = self.discriminator(last_frame, real)
        fake_logits = self.discriminator(last_frame, fake.detach())
        loss = F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return {"disc_loss": loss.detach(), "disc_real": real_logits.mean().detach(), "disc_fake": fake_logits.mean().detach()}

    def state(self) -> dict:
        return {"model": self.discriminator.state_dict(), "optimizer": self.optimizer.state_dict()}

    def restore(self, state):
        self.discriminator.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
