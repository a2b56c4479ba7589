import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** The system Chromium the tests drive (Debian's package); never a downloaded browser. */
export const CHROMIUM_PATH = process.env.EDL_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests skip, or undefined when Chromium is there. */
export const chromiumMissing: string | undefined = existsSync(CHROMIUM_PATH)
  ? undefined
  : `headless Chromium tests skipped: ${CHROMIUM_PATH} not found. Install it with \`apt-get install -y chromium\` (or set EDL_CHROMIUM to a Chromium binary)`;

/**
 * For a WebGPU case whose Chromium hands out no adapter: skips the test with the install hint, or fails when
 * `EDL_TEST_WEBGPU=1` (set by .ci/steps/browser.sh, which installs SwiftShader: a skip there would hide a regression).
 */
export function noWebgpuAdapter(ctx: { skip(note: string): void }): void {
  const why =
    'no WebGPU adapter in this Chromium: needs libvulkan1 and the SwiftShader Vulkan driver of the chromium package (apt-get install -y chromium libvulkan1)';
  if (process.env.EDL_TEST_WEBGPU === '1') throw new Error(`${why}; EDL_TEST_WEBGPU=1 requires one`);
  ctx.skip(why);
}

/** Flags for a closed network and no background traffic (playwright adds --headless and its own defaults). */
const BASE_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** WebGPU on SwiftShader's Vulkan (all four needed in headless Chromium; see shared notes webgpu-software-adapter). */
const WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=vulkan',
];

/** A running headless Chromium with a fresh profile, and everything its pages printed. */
export interface Chromium {
  context: BrowserContext;
  /** Console messages and page errors of every page, prefixed by type. */
  logs: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Opens `url` in a new page and waits until `ready` holds in the page (a JS expression), failing early with the
 * page's errors and console output when it throws or times out.
 */
export async function openPage(browser: Chromium, url: string, ready: string, timeoutMs = 60_000): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(ready))) {
    if (errors.length > 0 || Date.now() > deadline) {
      throw new Error(
        `${url}: ${errors.length > 0 ? 'the page threw' : `not ready after ${timeoutMs} ms`} (${ready})\n${browser.logs.join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return page;
}

/** Starts the system Chromium headless with a fresh `--user-data-dir` (deleted on close). */
export async function launchChromium(options: { webgpu?: boolean } = {}): Promise<Chromium> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'edl-chromium-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...BASE_FLAGS, ...(options.webgpu ? WEBGPU_FLAGS : [])],
    viewport: { width: 1200, height: 1000 },
  });
  const logs: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  };
  context.on('page', watch);
  for (const page of context.pages()) watch(page);
  return {
    context,
    logs,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
