// A trigger's text, as the log shows it, back to the add_job() arguments that make it.

const INTERVAL = /^interval\[(?:(\d+) days?, )?(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?\]$/;
const CRON = /^cron\[(.*)\]$/;
const DATE = /^date\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?: [^\]]*)?\]$/;

/** `interval[0:00:02]` → `'interval', seconds=2`; undefined when the text cannot be rebuilt. */
export function triggerArgs(trigger: string): string | undefined {
  const i = INTERVAL.exec(trigger);
  if (i) {
    const parts: string[] = [];
    const [days, hours, minutes] = [Number(i[1] ?? 0), Number(i[2]), Number(i[3])];
    const seconds = Number(i[4]) + (i[5] ? Number(`0.${i[5]}`) : 0);
    if (days) parts.push(`days=${days}`);
    if (hours) parts.push(`hours=${hours}`);
    if (minutes) parts.push(`minutes=${minutes}`);
    if (seconds || parts.length === 0) parts.push(`seconds=${seconds}`);
    return `'interval', ${parts.join(', ')}`;
  }
  const c = CRON.exec(trigger);
  if (c) {
    const fields = [...c[1].matchAll(/(\w+)='([^']*)'/g)].map((m) => `${m[1]}='${m[2]}'`);
    return fields.length ? `'cron', ${fields.join(', ')}` : undefined;
  }
  const d = DATE.exec(trigger);
  if (d) return `'date', run_date='${d[1]}'`;
  return undefined;
}
