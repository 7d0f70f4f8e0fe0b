// Draws encoded frames on the play page's canvas and keeps mapped keys from scrolling the page.
// Everything else (key mapping, stats, the hub) lives in C#.

const keptFrames = 120;

export function attach(canvas, width, height, codes) {
  canvas.width = width;
  canvas.height = height;
  canvas.frameLog = []; // [{ step, hash }] of recent frames: lets a test compare what two browsers saw
  canvas.drawnStep = -1;
  const mapped = new Set(codes);
  const view = canvas.parentElement;
  view.addEventListener("keydown", e => { if (mapped.has(e.code)) e.preventDefault(); });
}

export async function draw(canvas, bytes, contentType, step) {
  const image = await createImageBitmap(new Blob([bytes], { type: contentType }));
  // Decodes finish out of order now and then; never paint an older step over a newer one.
  if (step > canvas.drawnStep) {
    const ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    canvas.drawnStep = step;
    canvas.dataset.step = step;
    canvas.frameLog.push({ step, hash: fnv1a(bytes) });
    if (canvas.frameLog.length > keptFrames) canvas.frameLog.shift();
  }
  image.close();
}

export function focus(element) {
  element.focus();
}

function fnv1a(bytes) {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}
