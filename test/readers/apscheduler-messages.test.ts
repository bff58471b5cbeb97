import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findMessageStart, MESSAGES, MESSAGE_START, MESSAGE_STARTS, parseMessage, type EventBody } from '../../src/readers/apscheduler-messages';
import { parseJobString } from '../../src/readers/job-string';
import * as L from './apscheduler-3.9.1-lines';
import { micros } from './read-log';

/** Find the start the way the reader does, then parse. */
function parse(message: string): EventBody | undefined {
  const m = MESSAGE_START.exec(message);
  assert.ok(m, `no message start in ${message}`);
  assert.equal(m.index, 0, `message start found at 0 in ${message}`);
  return parseMessage(m[0], message)?.body;
}

// The kind each catalogue entry must give for its samples, keyed by the entry's start text.
const EXPECTED_KIND: Record<string, string> = {
  'Running job "': 'run-start',
  'Run time of job "': 'misfire',
  'Execution of job "': 'max-instances',
  'Added job "': 'job-added',
  'Removed job ': 'job-removed',
  'Executor lookup ("': 'executor-lookup-failed',
  'Error submitting job "': 'submit-error',
  'Error getting due jobs from job store ': 'jobstore-error',
  'Error running job ': 'run-error',
  'Unable to restore job ': 'restore-failed',
  'Next wakeup is due at ': 'next-wakeup',
  'Scheduler started': 'scheduler-start',
  'Scheduler has been shut down': 'scheduler-shutdown',
  'Paused scheduler job processing': 'scheduler-paused',
  'Resumed scheduler job processing': 'scheduler-resumed',
  'Adding job tentatively -- it will be properly scheduled when the scheduler starts': 'job-added-tentatively',
  'Error notifying listener': 'listener-error',
  'Process pool is broken; replacing pool with a fresh instance': 'pool-broken',
  'Looking for jobs to run': 'looking-for-jobs',
  'No jobs; waiting until a job is added': 'no-jobs',
  'Scheduler is paused -- not processing jobs': 'scheduler-paused-debug',
  'Scheduler is paused; waiting until resume() is called': 'scheduler-paused-debug',
};

test('every catalogue sample parses to its entry\'s kind', () => {
  let samples = 0;
  for (const def of MESSAGES) {
    for (const sample of def.samples) {
      const body = def.parse(sample);
      assert.ok(body, `sample of "${def.start}" parses: ${sample}`);
      const expected = def.start === 'Job "'
        ? 'run-end'
        : EXPECTED_KIND[def.start];
      assert.equal(body.kind, expected, sample);
      // and the reader's path (MESSAGE_START + parseMessage) finds the same kind
      assert.equal(parse(sample)?.kind, expected, sample);
      samples++;
    }
  }
  assert.ok(samples >= MESSAGES.length);
});

test('the two `Job "…"` entries tell success from error', () => {
  assert.deepEqual(parse(L.OK_CRON), {
    kind: 'run-end', outcome: 'success',
    job: { name: 'cronjob', trigger: "cron[second='*']", nextRunAt: '2026-11-26 21:05:11 CST' },
  });
  assert.deepEqual(parse(L.FAIL_SIMPLE), {
    kind: 'run-end', outcome: 'error',
    job: { name: 'simple', trigger: 'interval[0:00:01]', nextRunAt: '2026-11-26 21:05:11 CST' },
  });
  const def = MESSAGES.find((d) => d.samples.some((s) => s.endsWith('raised an exception')));
  assert.equal(def?.traceback, true);
});

