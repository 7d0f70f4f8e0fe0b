import math
import unittest

import torch

import fixtures  # noqa: F401  (puts the package on the path)
from worldweb_training.facemap import FACE_CROSSINGS, face_map

H = W = 64
FOV = 66.0


def rows_and_columns(channel):
    rows, columns = channel.nonzero(as_tuple=True)
    return (int(rows.min()), int(rows.max())), (int(columns.min()), int(columns.max()))


class FaceMapTest(unittest.TestCase):
    """The map against the reference world's geometry (Raycaster, Textures.Mark), worked out by hand."""

    def test_a_face_half_a_cell_ahead_square_on(self):
        faces = face_map(torch.tensor([[3.5, 3.5, 0.0]]), H, W, FOV)[0]  # facing east, the line x = 4 half a cell on
        self.assertEqual(faces.shape, (2 * FACE_CROSSINGS, H, W))
        self.assertEqual(int(faces[0].sum()), H * W)  # a mark there fills the view: v spans 0.34–0.66 of the face
        # Its fill: v in [0.3, 0.7] is rows 6–57; u in [0.25, 0.75] is |camera| ≤ 0.25 / (0.5 · tan 33°) = 0.77.
        edge = math.ceil((1 - 0.25 / (0.5 * math.tan(math.radians(FOV / 2)))) * W / 2 - 0.5)
        self.assertEqual(rows_and_columns(faces[FACE_CROSSINGS]), ((6, 57), (edge, W - 1 - edge)))

    def test_the_next_line_ahead_is_the_second_crossing_and_smaller(self):
        faces = face_map(torch.tensor([[3.5, 3.5, 0.0]]), H, W, FOV)[0]
        # x = 5 at 1.5 ray lengths: a mark's v in [0.2, 0.8] is rows 19–44 of the centre columns (y = 4 comes first
        # at the edges, where the ray leans more than 1/3).
        self.assertEqual(rows_and_columns(faces[1][:, 20:44])[0], (19, 44))

    def test_only_the_place_in_the_cell_and_the_heading_matter(self):
        pose = torch.tensor([[3.3, 7.6, 0.4]])
        same = face_map(pose, H, W, FOV)
        torch.testing.assert_close(face_map(pose + torch.tensor([[2.0, -3.0, 0.0]]), H, W, FOV), same, rtol=0, atol=0)
        self.assertFalse(torch.equal(face_map(pose + torch.tensor([[0.0, 0.3, 0.0]]), H, W, FOV), same))
        self.assertFalse(torch.equal(face_map(pose + torch.tensor([[0.0, 0.0, 0.2]]), H, W, FOV), same))

    def test_a_step_sideways_moves_the_mark_the_other_way(self):
        centred = face_map(torch.tensor([[3.5, 3.5, 0.0]]), H, W, FOV)[0, FACE_CROSSINGS]
        right = face_map(torch.tensor([[3.5, 3.6, 0.0]]), H, W, FOV)[0, FACE_CROSSINGS]  # y grows south: to the right
        self.assertLess(rows_and_columns(right)[1], rows_and_columns(centred)[1])


if __name__ == "__main__":
    unittest.main()
