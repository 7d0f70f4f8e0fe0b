// The lobby as a visitor sees it while others play: three public worlds walked about by players in browsers of their
// own (one world open to anyone's play), and a visitor's lobby with their live thumbnails, saved as a screenshot.
// Against a running `./worldweb run`:
//   npm --prefix scripts ci && node scripts/lobby-screenshot.mjs http://127.0.0.1:5080 docs/lobby.png
import { chromium } from 'playwright-core';

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

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let playing = true;
try {
  const players = await Promise.all(worlds.map(async (world) => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    const id = await page.evaluate(async (w) => {
      const response = await fetch('/api/worlds', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: w.title, seed: w.seed, isPublic: true, publicPlay: w.publicPlay }),
      });
      if (!response.ok) throw new Error(`creating a world: ${response.status} ${await response.text()}`);
      return (await response.json()).id;
    }, world);
    await page.goto(`${url}/worlds/${id}`);
    await page.waitForFunction(() => Number(document.querySelector('[data-stat=step]')?.textContent) > 0, null, { timeout: 60_000 });
    await page.click('.view');
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
