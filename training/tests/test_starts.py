import tempfile
import unittest

import numpy as np

from fixtures import write_synthetic_shards
from worldweb_training.data import ShardSet
from worldweb_training.package import start_poses, start_states

K = 4


class StartStatesTest(unittest.TestCase):
    """A package's start states are the first frames of episodes that begin as nobody changed the world."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.shards = ShardSet.load(write_synthetic_shards(self.tmp.name, episodes=4, paint=True))
        for episode in self.shards.episodes:
            episode.frames[:] = 128

    def tearDown(self):
        self.tmp.cleanup()

    def test_an_episode_that_paints_or_shows_a_mark_in_its_first_frames_is_no_start(self):
        painted, marked = self.shards.episodes[0], self.shards.episodes[2]
        painted.changed[1] = 1  # the explorer painted at its first step
        marked.frames[2, 10:20, 10:20] = (40, 200, 40)  # a lime mark in view
        marked._marks = None

        starts = start_states(self.shards, 2, K)

        np.testing.assert_array_equal(starts, np.stack([self.shards.episodes[i].frames[:K] for i in (1, 3)]))
        np.testing.assert_array_equal(start_poses(self.shards, 2, K),
                                      np.stack([self.shards.episodes[i].poses[K - 1] for i in (1, 3)]))
        self.assertEqual(len(start_states(self.shards, 8, K)), 2)  # as many as there are
        for episode in self.shards.episodes:
            episode.changed[0] = 1
        with self.assertRaisesRegex(ValueError, "none of the 4 episodes read begins with no mark"):
            start_states(self.shards, 2, K)


if __name__ == "__main__":
    unittest.main()
