import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findStamps, fractionMicros, isoStampAt, parseOffset, wallMicros, parsePythonDatetime, parsePythonTimedelta, pickStamp } from '../../src/readers/timestamp';
import { isoFromMicros } from '../../src/model/time';
import { micros } from './read-log';

/** The one stamp in `text`, as [wall as ISO, offset, form, start, end]. */
function only(text: string): [string, number | undefined, string, number, number] {
  const stamps = findStamps(text);
  assert.equal(stamps.length, 1, `one stamp in ${JSON.stringify(text)}, got ${stamps.length}`);
  const s = stamps[0];
  return [isoFromMicros(s.wall), s.offsetMinutes, s.form, s.start, s.end];
}

test('asctime default: comma and milliseconds, no zone', () => {
  assert.deepEqual(only('2024-01-01 16:23:18,123'), ['2024-01-01T16:23:18.123Z', undefined, 'iso', 0, 23]);
  assert.equal(findStamps('2024-01-01 16:23:18,123')[0].wall, micros('2024-01-01T16:23:18.123Z'));
});

test('ISO with T and a dot', () => {
  assert.deepEqual(only('2024-01-01T16:23:18.123'), ['2024-01-01T16:23:18.123Z', undefined, 'iso', 0, 23]);
});

test('offsets: +08:00, +0800, Z, " UTC", " +0000", -05:00', () => {
  assert.deepEqual(only('2024-01-01T16:23:18.123+08:00'), ['2024-01-01T16:23:18.123Z', 480, 'iso-offset', 0, 29]);
  assert.deepEqual(only('2024-01-01T16:23:18+0800'), ['2024-01-01T16:23:18.000Z', 480, 'iso-offset', 0, 24]);
  assert.deepEqual(only('2024-01-01T16:23:18Z'), ['2024-01-01T16:23:18.000Z', 0, 'iso-offset', 0, 20]);
  assert.deepEqual(only('2024-01-01 16:23:18 UTC'), ['2024-01-01T16:23:18.000Z', 0, 'iso-offset', 0, 23]);
  assert.deepEqual(only('2024-01-01 16:23:18 +0000'), ['2024-01-01T16:23:18.000Z', 0, 'iso-offset', 0, 25]);
  assert.deepEqual(only('2024-01-01 16:23:18,5-05:00'), ['2024-01-01T16:23:18.500Z', -300, 'iso-offset', 0, 27]);
  assert.deepEqual(only('2026-11-26T18:33:51+0530 INFO [apscheduler.scheduler] Scheduler started'), ['2026-11-26T18:33:51.000Z', 330, 'iso-offset', 0, 24]);
});

test('datefmt without milliseconds', () => {
  assert.deepEqual(only('2024-01-01 16:23:18 INFO apscheduler.scheduler:'), ['2024-01-01T16:23:18.000Z', undefined, 'iso', 0, 19]);
});

test('microseconds and nanoseconds (digits past microseconds dropped)', () => {
  assert.deepEqual(only('2024-01-01 16:23:18.123456'), ['2024-01-01T16:23:18.123456Z', undefined, 'iso', 0, 26]);
  assert.deepEqual(only('2024-01-01T16:23:18.123456789Z'), ['2024-01-01T16:23:18.123456Z', 0, 'iso-offset', 0, 30]);
  assert.equal(findStamps('2024-01-01T16:23:18.123456789Z')[0].wall, micros('2024-01-01T16:23:18.123456Z'));
});

test('slashes: 2024/01/01', () => {
  assert.deepEqual(only('2024/01/01 16:23:18'), ['2024-01-01T16:23:18.000Z', undefined, 'iso', 0, 19]);
});

test('Apache error log stamp', () => {
  assert.deepEqual(only('[Mon Jan 01 16:23:18.123456 2024] [wsgi:error]'), ['2024-01-01T16:23:18.123456Z', undefined, 'apache', 0, 33]);
  // time.asctime() pads the day with a space
  assert.deepEqual(only('[Mon Jan  1 16:23:18 2024] x'), ['2024-01-01T16:23:18.000Z', undefined, 'apache', 0, 26]);
});

test('common log format', () => {
  assert.deepEqual(only('01/Jan/2024:16:23:18 +0000'), ['2024-01-01T16:23:18.000Z', 0, 'clf', 0, 26]);
  assert.deepEqual(only('[01/Jan/2024:16:23:18 -0700] x'), ['2024-01-01T16:23:18.000Z', -420, 'clf', 1, 27]);
});

