// action.yml, run here as GitHub's runner runs a composite action: its YAML parsed, every `run`
// step executed with bash (GitHub's `bash --noprofile --norc -eo pipefail`), the inputs given as
// GitHub gives them (expressions in `env`, `if` and `with` evaluated), step outputs read back from
// $GITHUB_OUTPUT. `uses` steps are not run; what they would receive is checked instead.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const tmp = mkdtempSync(join(tmpdir(), 'sched-doctor-action-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Step {
  name: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

interface Context {
  inputs: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string> }>;
  failed: boolean;
}

/** The expressions this action uses; anything else fails the test rather than passing silently. */
function value(expr: string, ctx: Context): string | boolean {
  const e = expr.trim();
  let m: RegExpExecArray | null;
  if ((m = /^inputs\.([\w-]+)$/.exec(e))) {
    assert.ok(m[1] in action.inputs, `input ${m[1]} is declared`);
    return ctx.inputs[m[1]] ?? action.inputs[m[1]].default ?? '';
  }
  if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e))) return ctx.steps[m[1]]?.outputs[m[2]] ?? '';
  if (e === 'github.action_path') return ROOT;
  if (e === 'always()') return true;
  if ((m = /^'([^']*)'$/.exec(e))) return m[1];
  if (e.includes('&&')) return e.split('&&').every((part) => value(part, ctx) === true);
  if ((m = /^(.+?)\s*==\s*(.+)$/.exec(e))) return value(m[1], ctx) === value(m[2], ctx);
  throw new Error(`expression not understood by this test: ${e}`);
}

function interpolate(text: string, ctx: Context): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_m, expr: string) => String(value(expr, ctx)));
}

function shouldRun(step: Step, ctx: Context): boolean {
  if (step.if === undefined) return !ctx.failed; // success() by default
  const cond = step.if.replace(/^\$\{\{(.*)\}\}$/, '$1');
  return value(cond, ctx) === true;
}

interface Run {
  exitCode: number;
  stdout: string;
  uploads: Record<string, string>[];
  outputs: Record<string, string>;
}

function runAction(inputs: Record<string, string>, workspace: string): Run {
  for (const [name, def] of Object.entries(action.inputs)) if (def.required) assert.ok(inputs[name] !== undefined, `${name} is required`);
  const ctx: Context = { inputs, steps: {}, failed: false };
  const runnerTemp = mkdtempSync(join(tmp, 'runner-'));
  let stdout = '';
  let exitCode = 0;
  const uploads: Record<string, string>[] = [];
  for (const step of action.runs.steps) {
    if (!shouldRun(step, ctx)) continue;
    if (step.uses) {
      uploads.push(Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)])));
      continue;
    }
    assert.equal(step.shell, 'bash', `${step.name}: a composite run step names its shell`);
    const outputFile = join(runnerTemp, `output-${step.id ?? 'step'}`);
    writeFileSync(outputFile, '');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GITHUB_ACTIONS: 'true', CI: 'true',
      GITHUB_ACTION_PATH: ROOT, GITHUB_WORKSPACE: workspace, RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: outputFile,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = interpolate(String(v), ctx);
    const cwd = step['working-directory'] ? interpolate(step['working-directory'], ctx) : workspace;
    const res = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], { cwd, env, encoding: 'utf8' });
    stdout += res.stdout;
    if (step.id) {
      const outputs: Record<string, string> = {};
      for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
        const i = line.indexOf('=');
        if (i > 0) outputs[line.slice(0, i)] = line.slice(i + 1);
      }
      ctx.steps[step.id] = { outputs };
    }
    if (res.status !== 0) {
      ctx.failed = true;
      exitCode = res.status ?? 1;
    }
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([k, o]) => [k, interpolate(o.value, ctx)]));
  return { exitCode, stdout, uploads, outputs };
}

function workspaceWith(files: Record<string, string>): string {
  const ws = mkdtempSync(join(tmp, 'workspace-'));
  for (const [to, from] of Object.entries(files)) {
    mkdirSync(join(ws, to, '..'), { recursive: true });
    copyFileSync(from, join(ws, to));
  }
  return ws;
}

const fixture = (name: string) => join(ROOT, 'test', 'fixtures', name, 'app.log');

test('action.yml: a composite action with the inputs logs, fail-on and format', () => {
  assert.equal(action.runs.using, 'composite');
  assert.equal(action.inputs.logs.required, true);
  assert.equal(action.inputs['fail-on'].default, 'error');
  assert.ok('format' in action.inputs);
  const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
  assert.ok(upload, 'uploads SARIF with github/codeql-action/upload-sarif');
});

test('duplicate runs in the log: annotations, SARIF uploaded, and the job fails', () => {
  const ws = workspaceWith({ 'logs/app.log': fixture('seed') });
  const run = runAction({ logs: 'logs/*.log\n' }, ws);
  assert.equal(run.exitCode, 1);
  assert.equal(run.outputs['exit-code'], '1');
  assert.match(run.stdout, /^::error file=logs\/app\.log,line=\d+,title=sched-doctor duplicate-run \(job_1\)::/m);
  assert.equal(run.uploads.length, 1);
  assert.equal(run.uploads[0].category, 'sched-doctor');
  const sarif = JSON.parse(readFileSync(run.uploads[0].sarif_file, 'utf8'));
  assert.equal(sarif.version, '2.1.0');
  assert.ok(sarif.runs[0].results.some((r: { ruleId: string }) => r.ruleId === 'duplicate-run'));
  assert.equal(run.outputs['sarif-file'], run.uploads[0].sarif_file);
});

test('a healthy log passes; fail-on never passes the seed; upload-sarif false uploads nothing', () => {
  const healthy = runAction({ logs: 'healthy.log', format: 'table' }, workspaceWith({ 'healthy.log': fixture('healthy') }));
  assert.equal(healthy.exitCode, 0);
  assert.equal(healthy.uploads.length, 1);
  assert.deepEqual(JSON.parse(readFileSync(healthy.uploads[0].sarif_file, 'utf8')).runs[0].results.filter((r: { level: string }) => r.level === 'error'), []);
  const never = runAction({ logs: 'a.log', 'fail-on': 'never', 'upload-sarif': 'false' }, workspaceWith({ 'a.log': fixture('seed') }));
  assert.equal(never.exitCode, 0);
  assert.deepEqual(never.uploads, []);
});

test('several inputs, one per line, with spaces in a name; a missing file fails with exit 2 and nothing to upload', () => {
  const ws = workspaceWith({ 'web 1/app.log': fixture('seed'), 'web2.log': fixture('healthy') });
  const both = runAction({ logs: '  web 1/app.log  \nweb2.log\n\n', 'fail-on': 'never' }, ws);
  assert.equal(both.exitCode, 0);
  const sources = JSON.parse(readFileSync(both.uploads[0].sarif_file, 'utf8')).runs[0].results.flatMap((r: { locations?: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => (r.locations ?? []).map((l) => l.physicalLocation.artifactLocation.uri));
  assert.ok(sources.includes('web%201/app.log') || sources.includes('web 1/app.log'), sources.join(', '));
  const missing = runAction({ logs: 'nope.log' }, ws);
  assert.equal(missing.exitCode, 2);
  assert.deepEqual(missing.uploads, []);
  const empty = runAction({ logs: '\n' }, ws);
  assert.equal(empty.exitCode, 2);
  assert.match(empty.stdout, /::error title=sched-doctor::the logs input names no file/);
  assert.ok(existsSync(ROOT));
});
