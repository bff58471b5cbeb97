// Strict by design: a misspelt rule or key that were silently ignored would make a CI gate
// quietly weaker. Every problem is one line that names the key and says what is allowed.

import { RULES, findRule } from '../analyzers';
import type { Severity } from '../model/finding';
import { UserError } from '../model/errors';
import { didYouMean } from '../model/did-you-mean';
import { zoneFromName } from '../readers/zone';
import { compileLogFormat } from '../readers/python-logging-format';
import { emptyConfig, type Config } from './config';

const TOP_KEYS = ['$schema', 'rules', 'jobs', 'logFormat', 'tz'];
const RULE_KEYS = ['severity', 'options'];
const JOB_KEYS = ['include', 'exclude'];
const SEVERITIES = ['error', 'warning', 'info', 'off'];

export function validateConfig(raw: unknown, path: string): Config {
  const fail = (message: string): never => {
    throw new UserError(`${path}: ${message}`);
  };
  const config = emptyConfig();
  config.path = path;
  if (!isObject(raw)) fail('must be a JSON object');
  const top = raw as Record<string, unknown>;
  for (const key of Object.keys(top)) if (!TOP_KEYS.includes(key)) fail(`unknown key '${key}'${didYouMean(key, TOP_KEYS)} (allowed: ${TOP_KEYS.join(', ')})`);

  if (top.rules !== undefined) {
    if (!isObject(top.rules)) fail("'rules' must be an object: rule id → severity, \"off\", or { \"severity\", \"options\" }");
    for (const [id, value] of Object.entries(top.rules as Record<string, unknown>)) {
      const rule = findRule(id);
      if (!rule) {
        const near = didYouMean(id, RULES.map((r) => r.id));
        fail(`unknown rule '${id}' in 'rules'${near || ` (known: ${RULES.map((r) => r.id).join(', ')})`}`);
      }
      const at = `rules.${id}`;
      const entry = typeof value === 'string' ? { severity: value } : value;
      if (!isObject(entry)) fail(`'${at}' must be a severity (${SEVERITIES.join(', ')}) or an object { "severity", "options" }`);
      const e = entry as Record<string, unknown>;
      for (const key of Object.keys(e)) if (!RULE_KEYS.includes(key)) fail(`unknown key '${at}.${key}' (allowed: ${RULE_KEYS.join(', ')})`);
      if (e.severity !== undefined) {
        if (typeof e.severity !== 'string' || !SEVERITIES.includes(e.severity)) fail(`'${at}' severity must be ${SEVERITIES.join(', ')} (got ${JSON.stringify(e.severity)})${typeof e.severity === 'string' ? didYouMean(e.severity, SEVERITIES) : ''}`);
        config.ruleSeverity[id] = e.severity as Severity | 'off';
      }
      const known = rule!.options ?? {};
      const options: Record<string, number> = Object.fromEntries(Object.entries(known).map(([k, v]) => [k, v.default]));
      if (e.options !== undefined) {
        if (!isObject(e.options)) fail(`'${at}.options' must be an object of numbers`);
        for (const [name, v] of Object.entries(e.options as Record<string, unknown>)) {
          const names = Object.keys(known);
          if (!(name in known)) fail(`unknown option '${at}.options.${name}' (${names.length ? `options of ${id}: ${names.join(', ')}` : `${id} has no options`})`);
          if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`'${at}.options.${name}' must be a number ≥ 0 (got ${JSON.stringify(v)})`);
          options[name] = v as number;
        }
      }
      if (Object.keys(options).length) config.ruleOptions[id] = options;
    }
  }

  if (top.jobs !== undefined) {
    if (!isObject(top.jobs)) fail("'jobs' must be an object { \"include\": [...], \"exclude\": [...] }");
    const jobs = top.jobs as Record<string, unknown>;
    for (const key of Object.keys(jobs)) if (!JOB_KEYS.includes(key)) fail(`unknown key 'jobs.${key}' (allowed: ${JOB_KEYS.join(', ')})`);
    for (const key of JOB_KEYS as ('include' | 'exclude')[]) {
      const list = jobs[key];
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || p === '')) fail(`'jobs.${key}' must be a list of job-name patterns (strings; * and ? are wildcards)`);
      config.jobs[key] = list as string[];
    }
  }

  for (const key of ['logFormat', 'tz'] as const) {
    const v = top[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v === '') fail(`'${key}' must be a non-empty string`);
    config[key] = v as string;
  }
  try {
    if (config.tz !== undefined) zoneFromName(config.tz);
    if (config.logFormat !== undefined) compileLogFormat(config.logFormat);
  } catch (err) {
    fail((err as Error).message.replace(/^--log-format/, 'logFormat'));
  }
  if (top.$schema !== undefined && typeof top.$schema !== 'string') fail("'$schema' must be a string");
  return config;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
