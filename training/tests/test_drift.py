import tempfile
import unittest

import numpy as np
import torch

from fixtures import TINY_CONFIG, make_shards, write_synthetic_shards
from worldweb_training.config import load_config
from worldweb_training.data import ShardSet, WindowSampler
from worldweb_training.drift import DriftPool
from worldweb_training.model import WorldModel
from worldweb_training.relpose import relative_pose

ROLLOUTS, LENGTH = 3, 6


class DriftPoolTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        shards = ShardSet.load(make_shards(cls.tmp.name))
        cfg = load_config(TINY_CONFIG)
        cls.k = cfg.model.context_frames
        cls.sampler = WindowSampler(shards.episodes, cfg.model, cfg.data)
        torch.manual_seed(0)
        cls.model = WorldModel(cfg.model, len(shards.actions))
        cls.model.codebook.uniform_()  # random patches: generated frames differ from true ones
        cls.pool = DriftPool(cls.sampler, ROLLOUTS, LENGTH)
        cls.pool.refresh(cls.model, np.random.default_rng(0), "cpu")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_refresh_generates_every_step_of_every_rollout(self):
        self.assertEqual(self.pool.frames.shape, (ROLLOUTS, LENGTH, 64, 64, 3))
        for r, (e, start) in enumerate(zip(self.pool.episode, self.pool.start)):
            self.assertGreaterEqual(start, self.k)
            self.assertLess(start + LENGTH, len(self.sampler.episodes[e]))
            self.assertFalse(np.array_equal(self.pool.frames[r, 0], self.sampler.episodes[e].frames[start]))

    def test_rows_have_generated_context_and_true_target_action_and_older_memories(self):
        rows = self.pool.batch(np.random.default_rng(1), 32)
        for row, (e, s, r) in enumerate(zip(rows["episode"], rows["step"], rows["rollout"])):
            episode = self.sampler.episodes[e]
            n = s - self.pool.start[r]
            self.assertTrue(1 <= n <= LENGTH)
            generated = min(n, self.k)
            np.testing.assert_array_equal(rows["context"][row, self.k - generated:], self.pool.frames[r, n - generated:n])
            np.testing.assert_array_equal(rows["context"][row, :self.k - generated], episode.frames[s - self.k:s - generated])
            np.testing.assert_array_equal(rows["target"][row], episode.frames[s])
            self.assertEqual(rows["action"][row], episode.actions[s])
            self.assertTrue(all(j < self.pool.start[r] for j in rows["memory_step"][row]))

    def test_target_memory_rows_remember_the_target_view_at_its_own_pose(self):
        pool = DriftPool(self.sampler, ROLLOUTS, LENGTH, target_memory=1.0)
        pool.episode, pool.start, pool.frames = self.pool.episode, self.pool.start, self.pool.frames
        rows = pool.batch(np.random.default_rng(2), 8)
        for row, (e, s) in enumerate(zip(rows["episode"], rows["step"])):
            episode = self.sampler.episodes[e]
            np.testing.assert_array_equal(rows["memory"][row, 0], episode.frames[s])
            self.assertEqual(rows["memory_step"][row, 0], s)
            np.testing.assert_allclose(rows["memory_pose"][row, 0],
                                       [*relative_pose(episode.poses[s - 1], episode.poses[s]), 1.0], rtol=1e-6)


LIME = (40, 200, 40)


