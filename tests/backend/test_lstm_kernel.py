"""kernels/lstm.py's `_pipeline`: the order it promises and its errors, on one and two threads."""
import threading

import pytest

from minikeras.backend.kernels import lstm as lstm_kernels
from minikeras.backend.kernels import threads as kernel_threads


@pytest.fixture(params=[1, 2])
def threads(request):
    previous = kernel_threads.get_num_threads()
    kernel_threads.set_num_threads(request.param)
    yield request.param
    kernel_threads.set_num_threads(previous)


def _record(events, lock, name):
    def step(*key):
        with lock:
            events.append((name,) + key)
    return step


@pytest.mark.parametrize('share_consuming', [False, True])
def test_every_item_is_consumed_once_after_its_producer_and_the_preparation(threads, share_consuming):
    events, lock = [], threading.Lock()
    lstm_kernels._pipeline(_record(events, lock, 'produce'), _record(events, lock, 'consume'), 4, parts=3,
                           share_consuming=share_consuming, prepare=_record(events, lock, 'prepare'))
    consumed = [e[1:] for e in events if e[0] == 'consume']
    assert sorted(consumed) == [(k, part) for k in range(4) for part in range(3)]
    assert [e for e in events if e[0] == 'produce'] == [('produce', k) for k in range(4)]
    assert events.count(('prepare',)) == 1
    first_consume = min(i for i, e in enumerate(events) if e[0] == 'consume')
    assert events.index(('prepare',)) < first_consume
    for k in range(4):
        produced = events.index(('produce', k))
        assert all(events.index(('consume', k, part)) > produced for part in range(3))


@pytest.mark.parametrize('failing', ['prepare', 'produce', 'consume'])
def test_an_error_on_either_side_is_raised_once_both_stop(threads, failing):
    def fail_or(name, work=lambda *k: None):
        def step(*key):
            if name == failing and (not key or key[0] == 1):
                raise RuntimeError('%s failed' % name)
            work(*key)
        return step
    with pytest.raises(RuntimeError, match='%s failed' % failing):
        lstm_kernels._pipeline(fail_or('produce'), fail_or('consume'), 3, parts=2, share_consuming=True,
                               prepare=fail_or('prepare'))
