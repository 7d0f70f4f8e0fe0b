// What the screenshot scripts share: Debian's Chromium (Playwright never downloads a browser) and a new world
// opened on the play page as a visitor opens one.
import { chromium } from 'playwright-core';

export const launchChromium = () => chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// Creates a world (the body of POST /api/worlds) from the page, opens its play page, waits for its first step and
// focuses the view so keys reach it. Returns the world's id.
export async function playNewWorld(page, url, world) {
  await page.goto(url);
  const id = await page.evaluate(async (world) => {
    const response = await fetch('/api/worlds', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(world),
    });
    if (!response.ok) throw new Error(`creating a world: ${response.status} ${await response.text()}`);
    return (await response.json()).id;
  }, world);
  await page.goto(`${url}/worlds/${id}`);
  await page.waitForFunction(() => Number(document.querySelector('[data-stat=step]')?.textContent) > 0, null,
    { timeout: 60_000 });
  await page.click('.view');
  return id;
}
