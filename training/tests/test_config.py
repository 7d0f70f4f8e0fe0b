import unittest

from fixtures import TINY_CONFIG
from worldweb_training.config import config_from_dict, load_config, with_play_settings


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


class ConfigTest(unittest.TestCase):
    def test_mark_weight_with_drifted_rows_is_refused(self):
        saved = load_config(TINY_CONFIG).to_dict()
        saved["train"]["mark_weight"], saved["data"]["drift_fraction"] = 10.0, 0.25
        with self.assertRaisesRegex(ValueError, "mark_weight needs data.drift_fraction and data.paint_drift_fraction 0"):
            config_from_dict(saved)
        saved["data"]["drift_fraction"], saved["data"]["paint_drift_fraction"] = 0.0, 0.1
        with self.assertRaisesRegex(ValueError, "mark_weight needs data.drift_fraction and data.paint_drift_fraction 0"):
            config_from_dict(saved)
        saved["data"]["paint_drift_fraction"] = 0.0
        self.assertEqual(config_from_dict(saved).train.mark_weight, 10.0)

    def test_paint_rows_without_paint_runs_are_refused(self):
        saved = load_config(TINY_CONFIG).to_dict()
        saved["data"]["paint_drift_fraction"], saved["data"]["paint_rollouts"] = 0.1, 0
        with self.assertRaisesRegex(ValueError, "paint_rollouts"):
            config_from_dict(saved)


if __name__ == "__main__":
    unittest.main()
