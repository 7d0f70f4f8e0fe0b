import dataclasses
import unittest

import torch

from fixtures import TINY_CONFIG
from worldweb_training.codebook import from_patches, quantize, to_patches
from worldweb_training.config import load_config
from worldweb_training.cost import denoiser_flops, parameter_count
from worldweb_training.model import WorldModel, context_noise
from worldweb_training.objective import changed_patches, context_corruption, noise_levels, stray_patches, training_loss
from worldweb_training.viewwarp import turn_views

ACTIONS, H, W = 7, 64, 64


def inputs(batch, seed=0):
    g = torch.Generator().manual_seed(seed)
    valid = torch.tensor([1.0, 0.0]).repeat(batch, 1)[..., None]
    return (torch.rand(batch, 4, 3, H, W, generator=g), torch.arange(batch) % ACTIONS,
            torch.rand(batch, 2, 3, H, W, generator=g) * valid[..., None, None],
            torch.cat([torch.randn(batch, 2, 3, generator=g), torch.ones(batch, 2, 1)], -1) * valid,
            torch.randn(batch, 3, H, W, generator=g))


def residual_config():
    """The tiny config with the denoiser that predicts base + residual (tiny.json itself is a token model)."""
    cfg = load_config(TINY_CONFIG)
    return dataclasses.replace(cfg, model=dataclasses.replace(cfg.model, output="residual", sampler_times=(1.0, 0.5),
                                                              context_noise_inference=0.0))


class WorldModelTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.cfg = residual_config()
        self.model = WorldModel(self.cfg.model, ACTIONS).eval()
        # Training starts from a zero residual; give the output layer weights so outputs depend on noise.
        torch.nn.init.normal_(self.model.denoiser.out.weight, std=0.1)

    def run_model(self, *args):
        with torch.no_grad():
            return self.model(*args)

    def test_outputs_have_contract_shapes_and_frame_is_in_unit_range(self):
        frame, pose = self.run_model(*inputs(3))
        self.assertEqual(tuple(frame.shape), (3, 3, H, W))
        self.assertEqual(tuple(pose.shape), (3, 3))
        self.assertGreaterEqual(float(frame.min()), 0.0)
        self.assertLessEqual(float(frame.max()), 1.0)

    def test_untrained_model_without_memory_repeats_the_last_context_frame(self):
        model = WorldModel(self.cfg.model, ACTIONS).eval()
        args = list(inputs(2))
        args[3] = torch.zeros_like(args[3])  # every slot empty
        with torch.no_grad():
            frame, _ = model(*args)
        torch.testing.assert_close(frame, args[0][:, -1])

    def test_an_open_memory_gate_copies_that_memory(self):
        model = WorldModel(self.cfg.model, ACTIONS).eval()
        model.denoiser.out.bias.data[3:5] = 30.0  # slot 0's gate wide open, slot 1's (empty) too
        args = inputs(2)
        with torch.no_grad():
            frame, _ = model(*args)
        torch.testing.assert_close(frame, args[2][:, 0], rtol=0, atol=1e-5)

    def test_sampler_is_deterministic_given_the_noise(self):
        args = inputs(2)
        first, again = self.run_model(*args), self.run_model(*args)
        for a, b in zip(first, again):
            torch.testing.assert_close(a, b, rtol=0, atol=0)
        other_noise = self.run_model(*args[:4], torch.randn(2, 3, H, W))
        self.assertFalse(torch.allclose(first[0], other_noise[0]))

    def test_batch_rows_are_independent(self):
        three = inputs(3)
        alone = self.run_model(*(x[:1] for x in three))
        changed = [x.clone() for x in three]
        changed[0][1:] = torch.rand_like(changed[0][1:])
        changed[4][1:] = torch.randn_like(changed[4][1:])
        for together in (self.run_model(*three), self.run_model(*changed)):
            for a, b in zip(alone, together):
                torch.testing.assert_close(a[0], b[0], rtol=0, atol=1e-5)

    def test_empty_memory_slots_are_ignored_whatever_they_hold(self):
        args = list(inputs(2))  # slot 1 of every row is empty
        garbage = [x.clone() for x in args]
        garbage[2][:, 1] = 0.7
        garbage[3][:, 1, :3] = torch.tensor([3.0, -2.0, 1.0])
        for a, b in zip(self.run_model(*args), self.run_model(*garbage)):
            torch.testing.assert_close(a, b, rtol=0, atol=1e-6)

    def test_training_loss_is_finite_and_reaches_every_parameter(self):
        context, action, memory, memory_pose, _ = inputs(4)
        batch = {"context": context, "action": action, "memory": memory, "memory_pose": memory_pose,
                 "target": torch.rand(4, 3, H, W), "pose_delta": torch.randn(4, 3) * 0.1}
        self.model.train()
        loss, parts = training_loss(self.model, batch, self.cfg.train)
        loss.backward()
        self.assertTrue(torch.isfinite(loss))
        self.assertGreater(float(parts["pose_loss"]), 0.0)
        no_grad = [n for n, p in self.model.named_parameters() if p.grad is None]
        self.assertEqual(no_grad, [])

    def test_noise_levels_put_the_configured_share_of_rows_at_the_sampler_levels(self):
        t = noise_levels(8, (1.0, 0.5), 0.5, "cpu")
        self.assertEqual(t[:4].tolist(), [1.0, 0.5, 1.0, 0.5])
        self.assertTrue(((t >= 0) & (t <= 1)).all())

    def test_context_noise_in_play_comes_from_the_noise_input_so_frames_replay_exactly(self):
        cfg = dataclasses.replace(self.cfg.model, context_noise_inference=0.1)
        model = WorldModel(cfg, ACTIONS).eval()
        torch.nn.init.normal_(model.denoiser.out.weight, std=0.1)
        args = inputs(3)
        with torch.no_grad():
            first, again = model(*args), model(*args)
            alone = model(*(x[:1] for x in args))
            quiet = WorldModel(self.cfg.model, ACTIONS).eval()
            quiet.load_state_dict(model.state_dict())
            without = quiet(*args)
        for a, b, c in zip(first, again, alone):
            torch.testing.assert_close(a, b, rtol=0, atol=0)
            torch.testing.assert_close(a[:1], c, rtol=0, atol=1e-5)
        self.assertFalse(torch.allclose(first[0], without[0]))  # the level and its noise change what the model sees

    def test_context_noise_fields_are_shifted_copies_of_the_noise(self):
        noise = torch.randn(2, 3, H, W)
        fields = context_noise(noise, 4)
        self.assertEqual(tuple(fields.shape), (2, 4, 3, H, W))
        self.assertLess(float((fields[:, 0] * noise).mean().abs()), 0.05)  # uncorrelated with the sampler's own noise
        torch.testing.assert_close(fields[:, 1].flatten(1).sort().values, noise.flatten(1).sort().values)

    def test_corruption_tells_each_row_its_noise_level(self):
        train = dataclasses.replace(self.cfg.train, context_noise_max=0.5, context_noise_clean=0.25)
        context = torch.rand(64, 4, 3, 8, 8)
        noise, level = context_corruption(context, train)
        self.assertTrue(((level >= 0) & (level <= 0.5)).all())
        clean = level == 0
        self.assertTrue(10 <= int(clean.sum()) <= 26)
        self.assertTrue((noise[clean] == 0).all())
        self.assertGreater(float(noise[~clean].std()), 0.1)

    def test_cost_counts_parameters_and_flops(self):
        self.assertGreater(parameter_count(self.model), 1000)
        self.assertGreater(denoiser_flops(self.model, H, W), parameter_count(self.model.denoiser))


if __name__ == "__main__":
    unittest.main()



