// Job-store records: one row of `apscheduler_jobs` (or an equivalent table), raw and decoded.

/** A decoded pickle value: plain JSON-like data, with Python types kept recognisable. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyValue[]
  | { [key: string]: PyValue }
  | PyObject
  | PyBytes
  | PySet
  | PyDictItems
  | PyGlobal
  | PyTzInfo
  | PyDateTime
  | PyDate
  | PyTime
  | PyTimedelta;

// Conventions of the pickle decoder (src/stores/pickle.ts):
// - int: `number` while it is a safe integer, `bigint` beyond 2**53; float: `number`.
// - tuple and list: arrays (Python's tuple/list distinction is not kept).
// - dict: a plain object when every key is a str (and none is `__class__`/`__global__`);
//   otherwise a PyDictItems.

/** An instance of a Python class that the decoder does not execute, only describes. */
export interface PyObject {
  __class__: string;
  /** Constructor arguments (REDUCE / NEWOBJ). */
  args?: PyValue[];
  /** Keyword constructor arguments (NEWOBJ_EX). */
  kwargs?: PyValue;
  /** BUILD state. */
  state?: PyValue;
  /** Items added by SETITEMS to an instance of a dict subclass (e.g. defaultdict). */
  items?: [PyValue, PyValue][];
  /** Items added by APPENDS to an instance of a list subclass. */
  listItems?: PyValue[];
}

/** bytes / bytearray. */
export interface PyBytes {
  __class__: 'builtins.bytes' | 'builtins.bytearray';
  base64: string;
}

/** set / frozenset, items in pickled order. */
export interface PySet {
  __class__: 'builtins.set' | 'builtins.frozenset';
  items: PyValue[];
}

/** A dict that cannot be a plain object: a non-str key, or a reserved key name. */
export interface PyDictItems {
  __class__: 'builtins.dict';
  items: [PyValue, PyValue][];
}

/** A reference to a class or function by name, e.g. a class pickled as a value. */
export interface PyGlobal {
  __global__: string;
}

/** A recognised time zone object. */
export interface PyTzInfo {
  __class__:
    | 'pytz.UTC'
    | 'pytz.DstTzInfo'
    | 'pytz.StaticTzInfo'
    | 'pytz.FixedOffset'
    | 'datetime.timezone'
    | 'zoneinfo.ZoneInfo'
    | 'pytz_deprecation_shim._impl._PytzShimTimezone';
  kind: 'utc' | 'pytz' | 'zoneinfo' | 'fixed';
  /** Python's str(tz): the IANA key, 'UTC', 'UTC+02:00', 'pytz.FixedOffset(120)'. */
  name: string;
  /**
   * The offset this object carries, when the pickle holds it (utc, fixed, and pytz DstTzInfo,
   * whose pickle is one localized offset; an unlocalized pytz zone carries its first, LMT, one).
   * null for zones whose offset depends on the date (zoneinfo, pytz StaticTzInfo by name).
   */
  utcoffsetSeconds: number | null;
  dstSeconds: number | null;
  /** Abbreviation carried by the object (pytz DstTzInfo, fixed and utc zones). */
  abbrev: string | null;
}

/** datetime.datetime */
export interface PyDateTime {
  __class__: 'datetime.datetime';
  /** Python's isoformat(): offset present when it can be determined. */
  iso: string;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  fold: number;
  /** The tzinfo: a PyTzInfo when recognised, another decoded value otherwise, null when naive. */
  tz: PyValue;
  utcoffsetSeconds: number | null;
  /** What strftime('%Z') prints (null: nothing). */
  tzname: string | null;
  /** Microseconds since the Unix epoch; null when naive or the offset is unknown. */
  epochMicros: number | null;
}

/** datetime.date */
export interface PyDate {
  __class__: 'datetime.date';
  iso: string;
  year: number;
  month: number;
  day: number;
}

/** datetime.time */
export interface PyTime {
  __class__: 'datetime.time';
  iso: string;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  fold: number;
  tz: PyValue;
  utcoffsetSeconds: number | null;
}

/** datetime.timedelta, normalised as Python keeps it. */
export interface PyTimedelta {
  __class__: 'datetime.timedelta';
  days: number;
  seconds: number;
  microseconds: number;
  totalMicros: number;
  /** Python's str(timedelta). */
  text: string;
}

export interface RawStoreRow {
  id: string;
  /** Epoch seconds as the store indexes it (the column, or Redis's run-times score); null: paused. May be -inf or out of range if corrupt. */
  nextRunTime: number | null;
  /** The pickle. Empty when the column was not a BLOB (see `invalid`) or was not kept. */
  jobState: Buffer;
  /**
   * Stores that keep the state and the due-time index apart (Redis: a hash and a sorted set):
   * where this id was found. A row only in the index has an empty `jobState`.
   */
  index?: { kind: 'redis'; inJobs: boolean; inRunTimes: boolean };
  /**
   * A datetime column's own text (django-apscheduler's `next_run_time`): what a guarded delete
   * compares and a restore writes back, so the round trip is exact whatever the float says.
   */
  nextRunTimeText?: string | null;
  /** Why the row cannot be an APScheduler job whatever its pickle (a NULL job_state, a -inf time). */
  invalid?: string;
}
