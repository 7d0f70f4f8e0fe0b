import dataclasses
import tempfile
import unittest

import numpy as np

from fixtures import TINY_CONFIG, make_shards, write_synthetic_shards
from worldweb_training.config import load_config
from worldweb_training.data import ShardSet, WindowSampler, mark_pixels, near_candidates, retrieval_score, to_model_inputs
from worldweb_training.relpose import relative_pose, wrap_angle

BATCH = 64


class WindowSamplerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.shards = ShardSet.load(make_shards(cls.tmp.name))
        cls.cfg = load_config(TINY_CONFIG)
        cls.k, cls.m = cls.cfg.model.context_frames, cls.cfg.model.memory_slots

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def sample(self, **data_overrides):
        sampler = WindowSampler(self.shards.episodes, self.cfg.model,
                                dataclasses.replace(self.cfg.data, **data_overrides))
        return sampler, sampler.batch(np.random.default_rng(0), BATCH)

    def test_batch_shapes_and_dtypes(self):
        _, b = self.sample()
        h, w = self.shards.height, self.shards.width
        self.assertEqual((b["context"].shape, b["context"].dtype), ((BATCH, self.k, h, w, 3), np.uint8))
        self.assertEqual((b["target"].shape, b["memory"].shape), ((BATCH, h, w, 3), (BATCH, self.m, h, w, 3)))
        self.assertEqual((b["memory_pose"].shape, b["memory_pose"].dtype), ((BATCH, self.m, 4), np.float32))
        self.assertEqual((b["pose_delta"].shape, b["action"].dtype), ((BATCH, 3), np.int64))
        self.assertTrue(((b["action"] >= 0) & (b["action"] < len(self.shards.actions))).all())

    def test_window_is_context_action_target_and_pose_change_of_one_step(self):
        sampler, b = self.sample()
        for row, (e, s) in enumerate(zip(b["episode"], b["step"])):
            episode = sampler.episodes[e]
            self.assertGreaterEqual(s, self.k)
            np.testing.assert_array_equal(b["context"][row], episode.frames[s - self.k:s])
            np.testing.assert_array_equal(b["target"][row], episode.frames[s])
            self.assertEqual(b["action"][row], episode.actions[s])
            np.testing.assert_allclose(b["pose_delta"][row], relative_pose(episode.poses[s - 1], episode.poses[s]))

    def test_memories_precede_the_context_window_and_carry_their_pose_from_the_previous_step(self):
        sampler, b = self.sample()
        valid_slots = 0
        for row, (e, s) in enumerate(zip(b["episode"], b["step"])):
            episode = sampler.episodes[e]
            for slot, j in enumerate(b["memory_step"][row]):
                if j < 0:
                    continue
                valid_slots += 1
                self.assertLess(j, s - self.k)
                np.testing.assert_array_equal(b["memory"][row, slot], episode.frames[j])
                np.testing.assert_allclose(b["memory_pose"][row, slot],
                                           list(relative_pose(episode.poses[s - 1], episode.poses[j])) + [1.0])
        self.assertGreater(valid_slots, 0)

    def test_empty_slots_are_all_zero(self):
        _, b = self.sample()
        empty = b["memory_step"] < 0
        self.assertTrue(empty.any())
        self.assertFalse(b["memory"][empty].any())
        self.assertFalse(b["memory_pose"][empty].any())

    def test_near_memories_are_close_to_the_target_pose_and_far_enough_back(self):
        sampler, b = self.sample(near_memory=1.0, random_memory=0.0)
        cfg = self.cfg.data
        near = 0
        for row, (e, s) in enumerate(zip(b["episode"], b["step"])):
            poses = sampler.episodes[e].poses
            for j in b["memory_step"][row][b["memory_step"][row] >= 0]:
                near += 1
                self.assertLessEqual(j, s - self.k - cfg.near_min_gap)
                self.assertLessEqual(np.hypot(*(poses[j, :2] - poses[s, :2])), cfg.near_radius_cells + 1e-6)
                self.assertLessEqual(abs(wrap_angle(poses[j, 2] - poses[s, 2])), np.deg2rad(cfg.near_angle_deg) + 1e-6)
        self.assertGreater(near, 0)

    def test_no_memory_probability_gives_only_empty_slots(self):
        _, b = self.sample(retrieval_memory=0.0, near_memory=0.0, random_memory=0.0)
        self.assertTrue((b["memory_step"] < 0).all())
        self.assertFalse(b["memory_pose"].any())

    def test_retrieval_memories_are_the_best_scoring_near_steps_best_first(self):
        sampler, b = self.sample(retrieval_memory=1.0, retrieval_drop=0.0)
        for row, (e, s) in enumerate(zip(b["episode"], b["step"])):
            steps = b["memory_step"][row]
            offsets, near = sampler.near[e]
            candidates = near[offsets[s]:offsets[s + 1]]
            if len(candidates) == 0:
                self.assertTrue((steps < 0).all())
                continue
            poses = sampler.episodes[e].poses
            best = candidates[np.argsort(retrieval_score(poses[s - 1], poses[candidates]), kind="stable")]
            self.assertEqual(list(steps[steps >= 0]), list(best[:len(steps[steps >= 0])]))

    def test_near_candidates_by_hand(self):
        poses = np.array([[0, 0, 0], [5, 0, 0], [0.5, 0, 0.1], [0, 0, 3.0], [0.2, 0, 0]], np.float32)
        offsets, steps = near_candidates(poses, radius=1.0, angle=np.deg2rad(30), min_gap=2)
        # Step 4 (at 0.2, 0, heading 0): step 0 and 2 qualify; 1 is far, 3 faces away.
        self.assertEqual(list(steps[offsets[4]:offsets[5]]), [0, 2])
        self.assertEqual(list(steps[offsets[2]:offsets[3]]), [0])
        self.assertEqual(offsets[2], 0)  # steps 0 and 1 have nothing min_gap before them

    def test_model_inputs_are_channel_first_floats_in_unit_range(self):
        _, b = self.sample()
        inputs = to_model_inputs(b, "cpu")
        self.assertEqual(tuple(inputs["context"].shape), (BATCH, self.k, 3, self.shards.height, self.shards.width))
        for name in ("context", "target", "memory"):
            self.assertGreaterEqual(float(inputs[name].min()), 0.0)
            self.assertLessEqual(float(inputs[name].max()), 1.0)
        np.testing.assert_allclose(inputs["target"][0, :, 3, 5].numpy(), b["target"][0, 3, 5] / 255, atol=1e-6)


