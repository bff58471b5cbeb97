// Every JSON shape's sample lines (src/readers/json-shapes.ts) read as they must: the shape, the
// message, the instant, level, logger, host, pid, thread and exception line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSON_SHAPES } from '../../src/readers/json-shapes';
import { parseObject, readJsonRecord, JSON_CANDIDATE } from '../../src/readers/json-record';
import { micros } from './read-log';

for (const shape of JSON_SHAPES) {
  shape.samples.forEach((sample, i) => {
    test(`${shape.name} sample ${i + 1}`, () => {
      assert.ok(JSON_CANDIDATE.test(sample.line), 'the cheap pre-check lets it through');
      const o = parseObject(sample.line);
      assert.ok(o, 'valid JSON');
      const r = readJsonRecord(o);
      assert.ok(r, 'a record');
      assert.ok(r.shape.startsWith(shape.name), `shape ${r.shape}`);
      const { naive, time, ...fields } = sample.expect;
      for (const [name, value] of Object.entries(fields)) assert.equal((r as unknown as Record<string, unknown>)[name], value, name);
      if (time !== undefined) {
        assert.ok(r.stamp, 'a time');
        assert.equal(r.stamp.offsetMinutes === undefined, naive === true, 'offset or not');
        const at = r.stamp.wall - (r.stamp.offsetMinutes ?? 0) * 60e6;
        assert.equal(at, micros(time.endsWith('Z') ? time : time + 'Z'));
      }
    });
  });
}