test('real 3.9.1 messages parse to exact events', () => {
  assert.deepEqual(parse(L.RUN_CRON), {
    kind: 'run-start',
    job: { name: 'cronjob', trigger: "cron[second='*']", nextRunAt: '2026-11-26 21:05:11 CST' },
    scheduledAt: { at: micros('2026-11-26T13:05:10Z'), offsetMinutes: 480, text: '2026-11-26 21:05:10+08:00' },
  });
  assert.deepEqual(parse(L.MISSED), {
    kind: 'misfire',
    job: { name: 'late', trigger: 'date[2026-11-26 21:04:39 CST]', nextRunAt: '2026-11-26 21:04:39 CST' },
    lateMicros: 30_001_125,
  });
  assert.deepEqual(parse(L.SKIPPED), {
    kind: 'max-instances',
    job: { name: 'export_reports', trigger: 'interval[0:00:01]', nextRunAt: '2026-11-26 08:03:53 EST' },
    maxInstances: 1,
  });
  assert.deepEqual(parse(L.ADDED_CRON), { kind: 'job-added', name: 'cronjob', store: 'default' });
  assert.deepEqual(parse(L.REMOVED), { kind: 'job-removed', jobId: 'q' });
  assert.deepEqual(parse(L.NEXT_WAKEUP), { kind: 'next-wakeup', at: micros('2026-11-26T13:05:10.838766Z') });
  assert.deepEqual(parse(L.STARTED), { kind: 'scheduler-start' });
  assert.deepEqual(parse(L.SHUT_DOWN), { kind: 'scheduler-shutdown' });
  assert.deepEqual(parse(L.PAUSED), { kind: 'scheduler-paused' });
  assert.deepEqual(parse(L.RESUMED), { kind: 'scheduler-resumed' });
  assert.deepEqual(parse(L.TENTATIVE), { kind: 'job-added-tentatively' });
  assert.deepEqual(parse(L.LOOKING), { kind: 'looking-for-jobs' });
  assert.deepEqual(parse(L.NO_JOBS), { kind: 'no-jobs' });
});

test('job names with quotes, parentheses, ", " and "trigger:"', () => {
  assert.deepEqual(parse(L.RUN_QUOTED), {
    kind: 'run-start',
    job: { name: L.QUOTED_NAME, trigger: 'interval[0:00:01]', nextRunAt: '2026-11-26 21:05:11 CST' },
    scheduledAt: { at: micros('2026-11-26T13:05:10.838766Z'), offsetMinutes: 480, text: '2026-11-26 21:05:10.838766+08:00' },
  });
  assert.deepEqual(parse(L.OK_QUOTED), {
    kind: 'run-end', outcome: 'success',
    job: { name: L.QUOTED_NAME, trigger: 'interval[0:00:01]', nextRunAt: '2026-11-26 21:05:11 CST' },
  });
  assert.deepEqual(parse(L.ADDED_QUOTED), { kind: 'job-added', name: L.QUOTED_NAME, store: 'default' });
  assert.deepEqual(parseJobString(L.JOB_CRON_PARENS), {
    name: 'weekday (9:30)', trigger: "cron[day_of_week='mon-fri', hour='9', minute='30']", nextRunAt: '2026-11-26 09:30:00 CST',
  });
  // A name that itself looks like a whole job string
  assert.deepEqual(parseJobString('x (trigger: y, next run at: z) (trigger: interval[0:00:05], next run at: 2026-11-26 09:30:00 UTC)'), {
    name: 'x (trigger: y, next run at: z)', trigger: 'interval[0:00:05]', nextRunAt: '2026-11-26 09:30:00 UTC',
  });
});

test('triggers: interval of days, or[...], CalendarIntervalTrigger with nested parentheses', () => {
  assert.deepEqual(parseJobString(L.JOB_DAILY), { name: 'daily', trigger: 'interval[1 day, 0:00:00]', nextRunAt: '2026-11-27 07:06:19 CST' });
  assert.deepEqual(parseJobString(L.JOB_OR), { name: 'or', trigger: "or[cron[hour='1'], cron[hour='2']]", nextRunAt: '2026-11-27 01:00:00 UTC' });
  const calendar = parse(
    'Running job "f (trigger: CalendarIntervalTrigger(days=2, time=\'00:00:00+00:00\', start_date=\'2026-11-26\', timezone=\'datetime.timezone.utc\'), next run at: 2026-11-28 00:00:00 UTC)" (scheduled at 2026-11-26 00:00:00+00:00)',
  );
  assert.deepEqual(calendar, {
    kind: 'run-start',
    job: {
      name: 'f',
      trigger: "CalendarIntervalTrigger(days=2, time='00:00:00+00:00', start_date='2026-11-26', timezone='datetime.timezone.utc')",
      nextRunAt: '2026-11-28 00:00:00 UTC',
    },
    scheduledAt: { at: micros('2026-11-26T00:00:00Z'), offsetMinutes: 0, text: '2026-11-26 00:00:00+00:00' },
  });
});

test('pytz FixedOffset: empty zone name before the closing parenthesis', () => {
  assert.deepEqual(parse(L.RUN_FIXED), {
    kind: 'run-start',
    job: { name: 'fixed', trigger: 'interval[0:00:01]', nextRunAt: '2026-11-26 15:05:11 ' },
    scheduledAt: { at: micros('2026-11-26T13:05:10.841057Z'), offsetMinutes: 120, text: '2026-11-26 15:05:10.841057+02:00' },
  });
  assert.deepEqual(parseJobString('p (trigger: interval[1:00:00], next run at: 2024-07-01 12:00:00 )'), {
    name: 'p', trigger: 'interval[1:00:00]', nextRunAt: '2024-07-01 12:00:00 ',
  });
});

