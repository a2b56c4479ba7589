// Drawing helpers: digits in grey, perturbations in a diverging colormap, class probabilities as bars.

/** RdBu-like diverging stops from -1 (blue) through 0 (near white) to +1 (red). */
const DIVERGING: ReadonlyArray<readonly [number, number, number]> = [
  [33, 102, 172],
  [103, 169, 207],
  [247, 247, 247],
  [239, 138, 98],
  [178, 24, 43],
];

/** Colour of `t` in [-1, 1] (clamped) on the diverging map. */
export function divergingColor(t: number): [number, number, number] {
  const u = ((Math.max(-1, Math.min(1, t)) + 1) / 2) * (DIVERGING.length - 1);
  const i = Math.min(DIVERGING.length - 2, Math.floor(u));
  const f = u - i;
  const a = DIVERGING[i]!;
  const b = DIVERGING[i + 1]!;
  return [0, 1, 2].map((k) => Math.round(a[k]! + f * (b[k]! - a[k]!))) as [number, number, number];
}

function paint(canvas: HTMLCanvasElement, width: number, height: number, rgb: (i: number) => [number, number, number]) {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('canvas: no 2d context');
  const image = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = rgb(i);
    image.data[4 * i] = r;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/** Draws a grey image with values in [0, 1] at its native size (CSS upscales it, pixelated). */
export function drawGray(canvas: HTMLCanvasElement, pixels: Float32Array, width: number, height: number): void {
  paint(canvas, width, height, (i) => {
    const v = Math.round(255 * Math.max(0, Math.min(1, pixels[i]!)));
    return [v, v, v];
  });
}

/** Draws a perturbation with values in [-scale, scale] in the diverging colormap (0 is near white). */
export function drawDiverging(
  canvas: HTMLCanvasElement,
  delta: Float32Array,
  scale: number,
  width: number,
  height: number,
): void {
  const s = scale > 0 ? scale : 1;
  paint(canvas, width, height, (i) => divergingColor(delta[i]! / s));
}

/** Fills `container` with one bar per class: probability, true class in green, a wrong prediction in red. */
export function renderBars(container: HTMLElement, probabilities: number[], trueLabel: number): void {
  const predicted = probabilities.indexOf(Math.max(...probabilities));
  container.replaceChildren();
  probabilities.forEach((p, k) => {
    const name = document.createElement('span');
    name.textContent = String(k);
    const track = document.createElement('div');
    track.className = 'bar-track';
    const fill = document.createElement('div');
    fill.className = 'bar-fill';
    if (k === trueLabel) fill.classList.add('true');
    else if (k === predicted) fill.classList.add('predicted-wrong');
    fill.style.width = `${(100 * p).toFixed(1)}%`;
    track.append(fill);
    const value = document.createElement('span');
    value.className = 'bar-value';
    value.textContent = `${(100 * p).toFixed(1)}%`;
    container.append(name, track, value);
  });
}

/** Shows "predicted d (p%)" and whether it is right. */
export function renderVerdict(element: HTMLElement, probabilities: number[], trueLabel: number): void {
  const predicted = probabilities.indexOf(Math.max(...probabilities));
  const right = predicted === trueLabel;
  element.className = `verdict ${right ? 'right' : 'wrong'}`;
  element.dataset.predicted = String(predicted);
  element.innerHTML = `predicted <span class="digit">${predicted}</span> · ${(100 * probabilities[predicted]!).toFixed(1)}% · ${
    right ? 'correct' : `wrong (true ${trueLabel})`
  }`;
}
