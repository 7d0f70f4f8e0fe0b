import unittest

import numpy as np

import fixtures  # noqa: F401  (puts the package on the path)
from worldweb_training.freeplay import RealFrames, as_float, colour_histogram, colourful_share, total_variation


def frame(*pixels):
    """One frame [1, 3, 1, N] of the given RGB pixels, as free play holds them."""
    return as_float(np.array([[pixels]], np.uint8))


class ColourTest(unittest.TestCase):
    def test_colourful_share_counts_spreads_over_60(self):
        # Spreads 0, 60, 61, 255, 200: as WorldWeb.Tools' ColourMeasuresTests.
        f = frame((128, 128, 128), (100, 160, 130), (100, 161, 130), (255, 0, 0), (20, 220, 120))
        self.assertAlmostEqual(colourful_share(f), 0.6, places=6)

    def test_bins_are_the_top_two_bits(self):
        h = colour_histogram(frame((64, 128, 192), (255, 255, 255), (0, 0, 0)))
        self.assertEqual(len(h), 64)
        self.assertEqual([int(i) for i in h.nonzero()], [0, 16 + 8 + 3, 63])

    def test_identical_sets_are_at_zero_and_disjoint_ones_at_one(self):
        f = as_float(np.random.default_rng(0).integers(0, 256, (3, 8, 8, 3), dtype=np.uint8))
        self.assertAlmostEqual(total_variation(colour_histogram(f), colour_histogram(f.repeat(2, 1, 1, 1))), 0)
        dark, light = frame((0, 0, 0), (30, 10, 60)), frame((255, 255, 255), (200, 250, 192))
        self.assertAlmostEqual(total_variation(colour_histogram(dark), colour_histogram(light)), 1)

    def test_real_frames_judge_colour_against_their_own(self):
        rng = np.random.default_rng(1)
        real = as_float(rng.integers(0, 256, (8, 16, 16, 3), dtype=np.uint8))
        grey = real.mean(1, keepdim=True).expand(-1, 3, -1, -1)
        judged = RealFrames(real, real, halves=(real[:4], real[4:])).judge(grey)
        self.assertEqual(judged["colourful_share"], 0)
        self.assertGreater(judged["colour_tvd"], 0.5)


if __name__ == "__main__":
    unittest.main()
