import type { Command } from 'commander';
import { RULES, findRule } from '../analyzers';
import { UserError } from '../model/errors';
import { explainText } from '../report/rule-help';
import { didYouMean } from '../model/did-you-mean';

export { explainText };

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
      if (!rule) throw new UserError(`unknown rule '${id}'${didYouMean(id, RULES.map((r) => r.id))} (see 'sched-doctor rules')`);
      process.stdout.write(explainText(rule) + '\n');
    });
}
