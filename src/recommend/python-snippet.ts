// Recommendations as Python to paste: the scheduler's job_defaults and one line per job, each
// commented with its reason.

import type { Recommendation } from './recommendation';
import { triggerArgs } from './trigger-args';

const IDENTIFIER = /^[A-Za-z_]\w*$/;

export function pythonSnippet(recs: Recommendation[], sources: string[]): string {
  const lines: string[] = [`# sched-doctor recommendations (from ${sources.join(', ') || 'the job store'})`];
  if (recs.length === 0) {
    lines.push('# No change recommended: no duplicate, overlapping, replayed or missed runs were found.');
    return lines.join('\n') + '\n';
  }
  const deployment = recs.find((r) => r.setting === 'deployment');
  if (deployment) {
    lines.push('#', `# FIRST, THE DEPLOYMENT: ${deployment.recommended}.`, ...wrap(deployment.reason, '#   '));
    lines.push('#   No setting below stops another scheduler from running the same jobs.');
  }
  const jobRecs = recs.filter((r) => r.job !== null && r.setting !== 'deployment');
  const defaults = new Map<string, { value: string; why: string }>();
  for (const r of jobRecs) {
    if (r.setting === 'coalesce') defaults.set('coalesce', { value: 'True', why: `${r.job}: ${short(r.reason)}` });
    if (r.setting === 'max_instances' && r.recommended === '1') defaults.set('max_instances', { value: '1', why: `${r.job}: ${short(r.reason)}` });
    if (r.setting === 'misfire_grace_time') {
      const prev = defaults.get('misfire_grace_time');
      if (!prev || Number(r.recommended) > Number(prev.value)) defaults.set('misfire_grace_time', { value: r.recommended, why: `${r.job}: ${short(r.reason)}` });
    }
  }
  lines.push('', 'from apscheduler.schedulers.background import BackgroundScheduler', '');
  lines.push('job_defaults = {');
  for (const [k, v] of defaults) lines.push(`    '${k}': ${v.value},  # ${v.why}`);
  lines.push('}', 'scheduler = BackgroundScheduler(job_defaults=job_defaults)');

  const perJob = new Map<string, Recommendation[]>();
  for (const r of jobRecs) {
    const key = `${r.job}\u0000${r.trigger ?? ''}`;
    perJob.set(key, [...(perJob.get(key) ?? []), r]);
  }
  for (const list of perJob.values()) {
    const first = list[0];
    lines.push('');
    for (const r of list) lines.push(...wrap(`${first.job} — ${r.setting} = ${r.recommended}: ${r.reason}`, '# '));
    for (const r of list) if (r.question) lines.push(...wrap(`QUESTION: ${r.question}`, '# '));
    const kwargs: string[] = [];
    for (const r of list) {
      if (r.setting === 'max_instances' || r.setting === 'misfire_grace_time' || r.setting === 'coalesce') kwargs.push(`${r.setting}=${r.recommended}`);
    }
    const interval = list.find((r) => r.setting === 'interval');
    if (interval) lines.push(`# interval: choose one ${interval.recommended} in the trigger below`);
    const dup = list.find((r) => r.setting === 'replace_existing');
    const id = dup ? /id='([^']+)'/.exec(dup.recommended)?.[1] : first.id ?? (IDENTIFIER.test(first.job!) ? first.job! : undefined);
    const args = first.trigger ? triggerArgs(first.trigger) : undefined;
    if (first.id && !dup && kwargs.length) {
      lines.push(`scheduler.modify_job('${first.id}', ${kwargs.join(', ')})`);
      continue;
    }
    const func = dup?.evidence.func ? `'${dup.evidence.func}'` : IDENTIFIER.test(first.job!) ? first.job! : undefined;
    const call = `scheduler.add_job(${func ?? 'YOUR_FUNCTION'}, ${args ?? 'TRIGGER'}, id='${id ?? 'YOUR_JOB_ID'}', replace_existing=True${kwargs.length ? ', ' + kwargs.join(', ') : ''})`;
    if (!func || !args || !id) lines.push('# fill in the placeholders:', `# ${call}`);
    else lines.push(call);
    if (dup) lines.push(`# then remove the extra rows: sched-doctor clean --db … (ids ${(dup.evidence.ids as string[]).join(', ')})`);
  }
  return lines.join('\n') + '\n';
}

function short(text: string): string {
  const s = text.split(/[;:(]/)[0].trim();
  return s.length > 80 ? s.slice(0, 79) + '…' : s;
}

function wrap(text: string, prefix: string, width = 100): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && prefix.length + line.length + 1 + word.length > width) {
      out.push(prefix + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(prefix + line);
  return out;
}
