"""Runs the Python that `sched-doctor recommend` printed in real APScheduler and compares the jobs
it makes with the jobs APScheduler itself reads from the job store (or from pickled job states).

Input on stdin, JSON: one request, or {"requests": [request, ...]} (one process for all: importing
APScheduler and SQLAlchemy is most of the time). A request:
  {"kind": "store", "url": "sqlite:////tmp/copy.sqlite", "table": "apscheduler_jobs", "snippet": "...",
   "main_from": "store_restarts"}   (optional: the module whose functions a `__main__:f` reference means)
  {"kind": "states", "cases": [{"name": "...", "blob": "<base64 pickle>", "paused": false, "snippet": "..."}]}

Output on stdout, JSON: {"apscheduler": version, "results": [{"name", "ok", "problems": [...],
"expected": n, "made": n, "ids": [...]}]}. The truth is APScheduler's own view (get_all_jobs, or
Job.__setstate__ on the pickle), never sched-doctor's decoder.

Copies of one job (duplicate-job: the same function, trigger, arguments under other ids; they differ
in the trigger's start date, the moment each was added) are one distinct job: the snippet must make
exactly one job per group, equal in every field to one of the copies.
"""

import base64
import datetime as dtm
import json
import pickle
import sys

import apscheduler
from apscheduler.job import Job


def tz_family(tz):
    """The zone library; tzlocal 4's shim is pytz's interface over zoneinfo, written back as pytz."""
    root = type(tz).__module__.split('.')[0]
    return 'pytz' if root == 'pytz_deprecation_shim' else root


def norm(value):
    """A comparable form that keeps the Python types apart (tuple/list, 1/1.0, zone library)."""
    if isinstance(value, dtm.datetime):
        tz = value.tzinfo
        return ['datetime', value.isoformat(), value.fold, tz_family(tz) if tz else None, str(tz) if tz else None]
    if isinstance(value, dtm.tzinfo):
        return ['tz', tz_family(value), str(value)]
    if isinstance(value, dict):
        return ['dict', [[norm(k), norm(v)] for k, v in value.items()]]
    if isinstance(value, (list, tuple)):
        return [type(value).__name__, [norm(v) for v in value]]
    if isinstance(value, float) and value != value:
        return ['float', 'nan']
    if hasattr(value, '__getstate__') and type(value).__module__.startswith('apscheduler.'):
        return trigger_norm(value)
    return [type(value).__name__, repr(value)]


def trigger_norm(trigger):
    state = trigger.__getstate__()
    if isinstance(state, tuple):  # 3.0.x slots form, re-pickled by a newer version: a dict then
        state = state[1]
    out = {}
    for key, value in state.items():
        if key == 'fields':
            out[key] = [[f.name, str(f), f.is_default] for f in value]
        elif key == 'triggers':  # and/or: ('module:Class', state) pairs
            out[key] = [[ref, {k: norm(v) for k, v in st.items()} if isinstance(st, dict) else norm(st)] for ref, st in value]
        else:
            out[key] = norm(value)
    return [type(trigger).__module__ + '.' + type(trigger).__name__, out]


def job_norm(job):
    return {
        'func': job.func_ref,
        'trigger': trigger_norm(job.trigger),
        'args': norm(tuple(job.args)),
        'kwargs': norm(dict(job.kwargs)),
        'name': job.name,
        'executor': job.executor,
        'misfire_grace_time': job.misfire_grace_time,
        'coalesce': job.coalesce,
        'max_instances': job.max_instances,
        'paused': job.next_run_time is None,
    }


def run_snippet(snippet):
    """Execute the snippet, count its add_job calls, start the scheduler paused, return its jobs."""
    calls = []
    from apscheduler.schedulers.base import BaseScheduler
    original = BaseScheduler.add_job

    def counting(self, *args, **kwargs):
        calls.append(kwargs.get('id'))
        return original(self, *args, **kwargs)

    BaseScheduler.add_job = counting
    try:
        namespace = {'__name__': 'recommended'}
        exec(compile(snippet, 'recommended.py', 'exec'), namespace)
    finally:
        BaseScheduler.add_job = original
    scheduler = namespace['scheduler']
    scheduler.start(paused=True)
    try:
        return calls, scheduler.get_jobs()
    finally:
        scheduler.shutdown(wait=False)


def compare(name, expected_jobs, snippet):
    problems = []
    try:
        calls, made = run_snippet(snippet)
    except Exception as exc:  # the snippet must run: any error is the finding
        return {'name': name, 'ok': False, 'problems': ['snippet raised %s: %s' % (type(exc).__name__, exc)], 'expected': 0, 'made': 0, 'ids': []}
    if len(set(calls)) != len(calls):
        problems.append('add_job ids are not unique: %r' % calls)
    groups = {}
    for job in expected_jobs:
        groups.setdefault(copy_key(job), []).append(job_norm(job))
    want = {key: [n for i, n in enumerate(members) if n not in members[:i]] for key, members in groups.items()}
    got = {}
    for job in made:
        got.setdefault(copy_key(job), []).append(job_norm(job))
    for key, members in want.items():
        mine = got.get(key, [])
        if len(mine) != 1:
            problems.append('%d jobs made for %s' % (len(mine), json.dumps(members[0], default=str)))
        elif mine[0] not in members:
            problems.append('not equal to a stored copy: made %s, stored %s' % (json.dumps(mine[0], default=str), json.dumps(members, default=str)))
    for key, mine in got.items():
        if key not in want:
            problems.append('made but not in the store: %s' % json.dumps(mine[0], default=str))
    return {'name': name, 'ok': not problems, 'problems': problems, 'expected': len(want), 'made': len(made), 'ids': [j.id for j in made]}


def copy_key(job):
    """What makes two rows copies of one job: all but the trigger's start date."""
    n = job_norm(job)
    kind, state = n['trigger']
    n['trigger'] = [kind, {k: v for k, v in state.items() if k != 'start_date'}]
    return json.dumps(n, sort_keys=True, default=str)


def from_store(request):
    if request.get('main_from'):
        # The app's own script defined these functions (`__main__:sync`): here, the same module.
        module = __import__(request['main_from'])
        main = sys.modules['__main__']
        for key, value in vars(module).items():
            if callable(value) and not key.startswith('_') and getattr(value, '__module__', None) == module.__name__:
                value.__module__ = '__main__'
                setattr(main, key, value)
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    store = SQLAlchemyJobStore(url=request['url'], tablename=request.get('table', 'apscheduler_jobs'))
    holder = BackgroundScheduler()
    store.start(holder, 'default')
    jobs = store.get_all_jobs()  # rows that do not restore are logged and dropped, as at start-up
    return [compare(request['url'], jobs, request['snippet'])]


def from_states(request):
    results = []
    for case in request['cases']:
        state = pickle.loads(base64.b64decode(case['blob']), encoding='latin1')  # protocols 0-2 as APScheduler's own vectors
        job = Job.__new__(Job)
        job.__setstate__(state)
        if case.get('paused'):
            job.next_run_time = None
        results.append(compare(case['name'], [job], case['snippet']))
    return results


def main():
    request = json.load(sys.stdin)
    results = []
    for r in request.get('requests', [request]):
        results.extend(from_store(r) if r['kind'] == 'store' else from_states(r))
    json.dump({'apscheduler': apscheduler.__version__ if hasattr(apscheduler, '__version__') else apscheduler.version, 'results': results}, sys.stdout)


if __name__ == '__main__':
    main()
