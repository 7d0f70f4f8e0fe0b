// The lobby as a visitor sees it while others play: three public worlds walked about by players in browsers of their
// own (one world open to anyone's play), and a visitor's lobby with their live thumbnails, saved as a screenshot.
// Against a running `./worldweb run`:
//   npm --prefix scripts ci && node scripts/lobby-screenshot.mjs http://127.0.0.1:5080 docs/lobby.png
import { launchChromium, playNewWorld } from './browser.mjs';

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node scripts/lobby-screenshot.mjs URL OUT.png');
  process.exit(2);
}
const worlds = [
  { title: 'Brick corridors', seed: 1001, publicPlay: false },
  { title: 'Open house: come and play', seed: 1002, publicPlay: true },
  { title: 'Landmark tour', seed: 1003, publicPlay: false },
];
// Held keys, as a person walks: mostly forward, with turns.
const walk = [['KeyW', 1800], ['ArrowRight', 600], ['KeyW', 1400], ['ArrowLeft', 900]];

const browser = await launchChromium();
let playing = true;
try {
  const players = await Promise.all(worlds.map(async (world) => {
    const page = await (await browser.newContext()).newPage();
    const id = await playNewWorld(page, url,
      { title: world.title, seed: world.seed, isPublic: true, publicPlay: world.publicPlay });
    console.error(`playing '${world.title}' (${id})`);
    // Wrapped: an async function returning the walk itself would wait for it to end.
    return { walking: (async () => {
      for (let i = 0; playing; i++) {
        const [key, ms] = walk[i % walk.length];
        await page.keyboard.down(key);
        await page.waitForTimeout(ms);
        await page.keyboard.up(key);
      }
    })() };
  }));

  const visitor = await (await browser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
  await visitor.goto(url);
  await visitor.waitForFunction((n) => document.querySelectorAll('.live-card img.thumb').length >= n, worlds.length, { timeout: 60_000 });
  await visitor.waitForTimeout(4000);  // the players walk a few seconds more: thumbnails of places, not of starts
  await visitor.screenshot({ path: out });
  console.error(`saved ${out}`);
  playing = false;
  await Promise.all(players.map((p) => p.walking));
} finally {
  playing = false;
  await browser.close();
}
