import tempfile
import unittest

import numpy as np
import torch

from fixtures import TINY_CONFIG, make_shards
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


if __name__ == "__main__":
    unittest.main()
