// Several reports from one run: `--format sarif --output results.sarif --format table` writes
// SARIF to the file and the table to the terminal. Each --output belongs to the --format before
// it; at most one format goes to standard output. With one of each, order does not matter.

import { UserError } from '../model/errors';

export interface Target {
  format: string;
  output?: string;
}

export type FlagUse = { flag: 'format' | 'output'; value: string };

export function pairTargets(uses: FlagUse[], defaultFormat = 'table'): Target[] {
  const formats = uses.filter((u) => u.flag === 'format');
  const outputs = uses.filter((u) => u.flag === 'output');
  if (formats.length <= 1 && outputs.length <= 1) return [{ format: formats[0]?.value ?? defaultFormat, output: outputs[0]?.value }];

  const targets: Target[] = [];
  for (const u of uses) {
    if (u.flag === 'format') targets.push({ format: u.value });
    else if (targets.length && targets[targets.length - 1].output === undefined) targets[targets.length - 1].output = u.value;
    else throw new UserError(`--output ${u.value} has no --format of its own before it (write --format X --output FILE for each report)`);
  }
  const toStdout = targets.filter((t) => t.output === undefined);
  if (toStdout.length > 1) throw new UserError(`${toStdout.map((t) => t.format).join(' and ')} would both go to standard output: give all but one an --output FILE after its --format`);
  const files = targets.map((t) => t.output).filter((o): o is string => o !== undefined);
  const twice = files.find((o, i) => files.indexOf(o) !== i);
  if (twice) throw new UserError(`--output ${twice} is given twice`);
  return targets;
}