test('paused and pending jobs', () => {
  assert.deepEqual(parseJobString(L.JOB_PAUSED), { name: 'paused_one', trigger: 'interval[1:00:00]', paused: true });
  assert.deepEqual(parseJobString(L.JOB_PENDING), { name: 'pending', trigger: 'interval[1:00:00]' });
  assert.deepEqual(parse(`Run time of job "${L.JOB_PAUSED}" was missed by 0:00:02`), {
    kind: 'misfire', job: { name: 'paused_one', trigger: 'interval[1:00:00]', paused: true }, lateMicros: 2e6,
  });
});

test('not a job string', () => {
  assert.equal(parseJobString('no trigger here'), undefined);
  assert.equal(parseJobString('x (trigger: interval[0:00:01], next run at: 2026-11-26 09:30:00 UTC'), undefined);
  assert.equal(parseJobString('x (trigger: interval[0:00:01])'), undefined);
});

test('a message cut short or with a new ending does not parse', () => {
  assert.equal(parse('Running job "cronjob (trigger: cron[second=\'*\'], next run at: 2026-11-26 21:05:11 CST)"'), undefined);
  assert.equal(parse('Scheduler started with 3 jobs'), undefined);
  assert.equal(parse('Job "x (trigger: interval[0:00:01], next run at: 2026-11-26 09:30:00 UTC)" was cancelled'), undefined);
});

test('message starts are found inside a line, the earliest first', () => {
  const line = '2026-11-26 13:05:10,123 INFO apscheduler.executors.default: ' + L.RUN_CRON;
  const m = MESSAGE_START.exec(line);
  assert.equal(m?.[0], 'Running job "');
  assert.equal(m?.index, line.indexOf('Running job'));
});

test('findMessageStart finds what MESSAGE_START.exec finds: the place, and the longest start there', () => {
  const starts = MESSAGE_STARTS;
  const texts: string[] = [];
  for (const def of MESSAGES) for (const sample of def.samples) texts.push(sample, `2026-11-26 13:05:10,123 INFO apscheduler.x: ${sample}`, `x Job "${sample}`);
  // Starts inside other text, two in a line, and every start cut one character short.
  for (const a of starts) {
    texts.push(`noise ${a}`, `${a.slice(0, -1)} then ${a}`, a.slice(0, -1));
    for (const b of starts) texts.push(`${a}${b}`, `${b.slice(0, 3)}${a}`);
  }
  texts.push('', 'no message here', 'Running job', 'Job', 'job "lowercase"');
  let found = 0;
  for (const text of texts) {
    const m = MESSAGE_START.exec(text);
    const f = findMessageStart(text);
    assert.deepEqual(f, m ? { start: m[0], index: m.index } : undefined, text);
    if (f) found++;
  }
  assert.ok(found > texts.length / 2, `${found} of ${texts.length} hold a start`);
});

test('job strings built from pieces that look like the markers parse as the slice-by-slice reading did', () => {
  // The reading before positions replaced slices: the reference the fast one must match.
  const reference = (text: string) => {
    if (!text.endsWith(')')) return undefined;
    const t = text.lastIndexOf(' (trigger: ');
    if (t < 0) return undefined;
    const name = text.slice(0, t);
    const inner = text.slice(t + ' (trigger: '.length, -1);
    if (inner.endsWith(', paused')) return { name, trigger: inner.slice(0, -8), paused: true };
    if (inner.endsWith(', pending')) return { name, trigger: inner.slice(0, -9) };
    const n = inner.lastIndexOf(', next run at: ');
    if (n < 0) return undefined;
    return { name, trigger: inner.slice(0, n), nextRunAt: inner.slice(n + ', next run at: '.length) };
  };
  const pieces = ['j', ' (trigger: ', ', next run at: ', ', paused', ', pending', ')', '(', 'x y', ', ', 'interval[0:00:05]', ''];
  let state = 7;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) % pieces.length;
  let parsed = 0;
  for (let i = 0; i < 20000; i++) {
    let text = '';
    for (let k = 1 + (i % 7); k > 0; k--) text += pieces[next()];
    if (i % 3 === 0) text += ')';
    const want = reference(text);
    assert.deepEqual(parseJobString(text), want, JSON.stringify(text));
    if (want) parsed++;
  }
  assert.ok(parsed > 500, `${parsed} of the generated strings parse`);
});
