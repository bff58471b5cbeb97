// JSON log shapes, as data (like the envelopes): the keys that identify each, where its fields
// sit, and sample lines it must read (test/readers/json-shapes.test.ts runs every sample).
// Checked in order, most specific first; a field a shape does not name is looked for under the
// generic names (the last entry), so a python-json-logger record renamed halfway to ECS still reads.

import { valueAt, type FieldName, type JsonObject } from './json-fields';

export interface JsonSample {
  line: string;
  /** What the record must give: `time` as ISO 8601 (`Z` for an instant; `naive` when the stamp has no zone). */
  expect: Partial<Record<FieldName, string>> & { naive?: boolean };
}

export interface JsonShape {
  name: string;
  /** The shape is this one when any of these keys is present … */
  anyOf: string[];
  /** … and every one of these. */
  allOf?: string[];
  /** … and none of these. */
  noneOf?: string[];
  /** Where each field may sit, first found wins. */
  paths: Partial<Record<FieldName, string[]>>;
  /**
   * The message is a line of the program's output (a Python text record, or a traceback line),
   * read as a text line with this record's fields around it, like an envelope — not the record's message.
   */
  stream?: boolean;
  /** A nested object that is the application's own record (Cloud Logging's `jsonPayload`). */
  inner?: string;
  samples: JsonSample[];
}

const RUN = 'Running job "job_1 (trigger: interval[0:00:02], next run at: 2026-11-26 13:05:12 UTC)" (scheduled at 2026-11-26 13:05:10.001085+00:00)';
const RUN_JSON = JSON.stringify(RUN).slice(1, -1);
const FAIL = 'Job "charge_cards (trigger: interval[0:00:02], next run at: 2026-11-26 13:05:12 UTC)" raised an exception';
const TB = 'Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/apscheduler/executors/base.py", line 125, in run_job\n    retval = job.func(*job.args, **job.kwargs)\n  File "/app/jobs.py", line 12, in charge_cards\n    raise PaymentGatewayError(\'gateway returned 502\')\njobs.PaymentGatewayError: gateway returned 502';

export const GENERIC: JsonShape = {
  name: 'python-json-logger',
  anyOf: ['message', 'msg'],
  paths: {
    message: ['message', 'msg'],
    time: ['asctime', 'timestamp', '@timestamp', 'time', 'created', 'ts'],
    level: ['levelname', 'level', 'log.level', 'severity', 'levelno'],
    logger: ['name', 'logger', 'log.logger', 'logger_name'],
    host: ['hostname', 'host', 'host.name', 'HOSTNAME', 'host.hostname'],
    pid: ['process', 'pid', 'process.pid'],
    thread: ['threadName', 'thread_name', 'process.thread.name', 'thread'],
    exception: ['exc_info', 'exc_text', 'exception', 'error.stack_trace', 'stack_trace', 'traceback'],
  },
  samples: [
    {
      line: `{"asctime": "2026-11-26 13:05:10,004", "levelname": "INFO", "name": "apscheduler.executors.default", "process": 3901, "threadName": "ThreadPoolExecutor-0_0", "message": "${RUN_JSON}", "hostname": "web-1"}`,
      expect: { message: RUN, time: '2026-11-26T13:05:10.004Z', naive: true, level: 'INFO', logger: 'apscheduler.executors.default', pid: '3901', thread: 'ThreadPoolExecutor-0_0', host: 'web-1' },
    },
    {
      // JsonFormatter(timestamp=True): an aware UTC instant; exc_info carries the traceback.
      line: `{"levelname": "ERROR", "name": "apscheduler.executors.default", "message": ${JSON.stringify(FAIL)}, "exc_info": ${JSON.stringify(TB)}, "timestamp": "2026-11-26T13:05:10.004113+00:00"}`,
      expect: { message: FAIL, time: '2026-11-26T13:05:10.004113Z', level: 'ERROR', logger: 'apscheduler.executors.default', exception: 'jobs.PaymentGatewayError: gateway returned 502' },
    },
  ],
};

