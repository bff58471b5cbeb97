// SARIF output checked against the SARIF 2.1.0 JSON schema, on every golden run.
//
// The schema file is the one Microsoft's SARIF SDK ships in the npm package
// @microsoft/jest-sarif (lib/schemas/sarif-2.1.0-rtm.5.json): the 2.1.0 schema (rtm.5 is the
// build the OASIS standard was published from) in JSON Schema draft-04 form, hence ajv-draft-04.
// Its `language` pattern is not a valid Unicode-mode regular expression (a known erratum), hence
// unicodeRegExp: false.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { RULES } from '../../src/analyzers';
import { buildReport } from '../../src/report/report';
import { renderSarif } from '../../src/report/sarif';
import { ROOT } from '../support/cli';
import { GOLDEN_RUNS, renderAll } from './scenarios';

const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

process.chdir(ROOT);

const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

test('the validator rejects what the schema forbids', () => {
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [] }] }), true);
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: {} }] }), false);
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] }), false);
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { region: { startLine: 0 } } }] }] }] }), false);
});

for (const run of GOLDEN_RUNS) {
  test(`SARIF is valid SARIF 2.1.0: ${run.name}`, async () => {
    const sarif = JSON.parse((await renderAll(run)).raw.sarif);
    assert.ok(validate(structuredClone(sarif)), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const r = sarif.runs[0];
    assert.deepEqual(r.tool.driver.rules.map((x: { id: string }) => x.id), RULES.map((x) => x.id), 'one rule per analyzer');
    for (const result of r.results) {
      assert.equal(r.tool.driver.rules[result.ruleIndex].id, result.ruleId);
      assert.match(result.partialFingerprints['schedDoctor/v1'], /^[0-9a-f]{16}$/);
    }
  });
}

test('SARIF rules carry the docs written beside each rule', async () => {
  const sarif = JSON.parse((await renderAll(GOLDEN_RUNS[0])).raw.sarif);
  for (const [i, rule] of RULES.entries()) {
    const d = sarif.runs[0].tool.driver.rules[i];
    assert.equal(d.shortDescription.text, rule.summary);
    assert.equal(d.fullDescription.text, rule.docs.what);
    for (const part of [rule.docs.why, rule.docs.detection, rule.docs.fix]) {
      assert.ok(d.help.text.includes(part.split('\n')[0]) && d.help.markdown.includes(part), `${rule.id} help lacks a section`);
    }
    assert.equal(d.defaultConfiguration.level, rule.severity === 'info' ? 'note' : rule.severity);
  }
});

test('SARIF locations: log lines relative to the working folder, store rows on the SQLite file and as logical locations', async () => {
  const seed = JSON.parse((await renderAll(GOLDEN_RUNS.find((r) => r.name === 'seed')!)).raw.sarif).runs[0];
  const loc = seed.results[0].locations[0].physicalLocation;
  assert.deepEqual(loc.artifactLocation, { uri: 'test/fixtures/seed/app.log', uriBaseId: 'SRCROOT' });
  assert.ok(loc.region.startLine >= 1);
  assert.match(seed.originalUriBaseIds.SRCROOT.uri, /^file:\/\/.*\/$/);

  const store = JSON.parse((await renderAll(GOLDEN_RUNS.find((r) => r.name === 'store')!)).raw.sarif).runs[0];
  assert.ok(store.results.length > 0);
  for (const result of store.results) {
    // GitHub shows a result only on a file: a store row points at the SQLite file in the working folder.
    assert.deepEqual(result.locations[0].physicalLocation, { artifactLocation: { uri: 'test/fixtures/stores/restarts.sqlite', uriBaseId: 'SRCROOT' }, region: { startLine: 1 } });
    const row = result.locations[0].logicalLocations.find((l: { kind: string }) => l.kind === 'object');
    assert.ok(row && row.fullyQualifiedName.startsWith('sqlite:///test/fixtures/stores/restarts.sqlite#'), JSON.stringify(result.locations));
  }

  const baseline = JSON.parse((await renderAll(GOLDEN_RUNS.find((r) => r.name === 'seed-reloader-baseline')!)).raw.sarif).runs[0];
  const states = baseline.results.map((r: { baselineState: string; properties: { job: string | null } }) => `${r.properties.job}:${r.baselineState}`);
  assert.ok(states.includes('job_1:unchanged') && states.includes('poll_feeds:new'), states.join());
});

test('SARIF: standard input, files outside the working folder, findings without evidence', () => {
  // Every result gets a physical location when a file in the working folder can stand for it.
  const finding = (source: string, line: number) => ({
    rule: 'job-error', severity: 'warning' as const, job: 'j', trigger: 'interval[0:00:01]', count: 1, message: 'm',
    evidence: [{ source, line, text: 'a line' }],
  });
  const report = buildReport({
    sources: [], jobs: [], pairing: { exact: 0, ambiguous: 0, unmatched: 0 },
    findings: [finding('-', 3), finding('/elsewhere/app log.txt', 4), { ...finding('x', 1), evidence: [] }, { ...finding('x', 1), job: null, evidence: [] }],
  });
  const sarif = JSON.parse(renderSarif(report, { cwd: '/work/project' }));
  assert.ok(validate(structuredClone(sarif)), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  const [stdin, outside, noEvidence, scheduler] = sarif.runs[0].results;
  // No file in the working folder to fall back on: the logical location and the line in words.
  assert.equal(stdin.locations[0].physicalLocation, undefined);
  assert.equal(stdin.locations[0].message.text, 'standard input, line 3: a line');
  assert.deepEqual(outside.locations[0].physicalLocation.artifactLocation, { uri: 'file:///elsewhere/app%20log.txt' });
  assert.equal(noEvidence.locations[0].logicalLocations[0].name, 'j');
  assert.equal(scheduler.locations, undefined);

  // --stdin-filename names the piped log; a config file in the working folder stands for results without a file.
  const withConfig = buildReport({ ...report, sources: [{ source: '-' } as never] }, { config: { file: 'sched-doctor.config.json' }, warnings: [{ kind: 'empty', source: 'b.log', message: 'b.log: empty (no lines)' }] });
  const named = JSON.parse(renderSarif(withConfig, { cwd: '/work/project', stdinName: 'logs/app.log' })).runs[0];
  assert.ok(validate(structuredClone({ version: '2.1.0', runs: [named] })), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  assert.deepEqual(named.results[0].locations[0].physicalLocation, { artifactLocation: { uri: 'logs/app.log', uriBaseId: 'SRCROOT' }, region: { startLine: 3, snippet: { text: 'a line' } } });
  assert.deepEqual(named.results[2].locations[0].physicalLocation.artifactLocation, { uri: 'sched-doctor.config.json', uriBaseId: 'SRCROOT' });
  assert.deepEqual(named.results[3].locations[0].physicalLocation.artifactLocation, { uri: 'sched-doctor.config.json', uriBaseId: 'SRCROOT' });
  assert.deepEqual(named.artifacts, [{ location: { uri: 'sched-doctor.config.json', uriBaseId: 'SRCROOT' }, roles: ['userSpecifiedConfiguration'] }]);
  assert.deepEqual(named.invocations[0].toolExecutionNotifications, [{ level: 'warning', message: { text: 'b.log: empty (no lines)' }, descriptor: { id: 'input/empty' } }]);
  assert.match(named.tool.driver.informationUri, /^https:\/\//);
  for (const rule of named.tool.driver.rules) assert.match(rule.helpUri, /^https:\/\//);
});
