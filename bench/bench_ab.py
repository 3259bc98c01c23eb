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
import json
import os
import subprocess
import sys

import numpy as np


def measure(python, script, framework, workload, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads), MINIKERAS_NUM_THREADS=str(threads))
    env.pop('OPENBLAS_CORETYPE', None)
    env.pop('OPENBLAS_L2_SIZE', None)
    cpus = ','.join(str(c) for c in sorted(os.sched_getaffinity(0))[:threads])
    out = subprocess.run(['taskset', '-c', cpus, python, script, '--worker', framework, workload, str(threads)],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    lines = [line for line in out.stdout.splitlines() if line.startswith('{')]
    if out.returncode != 0 or not lines:
        sys.stderr.write('%s (%s) failed:\n%s\n' % (framework, script, out.stderr[-2000:]))
        return None
    return json.loads(lines[-1])


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
                run = measure(python, side_script, framework, args.workload, threads)
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
