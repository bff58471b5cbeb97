// A safe decoder for Python pickles (protocols 0–5), written for APScheduler job stores.
//
// It never executes anything: classes and functions named in the pickle are only recorded by
// name, and a handful of well-known ones (datetime, time zones, bytes, sets…) are turned into
// readable values. The parts, by idea:
// - pickle-reader.ts: bytes, opcodes and scalar encodings;
// - pickle-machine.ts: the stack machine, which builds each value once (linear in the input);
// - pickle-classes.ts: the classes Python would call on load (datetime, bytes, copyreg…);
// - pickle-zones.ts: time zones, their offsets and abbreviations.

export { PickleError } from './pickle-reader';
export { decodePickle } from './pickle-machine';
export { formatTimedelta } from './pickle-classes';
export { isTz, zoneAbbreviation, zoneOffsetAt, zoneOffsetForWall } from './pickle-zones';
