import unittest

from fixtures import TINY_CONFIG
from worldweb_training.config import load_config, with_play_settings


class PlaySettingsTest(unittest.TestCase):
    """Settings of play (export.py --set, the checks' NAME=VALUE) on top of a saved run's config."""

    def setUp(self):
        self.saved = load_config(TINY_CONFIG).to_dict()

    def test_a_setting_takes_its_fields_type_and_leaves_the_rest(self):
        cfg = with_play_settings(self.saved, ["uniform_reach=15", "temperature=0.8"])
        self.assertEqual((cfg.model.uniform_reach, cfg.model.temperature), (15, 0.8))
        self.assertEqual(cfg.model.widths, load_config(TINY_CONFIG).model.widths)

    def test_a_setting_without_a_value_or_of_no_field_is_refused_by_name(self):
        with self.assertRaisesRegex(ValueError, "NAME=VALUE"):
            with_play_settings(self.saved, ["uniform_reach"])
        with self.assertRaisesRegex(ValueError, "nonsense"):
            with_play_settings(self.saved, ["nonsense=1"])


if __name__ == "__main__":
    unittest.main()
