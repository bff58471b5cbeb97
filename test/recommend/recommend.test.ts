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
import { shellWord } from '../../src/recommend/shell-word';

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

// From a log alone the calls carry marked placeholders and are printed commented out (pasting
// them unfilled changes nothing). Filled in as a user would, they run in real APScheduler and set
// exactly the recommended values.
const FILL: [RegExp, (m: string, what: string) => string][] = [
  [/<the function of ([^>]+)>/g, (_m, n) => n],
  [/<its time zone: the log does not show it>/g, () => "'UTC'"],
  [/<its args, if any>/g, () => '()'],
  [/<its kwargs, if any>/g, () => '{}'],
  [/<the id your app gives ([^>]+)>/g, (_m, n) => `'${n}'`],
];

for (const name of ['seed', 'downtime-burst', 'downtime-grace', 'overlap', 'skips', 'reloader', 'failing']) {
  test(`${name}: the printed Python, placeholders filled in, runs in real APScheduler`, { skip: hasApscheduler ? false : 'APScheduler is not installed for /usr/bin/python3' }, async () => {
    const { recommendations, analysis } = await collect([log(name)], {});
    const snippet = pythonSnippet({ recommendations, sources: [name], logJobs: analysis.jobs });
    if (recommendations.every((r) => r.job === null)) {
      assert.doesNotMatch(snippet, /^#? ?scheduler\.add_job/m, 'the deployment alone is advice, not code');
      assert.doesNotMatch(snippet, /^scheduler = /m);
      return;
    }
    assert.match(snippet, /# fill in every <…>, then uncomment:/);
    assert.match(snippet, /The id must be the one your app already uses/);
    assert.match(snippet, /assumes a BackgroundScheduler/);
    assert.doesNotMatch(snippet, /^scheduler\.add_job/m, 'nothing with a placeholder runs as pasted');
    let filled = snippet.replace(/^# (scheduler\.add_job\(|    |\))/gm, '$1');
    for (const [re, f] of FILL) filled = filled.replace(re, f as (m: string, ...a: string[]) => string);
    assert.doesNotMatch(filled, /^[^#\n]*<[^>\n]+>/m, 'every placeholder is one the user can fill');
    const names = [...new Set(analysis.jobs.map((j) => j.name))].filter((n) => /^[A-Za-z_]\w*$/.test(n));
    const program = [...names.map((n) => `def ${n}():\n    pass`), filled, 'scheduler.start(paused=True)',
      'import json', 'print(json.dumps({j.id: [j.max_instances, j.coalesce, j.misfire_grace_time] for j in scheduler.get_jobs()}))'].join('\n');
    const res = spawnSync('/usr/bin/python3', ['-c', program], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr + '\n' + filled);
    const made = JSON.parse(res.stdout) as Record<string, [number, boolean, number | null]>;
    for (const r of recommendations) {
      if (r.job === null || !['max_instances', 'coalesce', 'misfire_grace_time'].includes(r.setting)) continue;
      const got = made[r.job];
      assert.ok(got, `${r.job} was added`);
      const index = ['max_instances', 'coalesce', 'misfire_grace_time'].indexOf(r.setting);
      assert.equal(String(got[index] === true ? 'True' : got[index] === false ? 'False' : got[index]), r.recommended, `${r.job} ${r.setting}`);
    }
  });
}

test('job_defaults only from scheduler-wide evidence, and never empty', async () => {
  const { recommendations, analysis } = await collect([log('overlap')], {});
  const snippet = pythonSnippet({ recommendations, sources: ['overlap'], logJobs: analysis.jobs });
  // One of two jobs overlaps: its fix is its own, not the scheduler's.
  assert.doesNotMatch(snippet, /^job_defaults/m);
  assert.match(snippet, /scheduler = BackgroundScheduler\(\)/);
  const both = pythonSnippet({ recommendations: analysis.jobs.map((j) => ({ job: j.name, trigger: j.trigger, setting: 'max_instances' as const, current: '3', currentSource: 'log' as const, recommended: '1', confidence: 'high' as const, reason: 'overlaps', evidence: {} })), sources: ['x'], logJobs: analysis.jobs });
  assert.match(both, /job_defaults = \{\n    'max_instances': 1,  # recommended for every one of the 2 jobs\n\}/);
});

test('the --allow-overlap hint is quoted for the shell', async () => {
  const { recommendations } = await collect([log('overlap')], {});
  const r = recommendations.find((x) => x.setting === 'max_instances')!;
  assert.match(r.reason, /--allow-overlap rebuild_search_index if it is/);
  assert.equal(shellWord('job_1'), 'job_1');
  assert.equal(shellWord('send report (daily)'), "'send report (daily)'");
  assert.equal(shellWord("it's $HOME"), `'it'\\''s $HOME'`);
  const echo = spawnSync('/bin/sh', ['-c', `printf %s ${shellWord("it's $HOME; rm -rf x")}`], { encoding: 'utf8' });
  assert.equal(echo.stdout, "it's $HOME; rm -rf x");
});