export const JSON_SHAPES: JsonShape[] = [
  {
    // `journalctl -o json`: every value is a string; MESSAGE is an array of bytes when it is not
    // printable UTF-8 (colour codes). A service's stdout/stderr arrives one line per entry.
    name: 'journald',
    anyOf: ['__REALTIME_TIMESTAMP', '__CURSOR'],
    allOf: ['MESSAGE'],
    paths: {
      message: ['MESSAGE'],
      time: ['_SOURCE_REALTIME_TIMESTAMP', '__REALTIME_TIMESTAMP'],
      level: ['PRIORITY'],
      logger: ['LOGGER'],
      host: ['_HOSTNAME'],
      pid: ['_PID'],
      thread: ['THREAD_NAME'],
      exception: [],
    },
    stream: true,
    samples: [
      {
        line: `{"__CURSOR":"s=6c1e2f;i=1a2b;b=9f0e;m=75bcd15;t=6422b2a8c4f11;x=3c4d","__REALTIME_TIMESTAMP":"1795698310004113","__MONOTONIC_TIMESTAMP":"123456789","_BOOT_ID":"9f0e","PRIORITY":"6","SYSLOG_FACILITY":"3","_UID":"1000","_GID":"1000","_HOSTNAME":"web-1","_TRANSPORT":"stdout","SYSLOG_IDENTIFIER":"gunicorn","_PID":"3901","_COMM":"gunicorn","_SYSTEMD_UNIT":"app.service","MESSAGE":"INFO [ThreadPoolExecutor-0_0] apscheduler.executors.default: ${RUN_JSON}"}`,
        expect: { message: `INFO [ThreadPoolExecutor-0_0] apscheduler.executors.default: ${RUN}`, time: '2026-11-26T13:05:10.004113Z', level: 'INFO', host: 'web-1', pid: '3901' },
      },
      {
        // Older journalctl (systemd < 240) spaces its output.
        line: `{ "__CURSOR" : "s=6c1e2f;i=1a2c", "__REALTIME_TIMESTAMP" : "1795698309500000", "PRIORITY" : "3", "_HOSTNAME" : "web-2", "_PID" : "4120", "MESSAGE" : [27,91,51,49,109,69,82,82,79,82,27,91,48,109,32,97,112,115,99,104,101,100,117,108,101,114,46,115,99,104,101,100,117,108,101,114,58,32,83,99,104,101,100,117,108,101,114,32,115,116,97,114,116,101,100] }`,
        expect: { message: '\x1b[31mERROR\x1b[0m apscheduler.scheduler: Scheduler started', time: '2026-11-26T13:05:09.500Z', level: 'ERROR', host: 'web-2', pid: '4120' },
      },
    ],
  },
  {
    // Docker's json-file driver (`/var/lib/docker/containers/<id>/<id>-json.log`): one output line
    // per record, its newline kept.
    name: 'Docker json-file',
    anyOf: ['stream'],
    allOf: ['log', 'time'],
    paths: { message: ['log'], time: ['time'], level: [], logger: [], host: [], pid: [], thread: [], exception: [] },
    stream: true,
    samples: [
      {
        line: `{"log":"2026-11-26 13:05:10,004 [3901] INFO apscheduler.executors.default: ${RUN_JSON}\\n","stream":"stderr","time":"2026-11-26T13:05:10.004512345Z"}`,
        expect: { message: `2026-11-26 13:05:10,004 [3901] INFO apscheduler.executors.default: ${RUN}\n`, time: '2026-11-26T13:05:10.004512Z' },
      },
    ],
  },
  {
    // Cloud Logging LogEntry (a sink export, `gcloud logging read --format=json` items): the
    // application's JSON in jsonPayload, or its text line in textPayload.
    name: 'Cloud Logging',
    anyOf: ['textPayload', 'jsonPayload'],
    paths: {
      message: ['textPayload', 'jsonPayload.message'],
      time: ['timestamp'],
      level: ['severity'],
      logger: [],
      host: ['labels.instanceId', 'resource.labels.pod_name', 'resource.labels.instance_id'],
      pid: [],
      thread: [],
      exception: [],
    },
    stream: true,
    inner: 'jsonPayload',
    samples: [
      {
        line: `{"insertId":"65f1a2b3000c1d2e3f4a5b6c","jsonPayload":{"message":"${RUN_JSON}","name":"apscheduler.executors.default","process":1,"threadName":"ThreadPoolExecutor-0_0"},"resource":{"type":"cloud_run_revision","labels":{"service_name":"web","revision_name":"web-00042-abc","location":"europe-west1","project_id":"acme"}},"timestamp":"2026-11-26T13:05:10.004113Z","severity":"INFO","labels":{"instanceId":"00c61b117c5c2d4a9f0e"},"logName":"projects/acme/logs/run.googleapis.com%2Fstdout","receiveTimestamp":"2026-11-26T13:05:10.204Z"}`,
        expect: { message: RUN, time: '2026-11-26T13:05:10.004113Z', level: 'INFO', logger: 'apscheduler.executors.default', host: '00c61b117c5c2d4a9f0e', pid: '1', thread: 'ThreadPoolExecutor-0_0' },
      },
      {
        // GKE marks every stderr line ERROR: the level inside the line is the record's own.
        line: `{"textPayload":"2026-11-26 13:05:09,500 WARNING apscheduler.scheduler: Scheduler started\\n","insertId":"x1","resource":{"type":"k8s_container","labels":{"pod_name":"web-7d9c5-x2x4q","namespace_name":"default","container_name":"app","cluster_name":"prod","location":"europe-west1","project_id":"acme"}},"timestamp":"2026-11-26T13:05:09.500Z","severity":"ERROR"}`,
        expect: { message: '2026-11-26 13:05:09,500 WARNING apscheduler.scheduler: Scheduler started\n', time: '2026-11-26T13:05:09.500Z', level: 'ERROR', host: 'web-7d9c5-x2x4q' },
      },
    ],
  },
  {
    // Elastic Common Schema (ecs-logging-python): dotted keys and nested objects, mixed.
    name: 'ECS',
    anyOf: ['@timestamp', 'ecs.version'],
    paths: {
      message: ['message'],
      time: ['@timestamp'],
      level: ['log.level'],
      logger: ['log.logger'],
      host: ['host.name', 'host.hostname'],
      pid: ['process.pid'],
      thread: ['process.thread.name'],
      exception: ['error.stack_trace'],
    },
    samples: [
      {
        line: `{"@timestamp":"2026-11-26T13:05:10.004Z","log.level":"info","message":"${RUN_JSON}","ecs.version":"1.6.0","log":{"logger":"apscheduler.executors.default","origin":{"file":{"line":123,"name":"base.py"},"function":"run_job"}},"process":{"name":"MainProcess","pid":3901,"thread":{"id":140213,"name":"ThreadPoolExecutor-0_0"}},"host":{"name":"web-1"}}`,
        expect: { message: RUN, time: '2026-11-26T13:05:10.004Z', level: 'INFO', logger: 'apscheduler.executors.default', host: 'web-1', pid: '3901', thread: 'ThreadPoolExecutor-0_0' },
      },
      {
        line: `{"@timestamp":"2026-11-26T13:05:10.004Z","log.level":"error","message":${JSON.stringify(FAIL)},"log.logger":"apscheduler.executors.default","process.pid":3901,"host.name":"web-1","error":{"type":"PaymentGatewayError","message":"gateway returned 502","stack_trace":${JSON.stringify(TB)}}}`,
        expect: { message: FAIL, time: '2026-11-26T13:05:10.004Z', level: 'ERROR', logger: 'apscheduler.executors.default', host: 'web-1', pid: '3901', exception: 'jobs.PaymentGatewayError: gateway returned 502' },
      },
    ],
  },
  {
    // structlog's JSONRenderer (through ProcessorFormatter for the standard library's records).
    name: 'structlog',
    anyOf: ['event'],
    noneOf: ['message'],
    paths: {
      message: ['event'],
      time: ['timestamp'],
      level: ['level'],
      logger: ['logger', 'logger_name'],
      host: ['host', 'hostname'],
      pid: ['process', 'pid'],
      thread: ['thread_name', 'threadName'],
      exception: ['exception', 'exc_info'],
    },
    samples: [
      {
        line: `{"event": "${RUN_JSON}", "level": "info", "logger": "apscheduler.executors.default", "timestamp": "2026-11-26T13:05:10.004113Z", "host": "web-2", "process": 4120, "thread_name": "ThreadPoolExecutor-0_1"}`,
        expect: { message: RUN, time: '2026-11-26T13:05:10.004113Z', level: 'INFO', logger: 'apscheduler.executors.default', host: 'web-2', pid: '4120', thread: 'ThreadPoolExecutor-0_1' },
      },
      {
        line: `{"event": ${JSON.stringify(FAIL)}, "level": "error", "logger": "apscheduler.executors.default", "timestamp": "2026-11-26T13:05:10.004113Z", "exception": ${JSON.stringify(TB)}}`,
        expect: { message: FAIL, level: 'ERROR', exception: 'jobs.PaymentGatewayError: gateway returned 502' },
      },
    ],
  },
  GENERIC,
];

/** The shape of a record: the first whose identifying keys it has, else the generic names. */
export function detectShape(o: JsonObject): JsonShape {
  for (const shape of JSON_SHAPES) {
    if (!shape.anyOf.some((k) => has(o, k))) continue;
    if (shape.allOf && !shape.allOf.every((k) => has(o, k))) continue;
    if (shape.noneOf && shape.noneOf.some((k) => has(o, k))) continue;
    return shape;
  }
  return GENERIC;
}

function has(o: JsonObject, key: string): boolean {
  return key.includes('.') ? valueAt(o, key) !== undefined : o[key] !== undefined;
}
