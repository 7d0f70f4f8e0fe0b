"""End to end with the tiny config: train, resume, export, and the package against its manifest."""
import contextlib
import io
import json
import tempfile
import unittest
from pathlib import Path

import numpy as np
import onnx
import torch

import checkpoint_from_package
import export
import train
from fixtures import TINY_CONFIG, make_shards
from worldweb_training.cuda_ops import missing_on_cuda
from worldweb_training.package import ACTION_KEYS, mismatches, trusted_heading_step, trusted_move_steps


def quietly(main, *argv):
    with contextlib.redirect_stdout(io.StringIO()):
        return main([str(a) for a in argv])


def trained_to(run_dir, shards, steps, resume=False):
    args = ["--config", TINY_CONFIG, "--data", shards, "--out", run_dir, "--steps", steps]
    quietly(train.main, *args, *(["--resume"] if resume else []))
    return torch.load(Path(run_dir) / "checkpoint.pt", weights_only=False)


class PipelineTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = Path(cls.tmp.name)
        cls.shards = make_shards(cls.root / "shards")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_train_resume_export_gives_a_package_whose_manifest_matches_its_graph(self):
        run = self.root / "runs" / "tiny"
        self.assertEqual(trained_to(run, self.shards, 3)["progress"]["step"], 3)
        saved = trained_to(run, self.shards, 5, resume=True)
        self.assertEqual(saved["progress"]["step"], 5)
        log = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
        self.assertEqual([r["step"] for r in log if r["kind"] == "train"], [1, 2, 3, 4, 5])
        self.assertTrue(all(np.isfinite(r["psnr_db"]) for r in log if r["kind"] == "eval"))

        package = self.root / "models" / "tiny"
        quietly(export.main, "--checkpoint", run / "checkpoint.pt", "--out", package,
                "--starts-from", self.shards, "--starts", 2)
        world = json.loads((package / "world.json").read_text())
        graph = onnx.load(str(package / "model.onnx"))
        self.assertEqual(mismatches(world, graph.graph), [])
        self.assertEqual([i.name for i in graph.graph.input], ["context", "action", "memory", "memory_pose", "noise"])
        self.assertEqual(world["context_pool"], {"onnx": "pool.onnx"})
        self.assertEqual(world["half"], {"onnx": "model_half.onnx", "context_pool": "pool_half.onnx"})
        self.assertEqual(onnx.load(str(package / "pool.onnx")).graph.output[-1].name, "pool_out")
        self.assertEqual((world["int8"]["onnx"], world["int8"]["context_pool"]), ("model_int8.onnx", "pool_int8.onnx"))
        self.assertEqual(mismatches(world, onnx.load(str(package / "model_int8.onnx")).graph), [])
        self.assertEqual(graph.opset_import[0].version, 17)
        self.assertEqual((world["inputs"]["context"]["dtype"], world["inputs"]["context"]["shape"]), ("uint8", ["batch", 4, 64, 64, 3]))
        self.assertEqual((world["inputs"]["memory"]["dtype"], world["inputs"]["memory"]["shape"]), ("uint8", ["batch", 2, 64, 64, 3]))
        shard_actions = json.loads((Path(self.shards) / "index.json").read_text())["actions"]
        self.assertEqual([a["name"] for a in world["actions"]], shard_actions)
        self.assertEqual(world["actions"][1]["keys"], ACTION_KEYS["forward"])
        for action in world["actions"]:  # real shards have paint, a press that changes the world; the others are held
            self.assertEqual((action.get("press", False), action.get("changes_world", False)), (action["name"] == "paint",) * 2)
        self.assertEqual((world["sampler"]["kind"], world["training"]["steps"]), ("codebook-tokens", 5))
        # The reference world turns 5° a step, but a 5-step run's pose head cannot be trusted to turn within 0.5°.
        self.assertNotIn("poses", world)
        self.assertEqual(trusted_heading_step(5.0, 0.03), 5.0)
        self.assertIsNone(trusted_heading_step(5.0, 0.6))
        self.assertIsNone(trusted_heading_step(None, 0.03))
        moves = {"forward": [0.1, 0.0], "strafe_left": [0.0, -0.08], "turn_left": [0.0, 0.0]}
        self.assertEqual(trusted_move_steps(moves, {"forward": 0.004, "right": 0.0035}), moves)  # paint2's pose head
        self.assertIsNone(trusted_move_steps(moves, {"forward": 0.004, "right": 0.009}))
        self.assertIsNone(trusted_move_steps(None, {"forward": 0.004, "right": 0.0035}))
        starts = np.load(package / "starts.npy")
        self.assertEqual((starts.shape, starts.dtype), ((2, 4, 64, 64, 3), np.uint8))
        # The codebook WorldWeb stores memory frames by: the model's own patches, value for value.
        self.assertEqual(world["sampler"]["codebook_file"], "codebook.npy")
        np.testing.assert_array_equal(np.load(package / "codebook.npy"), saved["model"]["codebook"].numpy())

    def test_a_package_rebuilds_into_its_checkpoint_and_exports_again_with_a_memory_prior(self):
        saved = trained_to(self.root / "runs" / "shipped", self.shards, 2)
        package = self.root / "models" / "shipped"
        quietly(export.main, "--checkpoint", self.root / "runs" / "shipped" / "checkpoint.pt", "--out", package,
                "--starts-from", self.shards, "--starts", 2)
        rebuilt = self.root / "runs" / "rebuilt" / "checkpoint.pt"
        quietly(checkpoint_from_package.main, "--package", package, "--out", rebuilt)
        again = torch.load(rebuilt, weights_only=False)
        for name, weights in saved["model"].items():
            torch.testing.assert_close(again["model"][name], weights, rtol=0, atol=0, msg=name)
        self.assertEqual(again["progress"]["step"], 2)

        config = json.loads(Path(TINY_CONFIG).read_text())
        config["model"].update(memory_prior_gain=8.0, memory_prior_reach_cells=0.2)
        (self.root / "prior.json").write_text(json.dumps(config))
        quietly(export.main, "--checkpoint", rebuilt, "--out", self.root / "models" / "prior", "--starts-from", self.shards,
                "--starts", 2, "--model-config", self.root / "prior.json")
        world = json.loads((self.root / "models" / "prior" / "world.json").read_text())
        self.assertEqual(world["sampler"]["memory_prior"], {"gain": 8.0, "reach_cells": 0.2})
        self.assertEqual(mismatches(world, onnx.load(str(self.root / "models" / "prior" / "model.onnx")).graph), [])
        for graph in ("model.onnx", "pool.onnx", "model_half.onnx", "pool_half.onnx"):  # the prior's view warp too
            self.assertEqual(missing_on_cuda(onnx.load(str(self.root / "models" / "prior" / graph))), [], graph)

        config["model"]["widths"] = [8, 16, 32]  # weights of another shape do not fit
        (self.root / "other.json").write_text(json.dumps(config))
        with self.assertRaises(RuntimeError):
            quietly(export.main, "--checkpoint", rebuilt, "--out", self.root / "models" / "other", "--starts-from",
                    self.shards, "--model-config", self.root / "other.json")

    def test_held_out_episodes_are_not_trained_on(self):
        saved = trained_to(self.root / "runs" / "split", self.shards, 1)
        index = json.loads((self.shards / "index.json").read_text())
        held_out = saved["data"]["held_out"]
        self.assertEqual(held_out, [e["name"] for e in index["episodes"][-len(held_out):]])

    def test_resuming_continues_exactly_as_an_uninterrupted_run(self):
        straight = trained_to(self.root / "runs" / "straight", self.shards, 4)
        trained_to(self.root / "runs" / "chunked", self.shards, 2)
        chunked = trained_to(self.root / "runs" / "chunked", self.shards, 4, resume=True)
        for name, weights in straight["model"].items():
            torch.testing.assert_close(chunked["model"][name], weights, rtol=0, atol=0, msg=name)

    def test_drifted_context_rows_and_init_from_another_runs_weights(self):
        old = trained_to(self.root / "runs" / "old", self.shards, 2)
        torch.save(old, self.root / "runs" / "old" / "pre-gate.pt")
        config = json.loads(Path(TINY_CONFIG).read_text())
        config["data"].update(drift_fraction=0.5, drift_rollouts=2, drift_length=4, drift_refresh_every=2)
        (self.root / "drift.json").write_text(json.dumps(config))
        run = self.root / "runs" / "drift"
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            train.main([str(a) for a in ["--config", self.root / "drift.json", "--data", self.shards, "--out", run,
                                         "--steps", 3, "--init-from", self.root / "runs" / "old" / "pre-gate.pt"]])
        self.assertEqual(out.getvalue().count("drift pool: 2 rollouts × 4 steps"), 2)  # at steps 0 and 2
        first_eval = json.loads((run / "log.jsonl").read_text().splitlines()[1])
        self.assertEqual((first_eval["kind"], first_eval["step"]), ("eval", 0))
        saved = torch.load(run / "checkpoint.pt", weights_only=False)
        self.assertEqual(saved["progress"]["step"], 3)
        torch.testing.assert_close(saved["model"]["codebook"], old["model"]["codebook"])  # the codebook came along
        self.assertEqual([(s["steps"], s["checkpoint"]) for s in saved["earlier_stages"]],
                         [(2, str(self.root / "runs" / "old" / "pre-gate.pt"))])

    def test_a_fresh_run_in_bfloat16_fits_its_rare_codes_to_what_the_common_ones_rebuild_worst(self):
        config = json.loads(Path(TINY_CONFIG).read_text())
        config["model"]["codebook_rare"] = 4
        config["train"]["precision"] = "bfloat16"
        (self.root / "rare.json").write_text(json.dumps(config))
        run = self.root / "runs" / "rare"
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            train.main([str(a) for a in ["--config", self.root / "rare.json", "--data", self.shards, "--out", run,
                                         "--steps", 2]])
        size = config["model"]["codebook_size"]
        self.assertIn(f"codebook: {size - 4} patches kept, 4 more fitted to the patches they rebuild worst", out.getvalue())
        saved = torch.load(run / "checkpoint.pt", weights_only=False)
        codebook = saved["model"]["codebook"]
        self.assertTrue(bool((codebook.abs().sum(1) > 0).all()))
        nearest_common = torch.cdist(codebook[-4:], codebook[:-4]).min(1).values
        self.assertTrue(bool((nearest_common > 0).all()), "a rare code repeats a common one")
        self.assertEqual((saved["progress"]["step"], saved["config"]["train"]["precision"]), (2, "bfloat16"))
        losses = [json.loads(line)["loss"] for line in (run / "log.jsonl").read_text().splitlines()
                  if json.loads(line)["kind"] == "train"]
        self.assertTrue(losses and all(np.isfinite(losses)))

    def test_init_from_refuses_weights_of_another_shape(self):
        old = trained_to(self.root / "runs" / "shape", self.shards, 1)
        old["model"]["denoiser.token_head.weight"] = old["model"]["denoiser.token_head.weight"][:, :3]
        torch.save(old, self.root / "runs" / "shape" / "other.pt")
        with self.assertRaisesRegex(SystemExit, "denoiser.token_head.weight"):
            quietly(train.main, "--config", TINY_CONFIG, "--data", self.shards, "--out", self.root / "runs" / "x",
                    "--init-from", self.root / "runs" / "shape" / "other.pt")

    def test_keep_optimizer_takes_the_parents_adamw_moments_and_refuses_a_grown_layer(self):
        old = trained_to(self.root / "runs" / "moments", self.shards, 2)
        run = self.root / "runs" / "kept"
        quietly(train.main, "--config", TINY_CONFIG, "--data", self.shards, "--out", run, "--steps", 0,
                "--init-from", self.root / "runs" / "moments" / "checkpoint.pt", "--keep-optimizer")
        kept = torch.load(run / "checkpoint.pt", weights_only=False)["optimizer"]["state"]
        self.assertEqual(len(kept), len(old["optimizer"]["state"]))
        for index, moments in old["optimizer"]["state"].items():
            torch.testing.assert_close(kept[index]["exp_avg_sq"], moments["exp_avg_sq"], rtol=0, atol=0)
        quietly(train.main, "--config", TINY_CONFIG, "--data", self.shards, "--out", self.root / "runs" / "fresh",
                "--steps", 0, "--init-from", self.root / "runs" / "moments" / "checkpoint.pt")
        fresh = torch.load(self.root / "runs" / "fresh" / "checkpoint.pt", weights_only=False)
        self.assertEqual(fresh["optimizer"]["state"], {})

        old["model"]["action_embed.weight"] = old["model"]["action_embed.weight"][:-1]  # one action fewer
        torch.save(old, self.root / "runs" / "moments" / "fewer.pt")
        with self.assertRaisesRegex(SystemExit, "action_embed.weight grew"):
            quietly(train.main, "--config", TINY_CONFIG, "--data", self.shards, "--out", self.root / "runs" / "y",
                    "--init-from", self.root / "runs" / "moments" / "fewer.pt", "--keep-optimizer")

    def test_a_face_map_added_to_a_trained_model_keeps_its_moments_learns_at_its_own_rate_and_exports(self):
        old = trained_to(self.root / "runs" / "unposed", self.shards, 2)
        config = json.loads(TINY_CONFIG.read_text())
        config["model"]["face_map"], config["train"]["face_map_lr_scale"] = True, 20.0
        posed_config = self.root / "posed.json"
        posed_config.write_text(json.dumps(config))
        run = self.root / "runs" / "posed"
        quietly(train.main, "--config", posed_config, "--data", self.shards, "--out", run, "--steps", 1,
                "--init-from", self.root / "runs" / "unposed" / "checkpoint.pt", "--keep-optimizer")
        saved = torch.load(run / "checkpoint.pt", weights_only=False)
        rest, posed = saved["optimizer"]["param_groups"]
        self.assertEqual((posed.get("lr_scale"), len(posed["params"])), (20.0, 1))
        self.assertAlmostEqual(posed["lr"], 20 * rest["lr"])
        # Every old parameter took its moments and stepped once more; the stem moved off zero.
        for index, moments in old["optimizer"]["state"].items():
            self.assertEqual(int(saved["optimizer"]["state"][index]["step"]), int(moments["step"]) + 1)
        self.assertGreater(float(saved["model"]["denoiser.stem_face.weight"].abs().sum()), 0)

        # Its package takes the view pose and says where each start was seen from, in every graph.
        package = self.root / "models" / "posed"
        quietly(export.main, "--checkpoint", run / "checkpoint.pt", "--out", package, "--starts-from", self.shards,
                "--starts", 2)
        world = json.loads((package / "world.json").read_text())
        self.assertEqual(world["inputs"]["view_pose"], {"name": "view_pose", "dtype": "float32", "shape": ["batch", 3]})
        for graph in ("model.onnx", "pool.onnx", "model_half.onnx", "model_int8.onnx"):
            self.assertIn("view_pose", [i.name for i in onnx.load(str(package / graph)).graph.input], graph)
        self.assertEqual(mismatches(world, onnx.load(str(package / "model.onnx")).graph), [])
        index = json.loads((self.shards / "index.json").read_text())
        # The first two episodes that do not paint within their first K = 4 frames (the explorer may paint at step 1).
        unpainted = [e for e in index["episodes"] if not (self.shards / f"{e['name']}.changed.npy").exists()
                     or not np.load(self.shards / f"{e['name']}.changed.npy")[:4].any()]
        first = [np.load(self.shards / f"{e['name']}.poses.npy")[3] for e in unpainted[:2]]
        self.assertEqual(world["start_poses"], "start_poses.npy")
        np.testing.assert_array_equal(np.load(package / "start_poses.npy"), np.stack(first).astype(np.float32))

    def test_exhausted_time_budget_stops_with_a_checkpoint(self):
        run = self.root / "runs" / "budget"
        quietly(train.main, "--config", TINY_CONFIG, "--data", self.shards, "--out", run, "--max-minutes", 0)
        self.assertEqual(torch.load(run / "checkpoint.pt", weights_only=False)["progress"]["step"], 0)


if __name__ == "__main__":
    unittest.main()
