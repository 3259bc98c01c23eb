"""Data-parallel scaling: the W1 MLP (784-512-512-10, batch 128 per process, SGD)
trained under `mpirun -np 1` and `-np 2`, each process with one BLAS thread.

Prints, per process count, the median over fresh launches of the training rate
(global samples/s) and of the time one allreduce of the fused gradient buffer
takes (measured separately, same buffer size), and the bytes each process sends
per step. Needs the `[mpi]` extra.

Usage: python bench/bench_mpi.py [--steps N] [--repeats R] [--procs 1 2]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

SIZES = (784, 512, 512, 10)
BATCH = 128


def worker(steps):
    import minikeras.distribute as hvd
    from minikeras.layers import Dense
    from minikeras.models import Sequential
    from minikeras.optimizers import SGD
    hvd.init()
    model = Sequential([Dense(SIZES[1], activation='relu', input_shape=(SIZES[0],)),
                        Dense(SIZES[2], activation='relu'), Dense(SIZES[3], activation='softmax')])
    model.compile(hvd.DistributedOptimizer(SGD(lr=0.01)), 'categorical_crossentropy')
    rng = np.random.RandomState(hvd.rank())
    x = rng.rand(BATCH, SIZES[0]).astype('float32')
    y = np.eye(SIZES[-1], dtype='float32')[rng.randint(0, SIZES[-1], BATCH)]
    for _ in range(3):
        model.train_on_batch(x, y)
    hvd.barrier()
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(x, y)
    hvd.barrier()
    train_seconds = time.perf_counter() - start
    n_params = model.count_params()
    buffer = np.ones(n_params, dtype='float32')
    communicator = hvd.runtime.MeanCommunicator()
    for _ in range(3):
        communicator.mean(buffer)
    start = time.perf_counter()
    for _ in range(steps):
        communicator.mean(buffer)
    allreduce_seconds = (time.perf_counter() - start) / steps
    if hvd.rank() == 0:
        print(json.dumps({'procs': hvd.size(), 'samples_per_s': hvd.size() * BATCH * steps / train_seconds,
                          'allreduce_ms': 1000 * allreduce_seconds, 'bytes_per_step': buffer.nbytes,
                          'step_ms': 1000 * train_seconds / steps}))


def launch(procs, steps):
    mpirun = shutil.which('mpirun', path=os.path.dirname(sys.executable) + os.pathsep + os.environ['PATH'])
    if mpirun is None:
        sys.exit("mpirun not found: install the extra with pip install 'minikeras[mpi]'")
    env = dict(os.environ, OPENBLAS_NUM_THREADS='1', OMP_NUM_THREADS='1', MKL_NUM_THREADS='1',
               OMPI_ALLOW_RUN_AS_ROOT='1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM='1')
    out = subprocess.run([mpirun, '--oversubscribe', '-np', str(procs), sys.executable, os.path.abspath(__file__),
                          '--worker', '--steps', str(steps)], env=env, check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    return json.loads([line for line in out.splitlines() if line.startswith('{')][-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--steps', type=int, default=40)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--procs', type=int, nargs='+', default=[1, 2])
    parser.add_argument('--worker', action='store_true', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.steps)
    runs = {p: [] for p in args.procs}
    for _ in range(args.repeats):  # interleaved, so load changes hit every process count alike
        for procs in args.procs:
            runs[procs].append(launch(procs, args.steps))
    print('%-6s %14s %10s %14s %14s' % ('procs', 'samples/s', 'step ms', 'allreduce ms', 'bytes/step'))
    for procs in args.procs:
        med = {k: float(np.median([r[k] for r in runs[procs]])) for k in ('samples_per_s', 'step_ms', 'allreduce_ms')}
        print('%-6d %14.0f %10.2f %14.3f %14d' % (procs, med['samples_per_s'], med['step_ms'], med['allreduce_ms'],
                                                 runs[procs][0]['bytes_per_step']))


if __name__ == '__main__':
    main()
