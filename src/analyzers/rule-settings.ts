// What the config file changes about a rule, applied the same way to log and store rules:
// its options filled in over the defaults, and its severity.

import type { Finding, Severity } from '../model/finding';
import type { RuleMeta } from './rule';

/** The rule's options: its defaults, with what the config sets on top. */
export function ruleOptions(rule: RuleMeta, configured: Record<string, Record<string, number>> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(rule.options ?? {})) out[k] = v.default;
  return { ...out, ...configured?.[rule.id] };
}

/** A finding at the severity the config gives its rule, if any. */
export function withSeverity(finding: Finding, severity: Severity | 'off' | undefined): Finding {
  return severity && severity !== 'off' ? { ...finding, severity } : finding;
}