class TokenModelTest(unittest.TestCase):
    """The token model (tiny.json): every frame is made of codebook patches, chosen from the noise input."""

    def setUp(self):
        torch.manual_seed(0)
        self.cfg = load_config(TINY_CONFIG)
        self.model = WorldModel(self.cfg.model, ACTIONS).eval()
        self.model.codebook.uniform_()
        torch.nn.init.normal_(self.model.denoiser.token_head.weight, std=0.5)

    def run_model(self, *args, model=None):
        with torch.no_grad():
            return (model or self.model)(*args)

    def test_frames_are_made_of_codebook_patches(self):
        frame, pose = self.run_model(*inputs(3))
        self.assertEqual((tuple(frame.shape), tuple(pose.shape)), ((3, 3, H, W), (3, 3)))
        patches = to_patches(frame, self.cfg.model.patch).reshape(-1, self.model.codebook.shape[1])
        distance = (patches[:, None] - self.model.codebook[None]).abs().sum(-1).min(1).values
        self.assertEqual(float(distance.max()), 0.0)

    def test_quantize_rebuilds_codebook_frames_exactly(self):
        codes = torch.randint(len(self.model.codebook), (2, (H // 4) * (W // 4)))
        frames = from_patches(self.model.codebook[codes], 4, H, W)
        found, rebuilt = quantize(frames, self.model.codebook, 4)
        torch.testing.assert_close(rebuilt, frames)

    def test_quantize_finds_the_nearest_code_of_every_patch(self):
        frames = torch.rand(3, 3, H, W)
        found, _ = quantize(frames, self.model.codebook, 4)
        distance = ((to_patches(frames, 4)[:, :, None] - self.model.codebook[None, None]) ** 2).sum(-1)
        torch.testing.assert_close(distance.gather(2, found[..., None]), distance.min(2, keepdim=True).values)

    def test_sampling_follows_the_noise_and_replays_exactly(self):
        args = inputs(2)
        first, again = self.run_model(*args), self.run_model(*args)
        torch.testing.assert_close(first[0], again[0], rtol=0, atol=0)
        other = self.run_model(*args[:4], torch.randn(2, 3, H, W))
        self.assertFalse(torch.equal(first[0], other[0]))

    def test_at_temperature_zero_the_likeliest_patch_is_taken_whatever_the_noise(self):
        greedy = WorldModel(dataclasses.replace(self.cfg.model, temperature=0.0, context_noise_inference=0.0), ACTIONS).eval()
        greedy.load_state_dict(self.model.state_dict())
        args = inputs(2)
        a = self.run_model(*args, model=greedy)
        b = self.run_model(*args[:4], torch.randn(2, 3, H, W), model=greedy)
        torch.testing.assert_close(a[0], b[0], rtol=0, atol=0)

    def test_batch_rows_are_independent(self):
        three = inputs(3)
        alone = self.run_model(*(x[:1] for x in three))
        changed = [x.clone() for x in three]
        changed[0][1:] = torch.rand_like(changed[0][1:])
        changed[4][1:] = torch.randn_like(changed[4][1:])
        for a, b in zip(alone, self.run_model(*changed)):
            torch.testing.assert_close(a[0], b[0], rtol=0, atol=1e-5)

    def test_token_loss_reaches_every_parameter(self):
        context, action, memory, memory_pose, _ = inputs(4)
        batch = {"context": context, "action": action, "memory": memory, "memory_pose": memory_pose,
                 "target": torch.rand(4, 3, H, W), "pose_delta": torch.randn(4, 3) * 0.1}
        self.model.train()
        loss, parts = training_loss(self.model, batch, self.cfg.train)
        loss.backward()
        self.assertTrue(torch.isfinite(loss))
        self.assertEqual([n for n, p in self.model.named_parameters() if p.grad is None], [])

    def test_the_face_map_starts_silent_then_reaches_the_frame_and_trains(self):
        posed = WorldModel(dataclasses.replace(self.cfg.model, face_map=True), ACTIONS).eval()
        posed.load_state_dict(self.model.state_dict(), strict=False)  # as --init-from a model without it
        args, cell = inputs(2), torch.tensor([[3.5, 12.5, 0.0], [3.2, 12.5, 1.0]])
        torch.testing.assert_close(self.run_model(*args, model=posed)[0], self.run_model(*args)[0], rtol=0, atol=0)
        context, action, memory, memory_pose, _ = args
        batch = {"context": context, "action": action, "memory": memory, "memory_pose": memory_pose,
                 "target": torch.rand(2, 3, H, W), "pose_delta": torch.zeros(2, 3), "view_pose": cell}
        posed.train()
        training_loss(posed, batch, self.cfg.train)[0].backward()
        self.assertGreater(float(posed.denoiser.stem_face.weight.grad.abs().sum()), 0)
        torch.nn.init.normal_(posed.denoiser.stem_face.weight, std=1.0)
        posed.eval()
        moved = cell.clone()
        moved[:, 0] += 0.25  # a quarter cell along x: the faces ahead lie elsewhere in the view
        self.assertFalse(torch.equal(self.run_model(*args, cell, model=posed)[0], self.run_model(*args, moved, model=posed)[0]))
        whole = cell.clone()
        whole[:, 0] += 1.0  # the next cell, the same place in it
        torch.testing.assert_close(self.run_model(*args, cell, model=posed)[0], self.run_model(*args, whole, model=posed)[0])

    def test_a_row_whose_action_changes_the_world_weighs_change_weight(self):
        context, action, memory, memory_pose, _ = inputs(2)
        action = torch.tensor([ACTIONS - 1, 0])
        batch = {"context": context, "action": action, "memory": memory, "memory_pose": memory_pose,
                 "target": torch.rand(2, 3, H, W), "pose_delta": torch.zeros(2, 3)}
        train = dataclasses.replace(self.cfg.train, change_weight=3.0, context_noise_max=0.0, stray_patches_max=0.0)
        self.model.eval()

        def frame_loss(rows, changing):
            part = {k: v[rows] for k, v in batch.items()}
            return float(training_loss(self.model, part, train, torch.tensor(changing))[1]["frame_loss"])
        paint, other = frame_loss([0], []), frame_loss([1], [])
        self.assertAlmostEqual(frame_loss([0, 1], []), (paint + other) / 2, places=5)
        self.assertAlmostEqual(frame_loss([0, 1], [ACTIONS - 1]), (3 * paint + other) / 4, places=5)

    def test_mark_weight_weighs_the_patches_a_paint_changed(self):
        context, _, memory, memory_pose, _ = inputs(1)
        target = context[:, -1].clone()
        target[..., :4, :8] = 1 - target[..., :4, :8]  # the mark: the first two patches of the top row
        batch = {"context": context, "action": torch.tensor([ACTIONS - 1]), "memory": memory, "memory_pose": memory_pose,
                 "target": target, "pose_delta": torch.zeros(1, 3)}
        train = dataclasses.replace(self.cfg.train, context_noise_max=0.0, stray_patches_max=0.0)
        self.model.eval()
        patches = (H // 4) * (W // 4)
        self.assertEqual(changed_patches(context[:, -1], target, 4).nonzero()[:, 1].tolist(), [0, 1])
        on_mark = dict(batch, patch_weight=torch.zeros(1, patches))
        on_mark["patch_weight"][0, :2] = 1
        mark_loss = float(training_loss(self.model, on_mark, train)[1]["frame_loss"])  # the mean over its two patches

        def frame_loss(mark_weight, changing):
            weighted = dataclasses.replace(train, mark_weight=mark_weight)
            return float(training_loss(self.model, batch, weighted, torch.tensor(changing))[1]["frame_loss"])
        plain = frame_loss(1.0, [ACTIONS - 1])
        self.assertAlmostEqual(frame_loss(5.0, [ACTIONS - 1]), plain + 4 * 2 * mark_loss / patches, places=4)
        self.assertAlmostEqual(frame_loss(5.0, []), plain, places=5)  # not a paint: no mark to weigh

    def test_patch_weight_teaches_only_the_patches_it_names(self):
        context, action, memory, memory_pose, _ = inputs(1)
        batch = {"context": context, "action": action, "memory": memory, "memory_pose": memory_pose,
                 "target": torch.rand(1, 3, H, W), "pose_delta": torch.zeros(1, 3),
                 "patch_weight": torch.zeros(1, (H // 4) * (W // 4))}
        batch["patch_weight"][0, :3] = 1  # the first three patches of the top row
        train = dataclasses.replace(self.cfg.train, context_noise_max=0.0, stray_patches_max=0.0)
        self.model.eval()
        before = float(training_loss(self.model, batch, train)[1]["frame_loss"])
        batch["target"][..., 4:, :] = torch.rand(1, 3, H - 4, W)  # every patch but the top row
        self.assertAlmostEqual(float(training_loss(self.model, batch, train)[1]["frame_loss"]), before, places=5)
        batch["target"][..., :4, :12] = torch.rand(1, 3, 4, 12)
        self.assertNotAlmostEqual(float(training_loss(self.model, batch, train)[1]["frame_loss"]), before, places=3)

    def with_memory_prior(self, gain, reach=0.3):
        cfg = dataclasses.replace(self.cfg.model, memory_prior_gain=gain, memory_prior_reach_cells=reach)
        model = WorldModel(cfg, ACTIONS).eval()
        model.load_state_dict(self.model.state_dict())
        torch.nn.init.zeros_(model.pose_head[2].weight)  # no predicted turn: the memory is compared unturned
        torch.nn.init.zeros_(model.pose_head[2].bias)
        return model

    def remembered(self, batch, distance_cells):
        """Inputs whose memory slot 0 is a frame of codebook patches taken distance_cells ahead, at the same heading."""
        context, action, _, _, noise = inputs(batch)
        frame = from_patches(self.model.codebook[torch.randint(len(self.model.codebook), (batch, (H // 4) * (W // 4)))], 4, H, W)
        memory = torch.stack([frame, torch.zeros_like(frame)], 1)
        memory_pose = torch.tensor([[distance_cells, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0]]).repeat(batch, 1, 1)
        return (context, action, memory, memory_pose, noise), frame

    def test_memory_prior_brings_back_the_view_remembered_at_the_players_place(self):
        args, frame = self.remembered(2, distance_cells=0.0)
        without = self.run_model(*args)[0]
        self.assertGreater(float((without - frame).abs().mean()), 0.1)
        torch.testing.assert_close(self.run_model(*args, model=self.with_memory_prior(gain=100))[0], frame)

    def test_memory_prior_ignores_a_memory_far_from_the_player(self):
        args, _ = self.remembered(2, distance_cells=3.0)
        torch.testing.assert_close(self.run_model(*args, model=self.with_memory_prior(gain=100))[0], self.run_model(*args)[0],
                                   rtol=0, atol=0)

    def test_training_loss_leaves_the_memory_prior_out(self):
        args, frame = self.remembered(4, distance_cells=0.0)
        batch = {"context": args[0], "action": args[1], "memory": args[2], "memory_pose": args[3],
                 "target": frame, "pose_delta": torch.zeros(4, 3)}
        losses = []
        for model in (self.model, self.with_memory_prior(gain=100)):
            model.load_state_dict(self.model.state_dict())
            torch.manual_seed(1)
            losses.append(float(training_loss(model, batch, self.cfg.train)[0]))
        self.assertEqual(losses[0], losses[1])

    def test_a_view_turned_by_nothing_is_itself_and_a_right_turn_moves_it_left(self):
        frames = torch.rand(1, 1, 3, H, W)
        same, inside = turn_views(frames, torch.zeros(1, 1), 66.0)
        torch.testing.assert_close(same, frames, rtol=0, atol=0)
        self.assertEqual(float(inside.min()), 1.0)
        turned, inside = turn_views(frames, torch.full((1, 1), 0.2), 66.0)  # the target looks 0.2 rad further right
        self.assertEqual(float(inside[..., W // 2 + 10:].min()), 0.0)  # its right edge was never in view
        centre = turned[0, 0, :, H // 2, W // 2]
        self.assertTrue(any(torch.allclose(centre, frames[0, 0, :, H // 2, c]) for c in range(W // 2 + 1, W)))

    def test_stray_patches_replace_about_the_given_share(self):
        frames = from_patches(self.model.codebook[torch.randint(32, (8 * 4, 256))], 4, H, W).reshape(8, 4, 3, H, W)
        strayed = stray_patches(frames, self.model.codebook, 4, max_rate=0.4)
        changed = (to_patches(strayed.flatten(0, 1), 4) != to_patches(frames.flatten(0, 1), 4)).any(-1).float().mean()
        self.assertTrue(0.05 < float(changed) < 0.3, float(changed))  # U(0, 0.4) per row, minus same-code draws
