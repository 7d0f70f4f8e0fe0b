import unittest

import numpy as np

import fixtures  # noqa: F401  (puts the package on the path)
from paint_check import shows_mark

WALL, FRAME, FILL = (20, 160, 170), (200, 200, 200), (60, 200, 60)


def view(frame=None, fill=None):
    """A 1×16×16 view of a teal wall, with a framed square on it (rows and columns 3–12, its inside 5–10) when given."""
    v = np.zeros((1, 16, 16, 3), np.uint8)
    v[:] = WALL
    if frame:
        v[0, 3:13, 3:13] = frame
    if fill:
        v[0, 5:11, 5:11] = fill
    return v


class MarkRuleTest(unittest.TestCase):
    """paint_check's rule is MarkDetector's (WorldWeb.Tests' EditPersistenceTests): the world's frames score as they
    are, and a blob of either of the mark's colours over its footprint is not the mark."""

    def test_the_worlds_frames_with_and_without_the_mark(self):
        painted, before = view(FRAME, FILL), view()
        self.assertTrue(shows_mark(painted, painted, before)[0][0])
        self.assertFalse(shows_mark(before, painted, before)[0][0])
        self.assertEqual(shows_mark(painted, painted, before)[1][0], 100)

    def test_a_blob_of_either_colour_is_not_the_mark(self):
        painted, before = view(FRAME, FILL), view()
        for colour in (FILL, FRAME):
            self.assertFalse(shows_mark(view(colour, colour), painted, before)[0][0], colour)

    def test_a_mark_with_a_ragged_edge_is_the_mark(self):
        painted, before = view(FRAME, FILL), view()
        ragged = painted.copy()
        ragged[0, 3, 3:8] = WALL  # a third of the frame's top row gone, a fill pixel spilt onto the frame
        ragged[0, 4, 4] = FILL
        self.assertTrue(shows_mark(ragged, painted, before)[0][0])


if __name__ == "__main__":
    unittest.main()
