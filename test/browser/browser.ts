// Shared by test/browser/*.test.ts: Debian's Chromium through playwright-core, and the static
// server (scripts/serve.mjs) serving the repo on 127.0.0.1.
//
// Without Chromium at /usr/bin/chromium (or $SWISH_CHROMIUM), the browser tests are skipped with
// a loud warning, unless SWISH_REQUIRE_BROWSER=1 (CI), where they fail instead.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describe } from 'vitest';
// @ts-ignore: a plain .mjs script without declarations
import { serve } from '../../scripts/serve.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.SWISH_CHROMIUM || '/usr/bin/chromium';
export const REQUIRE_BROWSER = process.env.SWISH_REQUIRE_BROWSER === '1';
export const haveChromium = existsSync(CHROMIUM);
export const BUNDLE = join(root, 'dist/browser/swish-wasm.js');

export const LAUNCH_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

if (!haveChromium) {
  const line = '!'.repeat(78);
  const msg = REQUIRE_BROWSER
    ? `Chromium not found at ${CHROMIUM} and SWISH_REQUIRE_BROWSER=1: the browser tests FAIL.`
    : `Chromium not found at ${CHROMIUM}: the browser tests are SKIPPED.`;
  console.warn(`\n${line}\n!! ${msg}\n!! Install it (Debian/Ubuntu: apt-get install chromium) or point SWISH_CHROMIUM at one.\n!! CI sets SWISH_REQUIRE_BROWSER=1 so that a missing browser fails the run.\n${line}\n`);
}

/** `describe` when the browser tests can run (or must, and will fail); `describe.skip` otherwise. */
export const describeBrowser: typeof describe = haveChromium || REQUIRE_BROWSER ? describe : (describe.skip as typeof describe);

export interface Session {
  browser: Browser;
  /** The server's origin, with a trailing slash: the repo root. */
  url: string;
  /** A new page (its own context, so init scripts and routes do not leak), with problems collected. */
  page(options?: { initScripts?: string[]; viewport?: { width: number; height: number } }): Promise<TrackedPage>;
  close(): Promise<void>;
}

export interface TrackedPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught errors, console errors and failed or 4xx/5xx requests, as lines. */
  problems: string[];
}

/** Launches Chromium and the static server. Throws, with what to do, when either is impossible. */
export async function startSession(): Promise<Session> {
  if (!haveChromium) {
    throw new Error(`Chromium is required (SWISH_REQUIRE_BROWSER=1) but ${CHROMIUM} does not exist: apt-get install chromium`);
  }
  // Pages load /dist/ from a snapshot taken now, so that a rebuild during the run (which empties
  // dist/) cannot pull files from under them. If a build is running now, wait for it (up to 60 s).
  const snapshot = mkdtempSync(join(tmpdir(), 'swish-dist-'));
  const dropSnapshot = () => rmSync(snapshot, { recursive: true, force: true });
  const complete = () => ['browser/swish-wasm.js', 'esm/index.js', 'swish-simd.wasm', 'swish-scalar.wasm']
    .every((f) => existsSync(join(snapshot, f)));
  for (let waited = 0; ; waited += 2000) {
    rmSync(snapshot, { recursive: true, force: true });
    try {
      cpSync(join(root, 'dist'), snapshot, { recursive: true });
    } catch {
      // dist/ is being rewritten
    }
    if (complete()) break;
    // Never built (no build/ either: build-ts.mjs empties dist/ only): say so at once.
    const neverBuilt = !existsSync(join(root, 'dist')) && !existsSync(join(root, 'build'));
    if (waited >= 60_000 || neverBuilt) {
      dropSnapshot();
      throw new Error(`${BUNDLE} is missing: run \`npm run build\` first`);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  const server = await serve({ root, mounts: { '/dist/': snapshot } });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, timeout: 60_000 });
  } catch (e) {
    await server.close();
    dropSnapshot();
    throw e;
  }
  return {
    browser,
    url: server.url,
    async page({ initScripts = [], viewport } = {}) {
      const context = await browser.newContext(viewport ? { viewport } : {});
      for (const path of initScripts) await context.addInitScript({ path: join(root, path) });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.stack ?? e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
      });
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      return { page, context, problems };
    },
    async close() {
      await browser.close().catch(() => {});
      await server.close();
      dropSnapshot();
    },
  };
}

/** Opens the test harness page and waits until the bundle has loaded. */
export async function openHarness(s: Session, initScripts: string[] = []): Promise<TrackedPage> {
  const t = await s.page({ initScripts });
  await t.page.goto(new URL('test/browser/harness.html', s.url).href);
  await t.page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 }).catch((e) => {
    throw new Error(`the harness did not load: ${t.problems.join('\n') || e.message}`);
  });
  return t;
}

/** The result of one runSuite call (test/browser/suite.js). */
export interface SuiteResult {
  backend: string;
  selected: string;
  cases: number;
  perKernel: Record<string, number>;
  failures: string[];
}
