// A real headless Chromium for the HTML report tests: Debian's `chromium`, driven by
// playwright-core (which never downloads a browser), with a fresh empty profile and everything
// that would reach the network at start-up turned off. Without the browser the tests skip with
// the reason, except when SCHED_DOCTOR_REQUIRE_CHROMIUM=1 (set by .ci/run): then it is a failure.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

const CANDIDATES = [process.env.SCHED_DOCTOR_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium, or returns why it cannot. */
export async function launchChromium(): Promise<Browser | string> {
  const executable = CANDIDATES.find((p) => existsSync(p));
  if (!executable) return 'no Chromium (apt-get install -y chromium)';
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return 'playwright-core is not installed (npm install)';
  }
  const profile = mkdtempSync(join(tmpdir(), 'sched-doctor-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: executable, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 }, timeout: 60_000,
    });
    return {
      context,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    return `Chromium did not start: ${(err as Error).message.split('\n')[0]}`;
  }
}

export function chromiumRequired(): boolean {
  return process.env.SCHED_DOCTOR_REQUIRE_CHROMIUM === '1';
}
