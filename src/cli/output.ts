// Where a rendered report goes: stdout, or a file written atomically.

import { writeAtomically } from '../report/atomic-write';

export async function emit(text: string, output: string | undefined): Promise<void> {
  if (output) {
    await writeAtomically(output, text);
    return;
  }
  await new Promise<void>((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
}

export function useColor(output: string | undefined): boolean {
  return !output && process.stdout.isTTY === true && !process.env.NO_COLOR;
}
