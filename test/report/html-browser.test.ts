// The HTML timeline in a real headless Chromium (Debian's package, driven by playwright-core):
// the reports of recorded fixtures open from file://, their lanes and marks match the findings,
// a hovered run's tooltip says what the log says, a clicked finding zooms to its job and time,
// the keyboard works, and the page asks the network for nothing.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ROOT, runCli } from '../support/cli';
import { chromiumRequired, launchChromium, type Browser } from '../support/chromium';

process.chdir(ROOT);

let browser: Browser | undefined;
let reason = '';
const dir = mkdtempSync(join(tmpdir(), 'sched-doctor-html-'));

before(async () => {
  const b = await launchChromium();
  if (typeof b === 'string') {
    if (chromiumRequired()) throw new Error(`SCHED_DOCTOR_REQUIRE_CHROMIUM=1 but ${b}`);
    reason = b;
  } else browser = b;
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Finding { rule: string; job: string | null; count: number; firstTime?: string; lastTime?: string; data?: Record<string, unknown> }
interface Counts { runs: number; duplicate: number; overlap: number; failed: number; unfinished: number; noEnd: number; misfire: number; skip: number; downtime?: number }
interface Timeline {
  state(): { from: string; to: string; fromMs: number; toMs: number; lane: number; run: number };
  marks: Counts;
  drawn(): Counts & { findings: number };
  lanes: { job: string; instance: string; counts: Counts }[];
  runPoint(lane: number, k: number): { x: number; y: number };
}
declare const schedDoctorTimeline: Timeline;

const made = new Map<string, { html: string; findings: Finding[] }>();

/** The HTML report and the JSON findings of one log, from one run of the CLI (once per log). */
function report(name: string, log: string): { html: string; findings: Finding[] } {
  const done = made.get(log);
  if (done) return done;
  const html = join(dir, `${name}.html`);
  const json = join(dir, `${name}.json`);
  const r = runCli(['analyze', log, '--no-config', '--format', 'html', '--output', html, '--format', 'json', '--output', json]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const result = { html, findings: JSON.parse(readFileSync(json, 'utf8')).findings };
  made.set(log, result);
  return result;
}

async function open(html: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { page, errors };
}

const total = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule).reduce((s, f) => s + f.count, 0);

test('seed: three scheduler rows for job_1, the copies and overlaps marked as the findings count them', async (t) => {
  if (!browser) return t.skip(reason);
  const { html, findings } = report('seed', 'test/fixtures/seed/app.log');
  const { page, errors } = await open(html);
  const tl = await page.evaluate(() => ({ lanes: schedDoctorTimeline.lanes, marks: schedDoctorTimeline.marks, drawn: schedDoctorTimeline.drawn() }));
  const lanes = tl.lanes.filter((l) => l.job === 'job_1');
  assert.deepEqual(lanes.map((l) => l.instance.split('pid ')[1]).sort(), ['15372', '15374', '15384']);
  // Every copy of a duplicated run is marked; `runs` says which are copies.
  const runs = JSON.parse(runCli(['runs', 'test/fixtures/seed/app.log', '--job', 'job_1', '--format', 'json', '--no-config']).stdout).runs as { copies?: number; duplicateOf?: string }[];
  const firsts = runs.filter((r) => r.copies !== undefined).length;
  assert.equal(firsts, total(findings, 'duplicate-run'), 'one first copy per duplicated scheduled time');
  assert.equal(tl.marks.duplicate, firsts + runs.filter((r) => r.duplicateOf !== undefined).length);
  assert.equal(tl.marks.overlap, total(findings, 'overlapping-runs'));
  for (const kind of ['failed', 'unfinished', 'misfire', 'skip', 'noEnd'] as const) assert.equal(tl.marks[kind], 0, `no ${kind} marks on seed`);
  assert.equal(tl.marks.runs, runs.length);
  // The whole-log view draws each of them.
  assert.equal(tl.drawn.duplicate, tl.marks.duplicate);
  assert.equal(tl.drawn.overlap, tl.marks.overlap);
  assert.equal(tl.drawn.runs, runs.length);
  assert.equal(await page.locator('#lane-list li').count(), 3);
  assert.equal(await page.locator('ol.findings > li').count(), findings.length);
  assert.match(await page.locator('.verdict').innerText(), /2 findings at or above error/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('seed: hovering a run shows its job, instance, scheduled at, start, end, duration, outcome and evidence line', async (t) => {
  if (!browser) return t.skip(reason);
  const { html } = report('seed-hover', 'test/fixtures/seed/app.log');
  const { page } = await open(html);
  const lane = await page.evaluate(() => schedDoctorTimeline.lanes.findIndex((l) => l.instance.endsWith('pid 15374')));
  const at = await page.evaluate((i) => schedDoctorTimeline.runPoint(i, 0), lane);
  await page.mouse.move(at.x, at.y);
  const tip = page.locator('#tooltip');
  await tip.waitFor({ state: 'visible' });
  const lines = (await tip.locator('div').allInnerTexts()).map((s) => s.trim());
  // Line 11 of the log: pid 15374's copy of the run scheduled at 14:18:50.651951, ended at 14:18:53,163;
  // pid 15372's copy (line 10) was still running, so it overlaps it too, across schedulers.
  assert.deepEqual(lines, [
    'Job: job_1  interval[0:00:02]',
    'Instance: test/fixtures/seed/app.log pid 15374',
    'Scheduled at: 2026-11-26 14:18:50.651951',
    'Start: 2026-11-26 14:18:50.662',
    'End: 2026-11-26 14:18:53.163',
    'Duration: 2.501 s',
    'Outcome: ran, duplicate copy of test/fixtures/seed/app.log pid 15372, overlapped an earlier run',
    'Evidence: test/fixtures/seed/app.log:11',
  ]);
  const shot = await page.screenshot({ fullPage: true });
  assert.equal(shot.subarray(1, 4).toString(), 'PNG');
  assert.ok(shot.length > 20_000, `screenshot is ${shot.length} bytes`);
  if (process.env.UPDATE_SCREENSHOT === '1') writeFileSync(join(ROOT, 'docs', 'timeline-seed.png'), shot);
  await page.close();
});

test('failing: the failed runs are marked; clicking a finding zooms to its job and time', async (t) => {
  if (!browser) return t.skip(reason);
  const { html, findings } = report('failing', 'test/fixtures/failing/app.log');
  const { page, errors } = await open(html);
  const marks = await page.evaluate(() => schedDoctorTimeline.marks);
  assert.equal(marks.failed, total(findings, 'job-error'));
  assert.equal(marks.duplicate, 0);
  const index = findings.findIndex((f) => f.rule === 'job-error');
  const f = findings[index];
  await page.locator(`[data-finding="${index}"]`).click();
  const state = await page.evaluate(() => schedDoctorTimeline.state());
  const first = Date.parse(f.firstTime!), last = Date.parse(f.lastTime!);
  const span = Math.max(4000, last - first), pad = span * 0.1 + 1000;
  assert.ok(Math.abs(state.fromMs - (first - pad)) < 2 && Math.abs(state.toMs - (last + pad)) < 2, `${state.from}..${state.to} for ${f.firstTime}..${f.lastTime}`);
  const laneJob = await page.evaluate((i) => schedDoctorTimeline.lanes[i]?.job, state.lane);
  assert.equal(laneJob, f.job);
  assert.match(await page.locator('#status').innerText(), /^Showing 2026-11-26 /);
  assert.deepEqual(errors, []);
  await page.close();
});

test('downtime-burst: the unfinished run, the skips and the crash gap are marked as the findings say', async (t) => {
  if (!browser) return t.skip(reason);
  const { html, findings } = report('downtime', 'test/fixtures/downtime-burst/app.log');
  const { page, errors } = await open(html);
  const { marks, drawn } = await page.evaluate(() => ({ marks: schedDoctorTimeline.marks, drawn: schedDoctorTimeline.drawn() }));
  assert.equal(marks.unfinished, total(findings, 'unfinished-run'));
  assert.equal(marks.skip, total(findings, 'max-instances-skip'));
  assert.equal(marks.downtime, 1);
  assert.equal(drawn.downtime, 1);
  assert.equal(marks.duplicate + marks.overlap + marks.failed, 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard: zoom, whole log, pick a lane and step through its runs with their details read out', async (t) => {
  if (!browser) return t.skip(reason);
  const { html } = report('seed-keys', 'test/fixtures/seed/app.log');
  const { page } = await open(html);
  const whole = await page.evaluate(() => schedDoctorTimeline.state());
  await page.locator('#timeline').focus();
  await page.keyboard.press('+');
  const zoomed = await page.evaluate(() => schedDoctorTimeline.state());
  assert.ok(Math.abs((zoomed.toMs - zoomed.fromMs) * 2 - (whole.toMs - whole.fromMs)) < 1);
  await page.keyboard.press('ArrowRight');
  const panned = await page.evaluate(() => schedDoctorTimeline.state());
  assert.ok(panned.fromMs > zoomed.fromMs);
  await page.keyboard.press('0');
  assert.deepEqual(await page.evaluate(() => schedDoctorTimeline.state()), whole);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press(']');
  await page.keyboard.press(']');
  const announced = await page.locator('#announce').innerText();
  assert.match(announced, /Scheduled at: 2026-11-26 14:18:\d\d\.651951/);
  assert.ok(await page.locator('#tooltip').isVisible());
  // The findings are buttons: reachable and activated with the keyboard.
  await page.locator('[data-finding="0"]').focus();
  await page.keyboard.press('Enter');
  assert.notDeepEqual(await page.evaluate(() => schedDoctorTimeline.state()), whole);
  await page.close();
});

test('the report asks the network for nothing: one file, no request beyond it', async (t) => {
  if (!browser) return t.skip(reason);
  const { html } = report('offline', 'test/fixtures/seed/app.log');
  const text = readFileSync(html, 'utf8');
  assert.ok(!/\b(src|href)\s*=\s*["']?(https?:|\/\/)/i.test(text), 'no external src or href');
  assert.match(text, /Content-Security-Policy" content="default-src 'none'/);
  const page = await browser.context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  const url = pathToFileURL(html).href;
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  const at = await page.evaluate(() => schedDoctorTimeline.runPoint(0, 0));
  await page.mouse.move(at.x, at.y);
  await page.locator('#zoom-in').click();
  await page.locator('[data-finding="0"]').click();
  assert.deepEqual(requests, [url]);
  await page.close();
});
