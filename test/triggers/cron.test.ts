// The cron evaluator against APScheduler's own CronTrigger.get_next_fire_time: every fire time
// of thousands of generated triggers (test/fixtures/gen/cron_vectors.py, real APScheduler 3.9.1
// with pytz), parsed from the trigger's str() as a log shows it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CronSyntaxError, nextFireTime, parseCronTrigger } from '../../src/triggers/cron';
import { fixedZone, ianaZone, type Zone } from '../../src/triggers/zone';

interface Case { trigger: string; zone: string; start_us: number; fires: number[]; lossy_text: boolean }
const doc = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'triggers', 'cron-vectors.json'), 'utf8')) as { cases: Case[] };

function zoneOf(name: string): Zone {
  if (name.startsWith('fixed:')) return fixedZone(Number(name.slice(6)) * 60);
  return ianaZone(name)!;
}

test(`every fire time of ${doc.cases.length} generated triggers equals APScheduler's`, () => {
  let compared = 0;
  const wrong: string[] = [];
  for (const c of doc.cases) {
    // str() prints `day_of_week='0-0/1'` as '0/1', which means 0 to 6: no log can tell them apart.
    if (c.lossy_text) continue;
    const spec = parseCronTrigger(c.trigger);
    assert.ok(spec, c.trigger);
    const zone = zoneOf(c.zone);
    let from = c.start_us;
    for (const expected of c.fires) {
      const got = nextFireTime(spec, zone, from);
      compared++;
      if (got !== expected) {
        wrong.push(`${c.trigger} in ${c.zone} from ${new Date(from / 1000).toISOString()}: got ${got === undefined ? 'none' : new Date(got / 1000).toISOString()}, APScheduler ${new Date(expected / 1000).toISOString()}`);
        break;
      }
      from = expected + 1;
    }
  }
  assert.ok(compared > 10_000, `compared ${compared}`);
  assert.ok(doc.cases.filter((c) => c.lossy_text).length < 10, 'few triggers print lossily');
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} triggers disagree`);
});

test('fields the log omits get APScheduler\'s defaults: * before the first given field, the minimum after the last', () => {
  const spec = parseCronTrigger("cron[hour='9', minute='30']")!;
  assert.deepEqual(spec.fields.map((f) => f.name), ['year', 'month', 'day', 'week', 'day_of_week', 'hour', 'minute', 'second']);
  const utc = fixedZone(0);
  const t = nextFireTime(spec, utc, Date.UTC(2026, 10, 26, 10, 0, 0) * 1000)!;
  assert.equal(new Date(t / 1000).toISOString(), '2026-11-27T09:30:00.000Z');
});

test('day_of_week 0 is Monday, and day and day_of_week must both match', () => {
  const spec = parseCronTrigger("cron[day='1-7', day_of_week='0']")!;
  const t = nextFireTime(spec, fixedZone(0), Date.UTC(2026, 10, 3) * 1000)!;
  assert.equal(new Date(t / 1000).toISOString(), '2026-12-07T00:00:00.000Z', 'the first Monday of December 2026');
});

test('a trigger APScheduler would reject, and text that is not a cron trigger', () => {
  assert.throws(() => parseCronTrigger("cron[hour='25']"), CronSyntaxError);
  assert.throws(() => parseCronTrigger("cron[second='*/0']"), CronSyntaxError);
  assert.equal(parseCronTrigger('interval[0:00:02]'), undefined);
  assert.equal(parseCronTrigger("cron[hour='9', bogus='1']"), undefined);
});

test('a trigger that can never fire gives no fire time instead of walking to the year 9999', () => {
  const spec = parseCronTrigger("cron[month='feb', day='30']")!;
  assert.equal(nextFireTime(spec, fixedZone(0), Date.UTC(2026, 0, 1) * 1000), undefined);
});