if __name__ == "__main__":
    unittest.main()


class PaintShardsTest(unittest.TestCase):
    """Shards with a world-changing action: what changed, and memories the server's rule would still hold."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.shards = ShardSet.load(write_synthetic_shards(cls.tmp.name, paint=True))
        cls.cfg = load_config(TINY_CONFIG)
        cls.k = cls.cfg.model.context_frames

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def sampler(self, **data_overrides):
        return WindowSampler(self.shards.episodes, self.cfg.model, dataclasses.replace(self.cfg.data, **data_overrides))

    def test_the_index_names_presses_and_world_changing_actions(self):
        self.assertEqual(self.shards.actions[-1], "paint")
        self.assertEqual((self.shards.presses, self.shards.changes_world), (["paint"], ["paint"]))
        self.assertEqual(list(np.flatnonzero(self.shards.episodes[0].changed)), [7, 17, 27, 37, 47])

    def test_shards_from_before_paint_load_with_no_changes(self):
        with tempfile.TemporaryDirectory() as tmp:
            old = ShardSet.load(write_synthetic_shards(tmp, episodes=1))
        episode = old.episodes[0]
        self.assertFalse(episode.changed.any())
        self.assertTrue((episode.stale_from == len(episode)).all())
        self.assertEqual((old.presses, old.changes_world), ([], []))

    def test_no_memory_is_a_view_a_change_made_stale_before_the_target(self):
        for kind in ({"retrieval_memory": 1.0, "retrieval_drop": 0.0}, {"retrieval_memory": 0.0, "near_memory": 0.5, "random_memory": 0.5}):
            sampler = self.sampler(**kind)
            b = sampler.batch(np.random.default_rng(1), 256)
            memories = 0
            for row, (e, s) in enumerate(zip(b["episode"], b["step"])):
                for j in b["memory_step"][row][b["memory_step"][row] >= 0]:
                    memories += 1
                    self.assertGreater(sampler.episodes[e].stale_from[j], s, f"step {j} is stale at target {s}")
            self.assertGreater(memories, 0, kind)

    def test_change_windows_draw_targets_just_after_a_change(self):
        sampler = self.sampler(change_windows=1.0, change_window=3)
        b = sampler.batch(np.random.default_rng(2), 128)
        for e, s in zip(b["episode"], b["step"]):
            changes = np.flatnonzero(sampler.episodes[e].changed)
            self.assertTrue(((s - changes >= 0) & (s - changes < 3)).any(), f"target {s} is not just after a change")
        self.assertIn(len(self.shards.actions) - 1, set(b["action"]))

    def test_a_paint_that_reached_no_wall_joins_the_change_windows(self):
        paint = len(self.shards.actions) - 1
        episode = dataclasses.replace(self.shards.episodes[0], changed=self.shards.episodes[0].changed.copy())
        episode.changed[17] = 0  # as if the paint at step 17 had found no wall in reach
        data = dataclasses.replace(self.cfg.data, change_windows=1.0, change_window=1)
        drawn = lambda changing: set(WindowSampler([episode], self.cfg.model, data, changing).batch(np.random.default_rng(3), 256)["step"])
        self.assertEqual(drawn([paint]), {7, 17, 27, 37, 47})
        self.assertEqual(drawn([]), {7, 27, 37, 47})

    def test_a_noop_out_of_reach_becomes_a_paint_that_changes_nothing(self):
        paint = len(self.shards.actions) - 1
        first = self.shards.episodes[0]
        actions, in_reach = first.actions.copy(), np.zeros(len(first), np.uint8)
        actions[[20, 30]] = 0
        in_reach[29] = 1  # a wall in reach before step 30: a paint there would have drawn
        episode = dataclasses.replace(first, actions=actions, in_reach=in_reach)
        data = dataclasses.replace(self.cfg.data, miss_windows=1.0)
        b = WindowSampler([episode], self.cfg.model, data, [paint]).batch(np.random.default_rng(4), 64)
        self.assertEqual(set(b["step"]), {20})
        self.assertTrue((b["action"] == paint).all())
        unlabelled = WindowSampler([episode], self.cfg.model, data).batch(np.random.default_rng(4), 64)
        self.assertTrue((unlabelled["action"] == actions[unlabelled["step"]]).all())  # without the paint's index, none

    def test_mark_pixels_count_the_paint_colours_in_any_light_and_no_wall_or_landmark(self):
        paint = [(0.30, 0.95, 0.25), (1.00, 0.55, 0.10), (0.55, 0.35, 1.00)]  # Textures.MarkColours
        world = [(0.62, 0.32, 0.24), (0.36, 0.44, 0.62), (0.34, 0.52, 0.30), (0.55, 0.55, 0.52),  # walls
                 (0.90, 0.15, 0.12), (0.95, 0.82, 0.15), (0.10, 0.80, 0.85), (0.85, 0.20, 0.80),  # landmarks
                 (0.97, 0.97, 0.95), (0.20, 0.22, 0.28), (0.42, 0.38, 0.32)]  # a mark's frame, ceiling, floor
        lit = lambda colours: np.array([[[[round(255 * c * light) for c in rgb] for rgb in colours]]
                                        for light in (0.55, 0.75, 1.0)], np.uint8)
        self.assertEqual(list(mark_pixels(lit(paint))), [3, 3, 3])
        self.assertEqual(list(mark_pixels(lit(world))), [0, 0, 0])

    def test_a_mark_that_comes_into_view_unseen_is_drawn_again_unless_a_paint_made_it(self):
        first = self.shards.episodes[0]
        frames, changed = np.full_like(first.frames, 128), np.zeros(len(first), np.uint8)
        frames[10:15, 20:28, 20:28] = frames[30:, 20:28, 20:28] = (77, 242, 64)  # lime: painted at 10, seen again at 30
        changed[10] = 1
        episode = dataclasses.replace(first, frames=frames, changed=changed)
        no_memory = dataclasses.replace(self.cfg.data, retrieval_memory=0.0, near_memory=0.0, random_memory=0.0)
        steps = lambda data: set(WindowSampler([episode], self.cfg.model, data).batch(np.random.default_rng(5), 512)["step"])
        self.assertTrue({10, 30, 31} <= steps(no_memory))
        explained = steps(dataclasses.replace(no_memory, explained_marks=True))
        self.assertTrue({10, 31} <= explained)
        self.assertNotIn(30, explained)
