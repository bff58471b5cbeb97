// A rule's finish() must be repeatable: a live view asks for findings again and again while the
// log goes on. This wraps one rule so that, wherever the engine calls its finish(), it is called
// a second time on the same state, and both answers are kept (the first as text, taken before the
// second call, so a second call that changes the first's findings shows too).

import type { LogRule } from '../../src/analyzers/rule';

export interface FinishCalls { first: string; second: string; again: string }

export async function withRepeatedFinish<T>(rule: LogRule, run: () => Promise<T>): Promise<{ value: T; calls: FinishCalls[] }> {
  const create = rule.create;
  const calls: FinishCalls[] = [];
  rule.create = (context) => {
    const listener = create.call(rule, context);
    const finish = listener.finish.bind(listener);
    listener.finish = (end) => {
      const first = finish(end);
      const firstText = JSON.stringify(first);
      const second = finish(end);
      calls.push({ first: firstText, second: JSON.stringify(second), again: JSON.stringify(first) });
      return first;
    };
    return listener;
  };
  try {
    return { value: await run(), calls };
  } finally {
    rule.create = create;
  }
}
