// Paints a wall in Chromium as a person does and comes back to it: walks forward (WALK_MS, default 2.5 s), presses
// F, then turns a full circle on the spot (the A key held until the page has drawn 72 steps more, less LEAD_STEPS for
// the key's way to the server), as many times as asked. Saves the play view before the paint, right after it and at
// each return, so a person can see whether the mark is still there; then clips the play and tells, from the clip's
// events, at which step the paint was applied and how many steps each turn really took (72 is exactly round). The
// page's revisit count is no stop signal: it refreshes every 3 s, and turns stopped by it ran 110–135 steps. Against
// a running `./worldweb run` whose model has a paint action:
//   npm --prefix scripts ci && node scripts/paint-screenshots.mjs http://127.0.0.1:5080 OUTDIR [SEED] [RETURNS] [WALK_MS] [LEAD_STEPS]
import { launchChromium, playNewWorld } from './browser.mjs';
import { mkdirSync } from 'node:fs';

const [url, out, seedText = '1001', returnsText = '2', walkText = '2500', leadText = '2'] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node scripts/paint-screenshots.mjs URL OUTDIR [SEED] [RETURNS] [WALK_MS] [LEAD_STEPS]');
  process.exit(2);
}
const seed = Number(seedText), returns = Number(returnsText), walkMs = Number(walkText), leadSteps = Number(leadText);
// A full turn at 5° a step is 72 steps; at the model's 20 frames/s about 4 s. Give a slow server ten times that.
const circle = 72, turnTimeoutMs = 40_000;

mkdirSync(out, { recursive: true });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  const world = await playNewWorld(page, url, { title: 'Paint and return', seed });
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

  const turns = [];
  for (let r = 1; r <= returns; r++) {
    await page.keyboard.down('KeyA');
    const from = await step();
    await page.waitForFunction((until) => Number(document.querySelector('[data-stat=step]').textContent) >= until,
      from + circle - leadSteps, { timeout: turnTimeoutMs, polling: 'raf' });
    await page.keyboard.up('KeyA');
    await page.waitForTimeout(600);
    turns.push({ from, to: await step() });
    await shoot(`return${r}`);
  }
  // Where the paint landed and how many steps each turn really took: the world's own action log, through a clip.
  const events = await clipEvents(page, world, 1, turns.at(-1).to);
  const paints = events.filter((e) => e.action === 'paint').map((e) => e.step);
  console.log(paints.length ? `painted at step ${paints.join(', ')} (the action log's)` : 'the action log has no paint: the press never reached the world');
  turns.forEach(({ from, to }, i) => {
    const turned = events.filter((e) => e.step > from - 5 && e.step <= to && e.action === 'turn_left').length;
    console.log(`return ${i + 1}: turned ${turned} steps (${circle} is exactly round; ${(turned - circle) * 5}° off)`);
  });
} finally {
  await browser.close();
}

// Asks for a clip of steps from…to (the owner may clip any), waits until it is rendered and returns its events.
async function clipEvents(page, world, fromStep, toStep) {
  return page.evaluate(async ({ world, fromStep, toStep }) => {
    const asked = await fetch('/api/clips', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ world, fromStep, toStep }),
    });
    if (!asked.ok) throw new Error(`clipping: ${asked.status} ${await asked.text()}`);
    const { id } = await asked.json();
    for (let i = 0; i < 600; i++) {
      const clip = await (await fetch(`/api/clips/${id}`)).json();
      if (clip.status === 'failed') throw new Error(`the clip failed: ${clip.error}`);
      if (clip.status === 'ready') {
        const text = await (await fetch(clip.eventsUrl)).text();
        return text.trim().split('\n').map((line) => JSON.parse(line));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error('the clip was not rendered in 5 minutes');
  }, { world, fromStep, toStep });
}
