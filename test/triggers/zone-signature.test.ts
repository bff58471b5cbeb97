// A zone's behaviour over a span (which offsets, changing when), by which missed-run tells the
// zones that fit a cron job's runs apart: found by halving a week at a time, it must say what
// sampling every step of the span says, for far fewer of the Intl look-ups that cost ~10 µs each.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signature } from '../../src/triggers/schedule';
import { ianaZone, zoneNames, type Zone } from '../../src/triggers/zone';

/** Every sample, as the signature was first computed: the reference. */
function sampled(z: Zone, from: number, to: number): string {
  const a = Math.floor(from / 1e6);
  const b = Math.ceil(to / 1e6);
  const step = Math.max(900, Math.ceil((b - a) / 2000));
  const parts: string[] = [];
  let prev: number | undefined;
  for (let t = a; t <= b + step; t += step) {
    const o = z.offsetAt(Math.min(t, b));
    if (o !== prev) parts.push(`${Math.min(t, b)}:${o}`);
    prev = o;
  }
  return parts.map((p, i) => (i === 0 ? p.split(':')[1] : p)).join(',');
}

function counted(z: Zone): { zone: Zone; calls: () => number } {
  let n = 0;
  return { zone: { name: z.name, offsetAt: (t) => (n++, z.offsetAt(t)) }, calls: () => n };
}

const DAY = 86400e6;

test('the signature equals every-sample reading, for every zone, over spans with and without DST changes', { timeout: 120_000 }, () => {
  const spans: [number, number][] = [
    [Date.UTC(2026, 9, 10) * 1000, 30 * DAY], // across the European and North American autumn changes
    [Date.UTC(2026, 2, 1, 13, 17) * 1000, 400 * DAY], // a year and more: several changes
    [Date.UTC(2026, 10, 23, 7) * 1000, DAY / 3], // a few hours, no change anywhere
    [Date.UTC(2024, 3, 5) * 1000, 9 * DAY], // the southern hemisphere's April change
  ];
  // The reference reads 2,000 instants per zone and span: the long spans on every third zone and
  // on the zones whose rules are the oddest (Morocco's Ramadan pause, Lord Howe's half hour).
  const odd = new Set(['Africa/Casablanca', 'Africa/El_Aaiun', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Easter', 'Asia/Gaza', 'Europe/Dublin', 'America/Nuuk']);
  let zones = 0;
  zoneNames().forEach((name, i) => {
    const z = ianaZone(name);
    if (!z) return;
    zones++;
    for (const [from, len] of spans) {
      if (len > 10 * DAY && i % 3 !== 0 && !odd.has(name)) continue;
      assert.equal(signature(z, from, from + len), sampled(z, from, from + len), `${name} from ${new Date(from / 1000).toISOString()} for ${len / DAY} days`);
    }
  });
  assert.ok(zones > 300, `zones: ${zones}`);
});

test('a month-long span costs a few look-ups a week, not one per sample', () => {
  const berlin = ianaZone('Europe/Berlin')!;
  const from = Date.UTC(2026, 9, 10) * 1000;
  const { zone, calls } = counted(berlin);
  const sig = signature(zone, from, from + 30 * DAY);
  assert.match(sig, /^7200,\d+:3600$/, 'one change, summer time to winter time (offsets in seconds)');
  assert.ok(calls() < 120, `look-ups: ${calls()} (every sample: 2001)`);
});
