// The fixtures recorded inside real servers (test/fixtures/gen/servers.py): the app starts a
// scheduler at import, the server decides how many processes import it. Each scenario's counts
// come from APScheduler's listeners in every process (truth.json); the server is named from its
// own lines, and the advice is that server's fix. Healthy shapes get nothing above info.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { collect } from '../../src/cli/collect';
import { runCli } from '../support/cli';
import { readTruth, type Truth } from './check-scenario';

const FIXTURES = join(__dirname, '..', 'fixtures');

interface Case { server: string | null; fix?: RegExp; workers?: number; healthy?: boolean }
const CASES: Record<string, Case> = {
  'server-gunicorn-w3': { server: 'gunicorn', workers: 3, fix: /--preload.*(on_starting|when_ready)/ },
  'server-gunicorn-preload-w3': { server: 'gunicorn', healthy: true },
  'server-flask-debug': { server: 'werkzeug', fix: /WERKZEUG_RUN_MAIN.*"true"|use_reloader=False/ },
  'server-uvicorn-w2': { server: 'uvicorn', workers: 2, fix: /lifespan.*lock/ },
  'server-uvicorn-reload': { server: 'uvicorn', healthy: true },
  'server-django-runserver': { server: 'django', fix: /--noreload.*RUN_MAIN/ },
  'server-uwsgi-lazy-apps': { server: 'uwsgi', workers: 2, fix: /mule/ },
};

interface Details { schedulers: { pid: number; job_ids: string[] }[]; multiple_schedulers?: { schedulers_sharing_jobs: number } }

/** Schedulers (processes) that ran each job, from the truth's runs. */
function schedulersPerJob(truth: Truth): Record<string, number> {
  const pids = new Map<string, Set<number>>();
  for (const r of truth.runs) {
    if (!pids.has(r.job_name)) pids.set(r.job_name, new Set());
    pids.get(r.job_name)!.add(r.pid);
  }
  return Object.fromEntries([...pids].map(([name, s]) => [name, s.size]));
}

for (const [base, c] of Object.entries(CASES)) {
  for (const name of [base, `${base}-pids`]) {
    test(`${name}: ${c.healthy ? 'one scheduler, nothing above info, no deployment advice' : `${c.server} named, the schedulers counted, its fix advised`}`, async () => {
      const dir = join(FIXTURES, name);
      const truth = readTruth(dir);
      const details = (truth as unknown as { details: Details }).details;
      const { analysis, recommendations } = await collect([join(dir, 'app.log')], {});
      const multi = analysis.findings.filter((f) => f.rule === 'multiple-schedulers');

      const jobs = Object.fromEntries(analysis.jobs.map((j) => [j.name, j.instances]));
      assert.deepEqual(jobs, schedulersPerJob(truth), 'the jobs table counts the schedulers that ran each job');

      if (c.healthy) {
        assert.equal(details.schedulers.length, 1);
        assert.deepEqual(analysis.findings.filter((f) => f.severity !== 'info').map((f) => f.rule), []);
        assert.ok(!recommendations.some((r) => r.setting === 'deployment'));
        return;
      }
      const sharing = details.multiple_schedulers!.schedulers_sharing_jobs;
      assert.equal(multi.length, 1);
      assert.equal(multi[0].count, sharing, 'multiple-schedulers counts every scheduler');
      const deployment = multi[0].data!.deployment as { server: string; workers: number; workerPids: string[] };
      assert.equal(deployment.server, c.server);
      if (c.workers) {
        assert.equal(deployment.workers, c.workers);
        // The pids the server named are the processes the listeners saw.
        assert.deepEqual([...deployment.workerPids].sort(), details.schedulers.map((s) => String(s.pid)).sort());
      }
      for (const d of analysis.findings.filter((f) => f.rule === 'duplicate-run')) {
        assert.equal(d.data!.schedulers, schedulersPerJob(truth)[d.job!], `${d.job}: the same number in duplicate-run`);
        assert.doesNotMatch(d.message, /by 1 scheduler/);
      }
      const advice = recommendations[0];
      assert.equal(advice.setting, 'deployment');
      assert.equal(advice.confidence, 'high');
      assert.equal(advice.evidence.schedulers, sharing);
      assert.equal(advice.evidence.server, c.server);
      assert.match(advice.reason, c.fix!);
      // Overlap across schedulers is the deployment's: no max_instances advice for it.
      assert.ok(!recommendations.some((r) => r.setting === 'max_instances'), 'max_instances cannot fix several schedulers');
    });
  }
}

test('done when: analyze on gunicorn -w 3 with default logging names the workers, quotes Booting worker, gives the gunicorn fix', () => {
  const r = runCli(['analyze', join(FIXTURES, 'server-gunicorn-w3', 'app.log')]);
  assert.equal(r.code, 1, r.stderr);
  // The terminal report wraps prose and cuts quoted lines to the width: read it as one line.
  const text = r.stdout.replace(/\n +/g, ' ');
  assert.match(text, /3 gunicorn workers each started a scheduler/);
  assert.equal((text.match(/Booting worker with pid: \d+/g) ?? []).length >= 3, true, r.stdout);
  assert.match(text, /--preload/);
  assert.doesNotMatch(text, /by 1 scheduler|debug reloader/);
});
