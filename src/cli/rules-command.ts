import type { Command } from 'commander';
import { RULES, findRule } from '../analyzers';
import { UserError } from '../readers/errors';

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('list every rule with its id, default severity and summary')
    .action(() => {
      const width = Math.max(...RULES.map((r) => r.id.length));
      for (const r of RULES) process.stdout.write(`${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.summary}\n`);
    });
  program
    .command('explain')
    .description('explain a rule: what it means, why it matters, how it is detected, an example, the fix')
    .argument('<rule>', 'rule id, e.g. duplicate-run')
    .action((id: string) => {
      const rule = findRule(id);
      if (!rule) throw new UserError(`unknown rule '${id}' (see 'sched-doctor rules')`);
      process.stdout.write(explainText(rule) + '\n');
    });
}

export function explainText(rule: (typeof RULES)[number]): string {
  const d = rule.docs;
  const options = Object.entries(rule.options ?? {}).map(([k, v]) => `  ${k} (default ${v.default}): ${v.description}`);
  return [
    `${rule.id} (${rule.severity}): ${rule.summary}`,
    '', 'What it means', indent(d.what),
    '', 'Why it matters', indent(d.why),
    '', 'How it is detected', indent(d.detection),
    '', 'Example', indent(d.example),
    '', 'How to fix it', indent(d.fix),
    ...(options.length ? ['', 'Options (config file)', ...options] : []),
  ].join('\n');
}

function indent(text: string): string {
  return text.split('\n').map((l) => '  ' + l).join('\n');
}
