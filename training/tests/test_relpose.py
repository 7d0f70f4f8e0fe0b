import math
import unittest

import numpy as np

import fixtures  # noqa: F401  (puts the package on the path)
from worldweb_training.relpose import relative_pose, wrap_angle


class RelativePoseTest(unittest.TestCase):
    def assertPose(self, p, q, expected):
        np.testing.assert_allclose(relative_pose(p, q), expected, atol=1e-6)

    def test_facing_east_a_cell_east_is_one_forward(self):
        self.assertPose([1, 1, 0], [2, 1, 0], [1, 0, 0])

    def test_facing_east_south_is_to_the_right(self):
        # y grows south and turn_right increases θ, so east's right-hand side is south.
        self.assertPose([1, 1, 0], [1, 2, 0], [0, 1, 0])

    def test_facing_south_west_is_to_the_right_and_south_is_forward(self):
        self.assertPose([5, 5, math.pi / 2], [4, 5, math.pi / 2], [0, 1, 0])
        self.assertPose([5, 5, math.pi / 2], [5, 6.5, math.pi / 2], [1.5, 0, 0])

    def test_diagonal_heading(self):
        self.assertPose([0, 0, math.pi / 4], [1, 1, math.pi / 4], [math.sqrt(2), 0, 0])
        self.assertPose([0, 0, math.pi / 4], [-1, 1, math.pi / 4], [0, math.sqrt(2), 0])

    def test_heading_change_is_wrapped_the_short_way(self):
        self.assertPose([0, 0, 3.0], [0, 0, -3.0], [0, 0, 2 * math.pi - 6.0])
        self.assertPose([0, 0, -3.0], [0, 0, 3.0], [0, 0, 6.0 - 2 * math.pi])

    def test_wrap_is_into_half_open_interval_minus_pi_exclusive(self):
        np.testing.assert_allclose(wrap_angle([math.pi, -math.pi, 3 * math.pi, -3 * math.pi]), [math.pi] * 4)
        self.assertAlmostEqual(float(wrap_angle(-math.pi + 1e-9)), -math.pi + 1e-9)
        self.assertAlmostEqual(float(wrap_angle(2 * math.pi + 0.5)), 0.5)

    def test_broadcasts_over_leading_dimensions(self):
        p = np.array([[0, 0, 0], [0, 0, math.pi / 2]])
        q = np.array([[1, 0, 0], [0, 1, math.pi / 2]])
        np.testing.assert_allclose(relative_pose(p, q), [[1, 0, 0], [1, 0, 0]], atol=1e-6)


if __name__ == "__main__":
    unittest.main()