test('syslog stamp: no year, so the year that puts it nearest the present', () => {
  const now = new Date();
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][now.getUTCMonth()];
  const day = now.getUTCDate();
  const text = `${mon} ${String(day).padStart(2, ' ')} 00:00:01 web-1 app[1234]: `;
  const iso = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}T00:00:01.000Z`;
  assert.deepEqual(only(text), [iso, undefined, 'syslog', 0, 15]);
});

test('syslog stamp more than a week ahead belongs to last year', () => {
  const ahead = new Date(Date.now() + 40 * 86400e3);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][ahead.getUTCMonth()];
  const stamp = findStamps(`${mon} ${String(ahead.getUTCDate()).padStart(2, ' ')} 12:00:00 h x: `)[0];
  assert.equal(new Date(stamp.wall / 1000).getUTCFullYear(), ahead.getUTCFullYear() - 1);
});

test('an ISO stamp inside the record wins over no stamp, a syslog stamp is not searched then', () => {
  const stamps = findStamps('Jan  1 16:23:18 web-1 app[1234]: 2024-01-01 16:23:18,123 INFO ');
  assert.deepEqual(stamps.map((s) => s.form), ['iso']);
  assert.equal(stamps[0].wall, micros('2024-01-01T16:23:18.123Z'));
});

test('a pid glued to the stamp is not an offset', () => {
  assert.deepEqual(only('2024-01-01 16:23:18,123-4130 INFO'), ['2024-01-01T16:23:18.123Z', undefined, 'iso', 0, 23]);
});

test('pickStamp prefers the zoned container stamp over the naive record stamp (kubectl/CRI)', () => {
  const line = '2024-01-01T16:23:18.123456789Z stdout F 2024-01-01 16:23:18,120 INFO apscheduler.scheduler: Scheduler started';
  const stamps = findStamps(line);
  assert.equal(stamps.length, 2);
  const best = pickStamp(stamps)!;
  assert.equal(best.start, 0);
  assert.equal(best.offsetMinutes, 0);
  assert.equal(best.wall, micros('2024-01-01T16:23:18.123456Z'));
});

test('pickStamp: among naive stamps the innermost (the record\'s own) wins', () => {
  const stamps = findStamps('2024-01-01 16:23:18 host 2024-01-01 17:23:18,500 INFO');
  assert.equal(pickStamp(stamps)!.wall, micros('2024-01-01T17:23:18.500Z'));
  const zoned = findStamps('2024-01-01T16:23:18Z 2024-01-01T17:23:18.5+01:00 INFO');
  assert.equal(pickStamp(zoned)!.offsetMinutes, 60);
  assert.equal(pickStamp([]), undefined);
});

test('parseOffset and fractionMicros', () => {
  assert.equal(parseOffset('Z'), 0);
  assert.equal(parseOffset('UTC'), 0);
  assert.equal(parseOffset('+05:45'), 345);
  assert.equal(parseOffset('-0330'), -210);
  assert.equal(parseOffset('-03'), -180);
  assert.equal(parseOffset('CST'), undefined);
  assert.equal(fractionMicros('123'), 123000);
  assert.equal(fractionMicros('123456789'), 123456);
  assert.equal(fractionMicros(undefined), 0);
});

test('parsePythonDatetime: microseconds present and absent', () => {
  assert.deepEqual(parsePythonDatetime('2026-11-24 15:40:34.176079+00:00'), { at: micros('2026-11-24T15:40:34.176079Z'), offsetMinutes: 0 });
  assert.deepEqual(parsePythonDatetime('2026-11-24 15:42:12+00:00'), { at: micros('2026-11-24T15:42:12Z'), offsetMinutes: 0 });
  assert.deepEqual(parsePythonDatetime('2026-11-26 21:05:10.838766+08:00'), { at: micros('2026-11-26T13:05:10.838766Z'), offsetMinutes: 480 });
});

test('parsePythonDatetime: negative offsets and +05:45', () => {
  assert.deepEqual(parsePythonDatetime('2026-11-26 08:03:52.831441-05:00'), { at: micros('2026-11-26T13:03:52.831441Z'), offsetMinutes: -300 });
  assert.deepEqual(parsePythonDatetime('2024-07-01 12:00:00-03:30'), { at: micros('2024-07-01T15:30:00Z'), offsetMinutes: -210 });
  assert.deepEqual(parsePythonDatetime('2024-01-01 12:00:00+05:45'), { at: micros('2024-01-01T06:15:00Z'), offsetMinutes: 345 });
  // Old zones with second offsets (LMT): `+00:17:30`
  assert.deepEqual(parsePythonDatetime('1900-01-01 00:17:30+00:17:30'), { at: micros('1900-01-01T00:00:00Z'), offsetMinutes: 17 });
  assert.equal(parsePythonDatetime('2026-11-26 21:05:10 CST'), undefined);
});

test('parsePythonTimedelta', () => {
  assert.equal(parsePythonTimedelta('0:00:07.156346'), 7_156_346);
  assert.equal(parsePythonTimedelta('0:00:30.001125'), 30_001_125);
  assert.equal(parsePythonTimedelta('1 day, 2:03:04.500000'), ((86400 + 2 * 3600 + 3 * 60 + 4) * 1e6) + 500_000);
  assert.equal(parsePythonTimedelta('2 days, 0:00:00.000005'), 2 * 86400e6 + 5);
  assert.equal(parsePythonTimedelta('1 day, 0:00:05'), 86405e6);
  assert.equal(parsePythonTimedelta('-1 day, 23:59:59'), -1e6);
  assert.equal(parsePythonTimedelta('soon'), undefined);
});

test('isoFromMicros keeps microseconds', () => {
  assert.equal(isoFromMicros(micros('2026-11-26T13:05:10.838766Z')), '2026-11-26T13:05:10.838766Z');
  assert.equal(isoFromMicros(micros('2026-11-26T13:05:10Z')), '2026-11-26T13:05:10.000Z');
});

test('%(created)f epoch seconds, and ctime stamps without brackets', () => {
  const [e] = findStamps('1764168318.123456 INFO apscheduler.scheduler: ');
  assert.equal(e.form, 'epoch');
  assert.equal(e.wall, 1764168318123456);
  assert.equal(e.offsetMinutes, 0);
  assert.deepEqual([e.start, e.end], [0, 17]);
  const [b] = findStamps('[1764168318.5] INFO ');
  assert.equal(b.wall, 1764168318500000);
  assert.deepEqual(findStamps('12345 INFO '), [], 'a pid is not an epoch');
  const [c] = findStamps('Thu Nov 26 13:05:10 2026 INFO apscheduler.scheduler: ');
  assert.equal(c.form, 'apache');
  assert.equal(new Date(c.wall / 1000).toISOString(), '2026-11-26T13:05:10.000Z');
});

// isoStampAt reads by hand what this regex (ISO in timestamp.ts, anchored) matches: the reference.
const ISO_REFERENCE = /(\d{4})[-/](\d\d)[-/](\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(?:(Z|[+-](?:0\d|1[0-4])(?::?[0-5]\d)?)(?!\d)| (UTC|GMT|[+-](?:0\d|1[0-4]):?[0-5]\d)\b)?/y;

function referenceStampAt(text: string, start: number, end: number) {
  ISO_REFERENCE.lastIndex = start;
  const m = ISO_REFERENCE.exec(text);
  if (!m || start + m[0].length !== end) return undefined;
  const zone = m[8] ?? m[9];
  return {
    wall: wallMicros(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6], m[7]),
    offsetMinutes: zone === undefined ? undefined : parseOffset(zone),
    start, end, form: zone === undefined ? 'iso' : 'iso-offset',
  };
}

test('isoStampAt reads exactly what the ISO regex matches, on 200,000 generated stamps and near misses', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const d = (k: number) => Array.from({ length: k }, () => String(Math.floor(rnd() * 10))).join('');
  const tails = ['', 'Z', 'Z1', '+', '-', '+0', '+05', '+14', '+15', '+1', '+09:3', '+09:30', '+0930', '+09301', '+09:301', '+09:60', '-03', '-0300', ' UTC', ' GMT', ' UTCx', ' UT',
    ' +0100', ' +01:00', ' +01000', ' +01:0', ' -1400', ' +2', ' ', 'x', '1', ':', ' Z', ' utc', '+05:', '+05:3x'];
  let found = 0;
  for (let k = 0; k < 200_000; k++) {
    const lead = pick(['', '', 'x', '[', '2024 ']);
    const date = rnd() < 0.05 ? d(3) + 'a' : d(4);
    const sep = pick(['-', '-', '/', '.']);
    const t = pick([' ', 'T', 'T', '_']);
    const frac = pick(['', '', ',' + d(3), '.' + d(6), '.' + d(9), '.' + d(10), ',', '.' + d(1), '.' + d(7)]);
    const text = `${lead}${date}${sep}${d(2)}${pick([sep, '-'])}${d(2)}${t}${d(2)}:${d(2)}${pick([':', ':', '.'])}${d(2)}${frac}${pick(tails)}${pick(['', ' INFO', '1', 'a', ']'])}`;
    const start = lead.length;
    // The end a layout learnt: anywhere near the stamp's real end, often exactly it.
    ISO_REFERENCE.lastIndex = start;
    const m = ISO_REFERENCE.exec(text);
    const end = m && rnd() < 0.8 ? start + m[0].length : start + 19 + Math.floor(rnd() * 16);
    const want = referenceStampAt(text, start, end);
    if (want) found++;
    assert.deepStrictEqual(isoStampAt(text, start, end), want, JSON.stringify({ text, start, end }));
  }
  assert.ok(found > 50_000, `stamps read: ${found}`);
});
