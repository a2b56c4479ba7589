/** The held-out digits of `public/digits.json` (written by scripts/train-model.ts). */
export interface DigitSet {
  height: number;
  width: number;
  labels: number[];
  /** One Float32Array per digit, values in [0, 1], row-major. */
  images: Float32Array[];
}

interface DigitsFile {
  height: number;
  width: number;
  labels: number[];
  images: string[];
}

function decodeBase64(text: string): Uint8Array {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** Fetches and decodes the digits file, checking its shape. */
export async function loadDigits(url: string): Promise<DigitSet> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const file = (await response.json()) as DigitsFile;
  const pixels = file.height * file.width;
  if (file.images.length !== file.labels.length) {
    throw new Error(`${url}: ${file.images.length} images but ${file.labels.length} labels`);
  }
  const images = file.images.map((b64, i) => {
    const bytes = decodeBase64(b64);
    if (bytes.length !== pixels) throw new Error(`${url}: image ${i} has ${bytes.length} pixels, expected ${pixels}`);
    return Float32Array.from(bytes, (v) => v / 255);
  });
  return { height: file.height, width: file.width, labels: file.labels, images };
}
