// A rule's documentation rendered once for every place that shows it: `explain`, SARIF's rule
// help (text and Markdown). The words themselves live beside each rule in src/analyzers.

import type { Rule } from '../analyzers/rule';

export function explainText(rule: Rule): string {
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

export function explainMarkdown(rule: Rule): string {
  const d = rule.docs;
  const options = Object.entries(rule.options ?? {}).map(([k, v]) => `- \`${k}\` (default ${v.default}): ${v.description}`);
  return [
    `**${rule.id}** (${rule.severity}): ${rule.summary}`,
    '', '**What it means**', '', d.what,
    '', '**Why it matters**', '', d.why,
    '', '**How it is detected**', '', d.detection,
    '', '**Example**', '', '```text', d.example, '```',
    '', '**How to fix it**', '', d.fix,
    ...(options.length ? ['', '**Options** (config file, `rules.' + rule.id + '.options`)', '', ...options] : []),
  ].join('\n');
}

function indent(text: string): string {
  return text.split('\n').map((l) => '  ' + l).join('\n');
}
