"""The reference world's paint colours (Textures.MarkColours in WorldWeb.ReferenceWorld): lime, orange and violet,
which no wall, sign or pillar has (not one in the 24,000 frames of 40 seeds played without paint). Shading scales a
colour, so the rules are ratios of its channels; lime's is PaintTests.LimePixels'. Written with comparisons and
products only, so one rule serves numpy's 8-bit levels (data.paint_colours) and the graph's torch tensors
(model.WorldModel's mark gate)."""


def paint_colour_masks(r, g, b):
    """(lime, orange, violet) masks from the red, green and blue channels in 8-bit levels (0–255)."""
    lime = (g > 60) & (10 * g > 22 * r) & (10 * g > 22 * b)
    orange = (r > 90) & (10 * g >= 4 * r) & (10 * g <= 7 * r) & (10 * b < 3 * r)
    violet = (b > 90) & (10 * b > 15 * r) & (10 * r > 12 * g)
    return lime, orange, violet
