"""Interleaved A/B of two minikeras checkouts on one bench_peers.py workload, peers optional.

On a shared machine timings drift by several times within minutes, so "old" and
"new" must be measured alternately in the same run. Each measurement is a fresh
process running `bench_peers.py --worker` of the checkout under test (pinned to
the first N cores, BLAS/OpenMP pools of N threads, as bench_peers.py does);
`--tfkeras` / `--torch` / `--jax` add peers to every round. Medians per
(side, threads) are printed at the end.

Usage::

    python bench/bench_ab.py --old /path/to/main --new . --workload cnn --threads 1 2 --repeats 3 \\
        [--tfkeras PY] [--torch PY] [--jax PY]
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_peers import run_one  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--old', required=True, help='checkout of the baseline')
    parser.add_argument('--new', default='.', help='checkout under test (default: this one)')
    parser.add_argument('--workload', default='cnn')
    parser.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--tfkeras', help='python of a venv with tf-keras')
    parser.add_argument('--torch', help='python of a venv with PyTorch')
    parser.add_argument('--jax', help='python of a venv with Keras 3 and JAX')
    parser.add_argument('--timeout', type=float, default=600, help='seconds per measurement')
    args = parser.parse_args()
    script = os.path.join(os.path.abspath(args.new), 'bench', 'bench_peers.py')
    sides = [('old', sys.executable, os.path.join(os.path.abspath(args.old), 'bench', 'bench_peers.py'),
              'minikeras'), ('new', sys.executable, script, 'minikeras')]
    sides += [(name, python, script, name) for name, python in
              (('tfkeras', args.tfkeras), ('torch', args.torch), ('jax', args.jax)) if python]
    results = {}
    for repeat in range(args.repeats):
        for threads in args.threads:
            for name, python, side_script, framework in sides:
                run = run_one(python, framework, args.workload, threads, args.timeout, script=side_script)
                if run:
                    results.setdefault((name, threads), []).append(run)
                    print('round %d, %d thread(s), %-8s train %8.0f  infer %8.0f'
                          % (repeat, threads, name, run['train'], run['infer']), flush=True)
    print('\n%s, samples/s, medians' % args.workload)
    for threads in args.threads:
        for name, *_ in sides:
            runs = results.get((name, threads), [])
            if runs:
                print('%d thread(s) %-8s train %8.0f  infer %8.0f  (%d runs)'
                      % (threads, name, np.median([r['train'] for r in runs]),
                         np.median([r['infer'] for r in runs]), len(runs)))


if __name__ == '__main__':
    main()
