// wallMs reads wall-clock fields as UTC by arithmetic (days_from_civil); it must agree with what
// Date.UTC gave for every valid date a pickle or ICU can hold, years 1-99 and BC ones included.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wallMs } from '../../src/stores/pickle-zones';

function byDate(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const dt = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  dt.setUTCFullYear(y);
  return dt.getTime();
}

function daysIn(y: number, m: number): number {
  const leap = ((y % 4) + 4) % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return m === 2 ? (leap ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

test('wallMs agrees with Date.UTC on every day of years -400..2500 and a sample up to 9999', () => {
  const years: number[] = [];
  for (let y = -400; y <= 2500; y++) years.push(y);
  for (let y = 2501; y <= 9999; y += 97) years.push(y);
  years.push(9999);
  let checked = 0;
  for (const y of years) {
    for (let m = 1; m <= 12; m++) {
      for (let d = 1; d <= daysIn(y, m); d++) {
        const h = (((y * 7 + d) % 24) + 24) % 24, mi = (m * 13 + d) % 60, s = (((y + m + d) % 60) + 60) % 60;
        const want = byDate(y, m, d, h, mi, s);
        if (wallMs(y, m, d, h, mi, s) !== want) assert.fail(`${y}-${m}-${d} ${h}:${mi}:${s}: ${wallMs(y, m, d, h, mi, s)} != ${want}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 1_000_000, `${checked} dates`);
  assert.equal(wallMs(1970, 1, 1), 0);
  assert.equal(wallMs(1, 1, 1), -62135596800000);
});
