import unittest

import numpy as np

import fixtures  # noqa: F401  (puts the package on the path)
from worldweb_training.c2st import c2st, episode_folds, splits

SIZE = 16  # small frames keep the tests to seconds; the classifier takes any size from 16


def noise_frames(rng, count, low=0, high=256):
    return rng.integers(low, high, (count, SIZE, SIZE, 3), dtype=np.uint8)


def quiet(_):
    pass


class TwoSampleTest(unittest.TestCase):
    def test_two_sets_from_one_distribution_score_chance(self):
        rng = np.random.default_rng(1)
        a, b = noise_frames(rng, 400), noise_frames(rng, 400)
        episodes = np.repeat(np.arange(16), 25)
        result = c2st(a, b, episodes, episodes, max_epochs=4, log=quiet)
        self.assertAlmostEqual(result["accuracy"], 0.5, delta=0.08)

    def test_plainly_different_sets_score_near_one(self):
        rng = np.random.default_rng(2)
        a = noise_frames(rng, 400, 0, 160)
        b = noise_frames(rng, 400, 96, 256)  # the same noise, brighter
        episodes = np.repeat(np.arange(16), 25)
        result = c2st(a, b, episodes, episodes, max_epochs=4, log=quiet)
        self.assertGreater(result["accuracy"], 0.95)

    def test_episodes_are_held_out_whole(self):
        # Each episode is one colour of its own, and set A's episodes and B's are drawn alike. Held out by episode,
        # the classifier meets new colours and scores chance; told that every frame is an episode (split by frame),
        # it learns which colour is whose and "tells apart" two sets from one distribution.
        rng = np.random.default_rng(3)
        colours = rng.integers(0, 256, (48, 3))
        frames = np.clip(colours[:, None, None, None, :] + rng.normal(0, 4, (48, 20, SIZE, SIZE, 3)), 0, 255).astype(np.uint8)
        a, b = frames[:24].reshape(-1, SIZE, SIZE, 3), frames[24:].reshape(-1, SIZE, SIZE, 3)
        by_episode = c2st(a, b, np.repeat(np.arange(24), 20), np.repeat(np.arange(24, 48), 20), max_epochs=8, log=quiet)
        by_frame = c2st(a, b, np.arange(480), np.arange(480, 960), max_epochs=8, log=quiet)
        self.assertAlmostEqual(by_episode["accuracy"], 0.5, delta=0.15)
        self.assertGreater(by_frame["accuracy"], 0.8)
        tested = [e for fold in by_episode["folds"] for e in fold["test_episodes"]]
        self.assertEqual(sorted(tested), list(range(48)))

    def test_groups_break_the_accuracy_down(self):
        rng = np.random.default_rng(4)
        groups = np.arange(400) % 2  # group 0: b is brighter; group 1: a and b alike
        a = noise_frames(rng, 400, 0, 160)
        b = np.where(groups[:, None, None, None] == 0, noise_frames(rng, 400, 96, 256), noise_frames(rng, 400, 0, 160))
        episodes = np.repeat(np.arange(16), 25)
        result = c2st(a, b, episodes, episodes, groups, groups, max_epochs=4, log=quiet)
        self.assertGreater(result["groups"]["0"]["accuracy"], 0.9)
        self.assertAlmostEqual(result["groups"]["1"]["accuracy"], 0.5, delta=0.1)
        self.assertEqual(result["groups"]["1"]["a"][1], 200)

    def test_same_inputs_same_result(self):
        rng = np.random.default_rng(5)
        a, b = noise_frames(rng, 120, 0, 200), noise_frames(rng, 120, 40, 256)
        episodes = np.repeat(np.arange(8), 15)
        first, second = (c2st(a, b, episodes, episodes, max_epochs=2, log=quiet) for _ in range(2))
        first.pop("seconds"), second.pop("seconds")
        self.assertEqual(first, second)

    def test_repeats_test_every_frame_once_per_deal(self):
        rng = np.random.default_rng(6)
        a, b = noise_frames(rng, 120, 0, 200), noise_frames(rng, 120, 40, 256)
        episodes = np.repeat(np.arange(8), 15)
        once = c2st(a, b, episodes, episodes, max_epochs=2, log=quiet)
        twice = c2st(a, b, episodes, episodes, max_epochs=2, repeats=2, log=quiet)
        self.assertEqual(twice["groups"]["0"]["a"][1], 240)
        self.assertEqual(twice["folds"][:4], once["folds"])  # the first deal is the single run's


class SplitTest(unittest.TestCase):
    def test_an_episode_is_never_on_two_sides_and_every_frame_is_tested_once(self):
        episodes = np.repeat(np.arange(16), 5)
        tested = np.zeros(len(episodes), int)
        for train, stop, test in splits(episodes, 4, seed=0):
            sides = [set(episodes[mask]) for mask in (train, stop, test)]
            self.assertFalse(sides[0] & sides[1] or sides[0] & sides[2] or sides[1] & sides[2])
            self.assertEqual(len(sides[0] | sides[1] | sides[2]), 16)
            self.assertTrue(sides[1])
            tested += test
        self.assertTrue((tested == 1).all())

    def test_too_few_episodes_to_hold_any_out_is_refused(self):
        with self.assertRaises(ValueError):
            next(splits(np.array([0, 0, 1, 1]), 4, seed=0))


class EpisodeFoldsTest(unittest.TestCase):
    def test_every_episode_in_one_fold_and_folds_even(self):
        folds = episode_folds(np.repeat(np.arange(10), 3), 4, seed=0)
        self.assertEqual(sorted(folds), list(range(10)))
        self.assertEqual(sorted(np.bincount(list(folds.values()))), [2, 2, 3, 3])

    def test_seeded(self):
        episodes = np.arange(12)
        self.assertEqual(episode_folds(episodes, 3, seed=5), episode_folds(episodes, 3, seed=5))


if __name__ == "__main__":
    unittest.main()