class MarkOnsetTest(unittest.TestCase):
    """Onsets on grey mazes: the world shows no mark, so a lime square a rollout draws is a mark from nothing."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        shards = ShardSet.load(write_synthetic_shards(self.tmp.name))
        for episode in shards.episodes:
            episode.frames[:] = 128
        cfg = load_config(TINY_CONFIG)
        self.k, self.patch = cfg.model.context_frames, cfg.model.patch
        self.pool = DriftPool(WindowSampler(shards.episodes, cfg.model, cfg.data), ROLLOUTS, LENGTH)
        self.pool.episode = np.zeros(ROLLOUTS, np.int64)
        self.pool.start = np.full(ROLLOUTS, self.k)
        self.pool.frames = np.full((ROLLOUTS, LENGTH, 64, 64, 3), 128, np.uint8)

    def tearDown(self):
        self.tmp.cleanup()

    def test_only_the_first_frame_of_a_mark_nothing_drew_is_an_onset(self):
        self.pool.frames[0, 2:, 10:18, 20:28] = LIME  # drawn at n = 2 and kept
        self.pool.frames[1, 5, 0:3, 0:3] = LIME  # 9 pixels: too few to be a mark
        self.assertEqual(self.pool._mark_onsets().tolist(), [[0, 2]])

    def test_no_onset_where_the_world_shows_a_mark(self):
        self.pool.frames[0, 2, 10:18, 20:28] = LIME
        world = self.pool.sampler.episodes[0]
        world.frames[self.k + 2, 10:18, 20:28] = LIME
        world._marks = None
        self.assertEqual(len(self.pool._mark_onsets()), 0)

    def test_onset_rows_teach_the_marks_patches_and_those_around_them_only(self):
        self.pool.frames[0, 3, 8:16, 20:28] = LIME  # patches (2..3, 5..6) of 4×4
        self.pool.onsets = self.pool._mark_onsets()
        rows = self.pool.onset_batch(np.random.default_rng(0), 2, self.patch)
        expected = np.zeros((16, 16), np.float32)
        expected[1:5, 4:8] = 1
        for row in range(2):
            np.testing.assert_array_equal(rows["patch_weight"][row].reshape(16, 16), expected)
            self.assertEqual(rows["step"][row], self.k + 3)
            np.testing.assert_array_equal(rows["context"][row, -1], self.pool.frames[0, 2])
            np.testing.assert_array_equal(rows["target"][row], self.pool.sampler.episodes[0].frames[self.k + 3])


class PaintRowsTest(unittest.TestCase):
    """Grey mazes where each paint (steps 7, 17, …) paints a square on the view a colour of its own, kept from then on."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.shards = ShardSet.load(write_synthetic_shards(self.tmp.name, paint=True))
        for episode in self.shards.episodes:
            episode.frames[:] = 128
            for i, s in enumerate(np.flatnonzero(episode.changed)):
                episode.frames[s:, 8:16, 20:28] = (40 * i, 200, 40)
        cfg = load_config(TINY_CONFIG)
        self.cfg, self.k, self.patch = cfg, cfg.model.context_frames, cfg.model.patch
        self.pool = DriftPool(WindowSampler(self.shards.episodes, cfg.model, cfg.data), ROLLOUTS, LENGTH, paint_rollouts=4)

    def tearDown(self):
        self.tmp.cleanup()

    def test_paint_runs_end_just_before_a_paint_that_changed_the_world(self):
        torch.manual_seed(0)
        self.pool.refresh(WorldModel(self.cfg.model, len(self.shards.actions)), np.random.default_rng(0), "cpu")
        self.assertEqual(self.pool.frames.shape[:2], (ROLLOUTS + 4, LENGTH))
        for e, start in zip(self.pool.episode[ROLLOUTS:], self.pool.start[ROLLOUTS:]):
            self.assertEqual(self.pool.sampler.episodes[e].changed[start + LENGTH], 1)
            self.assertGreaterEqual(start, self.k)

    def test_paint_rows_are_the_paint_from_the_runs_frames_taught_on_the_marks_patches_only(self):
        self.pool.episode = np.zeros(ROLLOUTS + 4, np.int64)
        self.pool.start = np.array([self.k] * ROLLOUTS + [17 - LENGTH, 27 - LENGTH, 37 - LENGTH, 47 - LENGTH])
        self.pool.frames = np.full((ROLLOUTS + 4, LENGTH, 64, 64, 3), 90, np.uint8)  # drifted: darker than the world
        self.pool.agreeing = ROLLOUTS + np.arange(4)
        rows = self.pool.paint_batch(np.random.default_rng(0), 6, self.patch)
        expected = np.zeros((16, 16), np.float32)
        expected[1:5, 4:8] = 1  # the square's patches (2..3, 5..6) of 4×4 and those around them
        episode = self.pool.sampler.episodes[0]
        for row, (r, s) in enumerate(zip(rows["rollout"], rows["step"])):
            self.assertGreaterEqual(r, ROLLOUTS)
            self.assertEqual(s, self.pool.start[r] + LENGTH)
            self.assertEqual(rows["action"][row], episode.actions[s])
            self.assertEqual(episode.changed[s], 1)
            np.testing.assert_array_equal(rows["context"][row], self.pool.frames[r, -self.k:])
            np.testing.assert_array_equal(rows["target"][row], episode.frames[s])
            np.testing.assert_array_equal(rows["patch_weight"][row].reshape(16, 16), expected)

    def test_only_runs_that_still_show_the_wall_where_the_mark_lands_give_paint_rows(self):
        self.pool.episode = np.zeros(ROLLOUTS + 4, np.int64)
        self.pool.start = np.array([self.k] * ROLLOUTS + [17 - LENGTH, 27 - LENGTH, 37 - LENGTH, 47 - LENGTH])
        self.pool.frames = np.full((ROLLOUTS + 4, LENGTH, 64, 64, 3), 90, np.uint8)  # drifted: darker than the world
        episode = self.pool.sampler.episodes[0]
        for r in (ROLLOUTS + 1, ROLLOUTS + 3):  # these two end on the world's own view, the wall the paint lands on
            self.pool.frames[r, -1] = episode.frames[self.pool.start[r] + LENGTH - 1]
            self.pool.frames[r, -1, 40:, :] = 0  # elsewhere they may differ
        agreement = self.pool._paint_agreement()
        np.testing.assert_array_less(agreement[[0, 2]], 20)
        np.testing.assert_array_less(40, agreement[[1, 3]])
        self.pool.paint_agreement_db = 30.0
        self.pool.agreeing = ROLLOUTS + np.flatnonzero(agreement >= self.pool.paint_agreement_db)
        rows = self.pool.paint_batch(np.random.default_rng(0), 16, self.patch)
        self.assertEqual(set(rows["rollout"].tolist()), {ROLLOUTS + 1, ROLLOUTS + 3})


if __name__ == "__main__":
    unittest.main()
