import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/model/errors';
import { fixedZone, formatOffset, zoneFromName } from '../../src/readers/zone';
import { micros } from './read-log';

/** Wall-clock microseconds of a local time, as the readers compute them (as though it were UTC). */
const wall = (local: string) => micros(local + 'Z');

test('Europe/Berlin across both DST changes of 2024', () => {
  const berlin = zoneFromName('Europe/Berlin');
  assert.equal(berlin.name, 'Europe/Berlin');
  assert.equal(berlin.offsetAtWall(wall('2024-01-15T12:00:00')), 60);
  assert.equal(berlin.offsetAtWall(wall('2024-03-31T01:59:59')), 60);
  assert.equal(berlin.offsetAtWall(wall('2024-03-31T03:00:00')), 120);
  assert.equal(berlin.offsetAtWall(wall('2024-07-01T12:00:00')), 120);
  assert.equal(berlin.offsetAtWall(wall('2024-10-27T01:59:59')), 120);
  assert.equal(berlin.offsetAtWall(wall('2024-10-27T03:00:00')), 60);
});

test('America/Chicago across both DST changes of 2024', () => {
  const chicago = zoneFromName('America/Chicago');
  assert.equal(chicago.offsetAtWall(wall('2024-03-10T01:59:59')), -360);
  assert.equal(chicago.offsetAtWall(wall('2024-03-10T03:00:00')), -300);
  assert.equal(chicago.offsetAtWall(wall('2024-11-03T00:59:59')), -300);
  assert.equal(chicago.offsetAtWall(wall('2024-11-03T02:00:00')), -360);
  // The instant the readers compute from a CDT and a CST wall time
  const at = (local: string) => wall(local) - chicago.offsetAtWall(wall(local)) * 60e6;
  assert.equal(at('2024-07-01T07:00:00'), micros('2024-07-01T12:00:00Z'));
  assert.equal(at('2024-12-01T06:00:00'), micros('2024-12-01T12:00:00Z'));
});

test('a zone that changes on the half hour of UTC (America/St_Johns)', () => {
  const stJohns = zoneFromName('America/St_Johns');
  // 2024-11-03 02:00 NDT (-02:30) falls back to 01:00 NST (-03:30) at 04:30 UTC.
  assert.equal(stJohns.offsetAtWall(wall('2024-11-03T00:45:00')), -150);
  assert.equal(stJohns.offsetAtWall(wall('2024-11-03T02:10:00')), -210);
  // 2024-03-10 02:00 NST springs forward to 03:00 NDT at 05:30 UTC.
  assert.equal(stJohns.offsetAtWall(wall('2024-03-10T01:45:00')), -210);
  assert.equal(stJohns.offsetAtWall(wall('2024-03-10T03:10:00')), -150);
});

test('fixed offsets', () => {
  assert.equal(zoneFromName('+08:00').name, 'UTC+08:00');
  assert.equal(zoneFromName('+08:00').offsetAtWall(wall('2024-07-01T12:00:00')), 480);
  assert.equal(zoneFromName('-0330').offsetAtWall(0), -210);
  assert.equal(zoneFromName('-0330').name, 'UTC-03:30');
  assert.equal(zoneFromName('UTC').name, 'UTC');
  assert.equal(zoneFromName('UTC').offsetAtWall(wall('2024-07-01T12:00:00')), 0);
  assert.equal(zoneFromName('Z').name, 'UTC');
  assert.equal(fixedZone(345).name, 'UTC+05:45');
  assert.equal(fixedZone(345).offsetAtWall(123), 345);
  assert.equal(formatOffset(-570), 'UTC-09:30');
  assert.equal(formatOffset(0), 'UTC+00:00');
});

test('an IANA zone without DST', () => {
  const shanghai = zoneFromName('Asia/Shanghai');
  assert.equal(shanghai.offsetAtWall(wall('2024-01-01T00:00:00')), 480);
  assert.equal(shanghai.offsetAtWall(wall('2024-07-01T00:00:00')), 480);
  assert.equal(zoneFromName('Asia/Kathmandu').offsetAtWall(wall('2024-07-01T00:00:00')), 345);
});

test('an unknown zone is a one-line UserError naming the zone', () => {
  assert.throws(() => zoneFromName('Mars/Olympus'), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(
      err.message,
      "unknown time zone 'Mars/Olympus' (use an IANA name such as Europe/Berlin, UTC, or an offset such as +08:00)",
    );
    assert.ok(!err.message.includes('\n'));
    return true;
  });
  assert.throws(() => zoneFromName('Europe/Atlantis'), UserError);
});
