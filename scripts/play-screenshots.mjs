// Plays a world in Chromium as a person does — keys held down for a while, then others — and saves screenshots of
// the play page's view at the given seconds of play. Against a running `./worldweb run`:
//   npm --prefix scripts install && node scripts/play-screenshots.mjs http://127.0.0.1:5080 docs/eval 0 10 30 60
import { launchChromium, playNewWorld } from './browser.mjs';
import { mkdirSync } from 'node:fs';

const [url, out, ...rest] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node scripts/play-screenshots.mjs URL OUTDIR [SECONDS...]');
  process.exit(2);
}
const seconds = (rest.length ? rest : ['0', '10', '30', '60']).map(Number);
// Held keys like the explore policy of ./worldweb eval: mostly forward and turns, some strafing.
const plan = [['KeyW', 2500], ['ArrowRight', 700], ['KeyW', 1800], ['ArrowLeft', 1100], ['KeyE', 600],
              ['KeyW', 1200], ['ArrowLeft', 500], ['KeyQ', 500], ['KeyW', 2200], ['ArrowRight', 1400]];

mkdirSync(out, { recursive: true });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  await playNewWorld(page, url, { title: 'Free play', seed: 1001 });
  const started = Date.now();
  const pending = [...seconds].sort((a, b) => a - b);
  const shoot = async () => {
    while (pending.length && (Date.now() - started) / 1000 >= pending[0]) {
      const s = pending.shift();
      const step = await page.textContent('[data-stat=step]');
      await page.locator('.view').screenshot({ path: `${out}/play_${s}s.png` });
      console.log(`play: ${s} s, step ${step}: ${out}/play_${s}s.png`);
    }
  };
  for (let i = 0; pending.length; i = (i + 1) % plan.length) {
    const [key, ms] = plan[i];
    await page.keyboard.down(key);
    for (const until = Date.now() + ms; Date.now() < until && pending.length;) {
      await shoot();
      await page.waitForTimeout(100);
    }
    await page.keyboard.up(key);
  }
  await page.screenshot({ path: `${out}/play_page.png` });
} finally {
  await browser.close();
}
