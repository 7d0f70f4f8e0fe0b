// Paints a wall in Chromium as a person does and comes back to it: walks forward (WALK_MS, default 2.5 s), presses
// F, then turns on the spot (the A key) until the page reports a revisit (the tracked pose back within 0.3 cells and
// 15° of a memory at least 60 steps older), as many times as asked. Saves the play view before the paint, right after
// it and at each return, so a person can see whether the mark is still there. Against a running `./worldweb run` whose
// model has a paint action:
//   npm --prefix scripts ci && node scripts/paint-screenshots.mjs http://127.0.0.1:5080 OUTDIR [SEED] [RETURNS] [WALK_MS]
import { launchChromium, playNewWorld } from './browser.mjs';
import { mkdirSync } from 'node:fs';

const [url, out, seedText = '1001', returnsText = '2', walkText = '2500'] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node scripts/paint-screenshots.mjs URL OUTDIR [SEED] [RETURNS] [WALK_MS]');
  process.exit(2);
}
const seed = Number(seedText), returns = Number(returnsText), walkMs = Number(walkText);
// A full turn at 5° a step is 72 steps; at the model's 20 frames/s about 4 s. Give a slow server ten times that.
const turnTimeoutMs = 40_000;

mkdirSync(out, { recursive: true });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  await playNewWorld(page, url, { title: 'Paint and return', seed });
  await page.waitForSelector('.keys li');
  if (await page.locator('.keys [data-action=paint]').count() === 0) {
    throw new Error("the page's keys name no paint action: run the server with a model that has one (--model DIR)");
  }
  const stat = (name) => page.textContent(`[data-stat=${name}]`);
  const step = async () => Number(await stat('step'));
  const shoot = async (name) => {
    const path = `${out}/paint_${name}.png`;
    await page.locator('.view').screenshot({ path });
    console.log(`${name}: step ${await step()}, ${path}`);
  };

  await page.keyboard.down('KeyW');
  await page.waitForTimeout(walkMs);
  await page.keyboard.up('KeyW');
  await page.waitForTimeout(500);
  await shoot('before');
  await page.keyboard.press('KeyF', { delay: 150 });
  await page.waitForTimeout(1000);
  await shoot('painted');

  for (let r = 1; r <= returns; r++) {
    // Half a turn first, so the revisit that stops the turn is the way back round, not the spot the turn began on.
    await page.keyboard.down('KeyA');
    const from = await step();
    await page.waitForFunction((from) => Number(document.querySelector('[data-stat=step]').textContent) >= from + 36, from);
    const seen = Number(await stat('revisits'));
    await page.waitForFunction((seen) => Number(document.querySelector('[data-stat=revisits]').textContent) > seen,
      seen, { timeout: turnTimeoutMs, polling: 50 });
    await page.keyboard.up('KeyA');
    await page.waitForTimeout(600);
    console.log(`return ${r}: revisit PSNR ${await stat('revisit-psnr')}`);
    await shoot(`return${r}`);
  }
} finally {
  await browser.close();
}
