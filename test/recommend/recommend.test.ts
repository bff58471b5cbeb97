// Recommendations on the scenarios recorded from real APScheduler, and the Python they print,
// run through real APScheduler so every setting name and value is valid.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { collect } from '../../src/cli/collect';
import { pythonSnippet } from '../../src/recommend/python-snippet';
import { triggerArgs } from '../../src/recommend/trigger-args';
import { readableSeconds } from '../../src/recommend/readable-number';

const FIXTURES = join(__dirname, '..', 'fixtures');
const log = (name: string) => join(FIXTURES, name, 'app.log');
const hasApscheduler = spawnSync('/usr/bin/python3', ['-c', 'import apscheduler'], { stdio: 'ignore' }).status === 0;

test('seed: the deployment comes first, then max_instances; never max_instances alone', async () => {
  const { recommendations } = await collect([log('seed')], {});
  assert.equal(recommendations[0].setting, 'deployment');
  assert.match(recommendations[0].reason, /per scheduler process/);
  assert.match(recommendations[0].recommended, /one scheduler process/);
  assert.ok(recommendations.some((r) => r.job === 'job_1' && r.setting === 'max_instances' && r.recommended === '1'));
});

test('reloader: the advice is the reloader guard', async () => {
  const { recommendations } = await collect([log('reloader')], {});
  assert.equal(recommendations[0].setting, 'deployment');
  assert.match(recommendations[0].reason, /WERKZEUG_RUN_MAIN|use_reloader=False/);
});

test('downtime with coalesce=False: coalesce=True for the replaying job', async () => {
  const { recommendations } = await collect([log('downtime-burst')], {});
  const c = recommendations.find((r) => r.setting === 'coalesce');
  assert.ok(c);
  assert.equal(c.job, 'tick');
  assert.equal(c.recommended, 'True');
  assert.ok(!recommendations.some((r) => r.setting === 'deployment'), 'a crash and restart is not several schedulers');
});

test('misses: the grace time covers the largest measured delay', async () => {
  const { recommendations, analysis } = await collect([log('downtime-grace')], {});
  const miss = analysis.findings.find((f) => f.rule === 'misfire')!;
  const g = recommendations.find((r) => r.setting === 'misfire_grace_time')!;
  assert.ok(Number(g.recommended) >= (miss.data!.maxDelaySeconds as number), `${g.recommended} covers ${miss.data!.maxDelaySeconds}`);
  assert.equal(g.current, '1');
  assert.equal(g.currentSource, 'default');
});

test('overlap: max_instances=1, or size it for a job allowed to overlap', async () => {
  const plain = await collect([log('overlap')], {});
  assert.ok(plain.recommendations.some((r) => r.setting === 'max_instances' && r.recommended === '1'));
  const allowed = await collect([log('overlap')], { allowOverlap: ['rebuild_search_index'] });
  const m = allowed.recommendations.find((r) => r.setting === 'max_instances')!;
  const job = allowed.analysis.jobs.find((j) => j.name === 'rebuild_search_index')!;
  assert.equal(Number(m.recommended), Math.ceil(job.duration.p95! / job.periodSeconds!));
});

test('healthy systems get no change', async () => {
  for (const name of ['healthy', 'two-schedulers-distinct']) {
    const { recommendations } = await collect([log(name)], {});
    assert.deepEqual(recommendations, [], name);
  }
});

test('a store with copies: an explicit id and replace_existing=True', async () => {
  const { recommendations } = await collect([], { db: `sqlite:///${join(FIXTURES, 'stores', 'restarts.sqlite')}`, table: 'apscheduler_jobs', now: '2020-01-01T00:00:00Z' });
  const r = recommendations.find((x) => x.setting === 'replace_existing')!;
  assert.equal(r.recommended, "True, with id='sync'");
  assert.equal((r.evidence.ids as string[]).length, 3);
});

test('trigger text back to add_job arguments', () => {
  assert.equal(triggerArgs('interval[0:00:02]'), "'interval', seconds=2");
  assert.equal(triggerArgs('interval[1 day, 2:03:04.500000]'), "'interval', days=1, hours=2, minutes=3, seconds=4.5");
  assert.equal(triggerArgs("cron[hour='3', minute='30']"), "'cron', hour='3', minute='30'");
  assert.equal(triggerArgs('date[2030-01-01 00:00:00 UTC]'), "'date', run_date='2030-01-01 00:00:00'");
  assert.equal(triggerArgs('CalendarIntervalTrigger(days=2)'), undefined);
  assert.deepEqual([0.2, 1, 7.4, 11, 3000].map(readableSeconds), [1, 1, 10, 15, 3600]);
});

for (const name of ['seed', 'downtime-burst', 'downtime-grace', 'overlap', 'skips', 'reloader', 'failing']) {
  test(`${name}: the printed Python runs in real APScheduler`, { skip: hasApscheduler ? false : 'APScheduler is not installed for /usr/bin/python3' }, async () => {
    const { recommendations, analysis } = await collect([log(name)], {});
    const snippet = pythonSnippet(recommendations, [name]);
    if (recommendations.length === 0) {
      assert.match(snippet, /No change recommended/);
      return;
    }
    const names = [...new Set(analysis.jobs.map((j) => j.name))].filter((n) => /^[A-Za-z_]\w*$/.test(n));
    const program = [...names.map((n) => `def ${n}():\n    pass`), snippet, 'print(sorted(j.id for j in scheduler.get_jobs()))'].join('\n');
    const res = spawnSync('/usr/bin/python3', ['-c', program], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr + '\n' + snippet);
  });
}
