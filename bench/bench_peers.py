"""The four workloads of the performance issue, minikeras against its peers, in one run.

Workloads (float32, random data, Adam(lr=1e-3), training samples/s and
inference samples/s):
  mlp128   Dense 784-512-512-10 (relu, softmax), categorical crossentropy, batch 128
  cnn      Conv2D(32, 3x3, relu) - Conv2D(64, 3x3, relu) - MaxPool(2) - Dense(128, relu) -
           Dense(10, softmax) on 28x28x1, batch 128
  lstm     Embedding(20000, 128) - LSTM(128) - Dense(1, sigmoid), sequences of 80, batch 32
  mlp16    the mlp128 network at batch 16 (per-step overhead)

Every measurement runs in a fresh process pinned with `taskset` to the first N
cores (N = 1 and 2 by default), with BLAS/OpenMP pools of N threads; one epoch
is a warm-up, the next ones are timed. Frameworks whose interpreter is given
(`--torch`, `--tfkeras`, `--jax`: python executables of scratch venvs holding
PyTorch, tf-keras or Keras 3 with JAX; never minikeras dependencies) are
measured interleaved with minikeras, then the medians over `--repeats` runs are
printed with each minikeras figure as a ratio to the best peer, together with
numpy's float32 GEMM rate (2048^3) measured the same way. For the MLP workloads the
`numpy` column is the same network and Adam written directly in numpy
(`numpy_floor.py`): what a numpy-only engine with no overhead of its own would reach;
it is not counted as a peer, and the last column gives minikeras' share of it.

Usage:
  python bench/bench_peers.py [--threads 1 2] [--repeats 3] [--torch PY] [--tfkeras PY] [--jax PY]
"""
import argparse
import json
import os
import subprocess
import sys
import time

WORKLOADS = ('mlp128', 'cnn', 'lstm', 'mlp16')
SAMPLES = {'mlp128': 128 * 40, 'cnn': 128 * 6, 'lstm': 32 * 12, 'mlp16': 16 * 200}
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _data(workload, np):
    rng = np.random.RandomState(0)
    n = SAMPLES[workload]
    if workload in ('mlp128', 'mlp16'):
        return rng.rand(n, 784).astype('float32'), np.eye(10, dtype='float32')[rng.randint(0, 10, n)]
    if workload == 'cnn':
        return rng.rand(n, 28, 28, 1).astype('float32'), np.eye(10, dtype='float32')[rng.randint(0, 10, n)]
    return rng.randint(1, 20000, (n, 80)).astype('int32'), rng.randint(0, 2, (n, 1)).astype('float32')


def _batch(workload):
    return {'mlp128': 128, 'cnn': 128, 'lstm': 32, 'mlp16': 16}[workload]


def _keras_model(layers, workload):
    """The workload's model in any Keras-2-like API (`layers` is the module)."""
    if workload in ('mlp128', 'mlp16'):
        seq = [layers.Dense(512, activation='relu', input_shape=(784,)), layers.Dense(512, activation='relu'),
               layers.Dense(10, activation='softmax')]
    elif workload == 'cnn':
        seq = [layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)),
               layers.Conv2D(64, (3, 3), activation='relu'), layers.MaxPooling2D((2, 2)), layers.Flatten(),
               layers.Dense(128, activation='relu'), layers.Dense(10, activation='softmax')]
    else:
        try:
            embedding = [layers.Embedding(20000, 128, input_length=80)]
        except TypeError:  # Keras 3 has no input_length
            embedding = [layers.Input(shape=(80,), dtype='int32'), layers.Embedding(20000, 128)]
        seq = embedding + [layers.LSTM(128), layers.Dense(1, activation='sigmoid')]
    return seq


def _time_keras(models, layers, optimizers, workload, np):
    x, y = _data(workload, np)
    model = models.Sequential(_keras_model(layers, workload))
    loss = 'binary_crossentropy' if workload == 'lstm' else 'categorical_crossentropy'
    model.compile(optimizers.Adam(learning_rate=1e-3), loss)
    b = _batch(workload)
    model.fit(x, y, batch_size=b, epochs=1, verbose=0, shuffle=False)
    start = time.perf_counter()
    model.fit(x, y, batch_size=b, epochs=2, verbose=0, shuffle=False)
    train = 2 * len(x) / (time.perf_counter() - start)
    model.predict(x, batch_size=b, verbose=0)
    start = time.perf_counter()
    model.predict(x, batch_size=b, verbose=0)
    return train, len(x) / (time.perf_counter() - start)


def _time_batches(train_step, predict, x, y, b):
    """Training and inference samples/s of a hand-written batch loop: one epoch of
    `train_step(x_batch, y_batch)` as warm-up, two timed; then `predict(x_batch)` over
    the data once as warm-up and once timed."""
    def epoch():
        for i in range(0, len(x), b):
            train_step(x[i:i + b], y[i:i + b])
    epoch()
    start = time.perf_counter()
    epoch()
    epoch()
    train = 2 * len(x) / (time.perf_counter() - start)
    for _ in range(2):
        start = time.perf_counter()
        for i in range(0, len(x), b):
            predict(x[i:i + b])
    return train, len(x) / (time.perf_counter() - start)


def worker_minikeras(workload, threads):
    sys.path.insert(0, REPO)
    import numpy as np
    from minikeras import backend as K
    from minikeras import layers, models, optimizers
    K.set_num_threads(threads)
    return _time_keras(models, layers, optimizers, workload, np)


def worker_tfkeras(workload, threads):
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
    import numpy as np
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    import tf_keras
    return _time_keras(tf_keras.models, tf_keras.layers, tf_keras.optimizers, workload, np)


def worker_jax(workload, threads):
    os.environ['KERAS_BACKEND'] = 'jax'
    import numpy as np
    import keras
    return _time_keras(keras.models, keras.layers, keras.optimizers, workload, np)


def worker_torch(workload, threads):
    import numpy as np
    import torch
    from torch import nn
    torch.set_num_threads(threads)
    x_np, y_np = _data(workload, np)
    if workload in ('mlp128', 'mlp16'):
        model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
        loss_fn, x, y = nn.CrossEntropyLoss(), torch.from_numpy(x_np), torch.from_numpy(y_np.argmax(1))
    elif workload == 'cnn':
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(12 * 12 * 64, 128), nn.ReLU(), nn.Linear(128, 10))
        loss_fn = nn.CrossEntropyLoss()
        x, y = torch.from_numpy(x_np.transpose(0, 3, 1, 2).copy()), torch.from_numpy(y_np.argmax(1))
    else:
        class LSTMNet(nn.Module):
            def __init__(self):
                super().__init__()
                self.embed, self.lstm, self.out = nn.Embedding(20000, 128), nn.LSTM(128, 128, batch_first=True), \
                    nn.Linear(128, 1)

            def forward(self, t):
                return self.out(self.lstm(self.embed(t))[0][:, -1])
        model, loss_fn = LSTMNet(), nn.BCEWithLogitsLoss()
        x, y = torch.from_numpy(x_np.astype('int64')), torch.from_numpy(y_np)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train_step(xb, yb):
        optimizer.zero_grad()
        loss_fn(model(xb), yb).backward()
        optimizer.step()

    def predict(xb):
        with torch.no_grad():
            model(xb)
    return _time_batches(train_step, predict, x, y, _batch(workload))


def worker_numpy(workload, threads):
    os.environ.setdefault('OPENBLAS_THREAD_TIMEOUT', '18')  # as minikeras sets it (docs/backend.md, Threads)
    import numpy as np
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from numpy_floor import NumpyMLP
    x, y = _data(workload, np)
    model = NumpyMLP(threads)
    return _time_batches(model.train_on_batch, model.predict, x, y, _batch(workload))


def worker_gemm(workload, threads):
    import numpy as np
    sys.path.insert(0, REPO)
    from minikeras import backend as K
    K.set_num_threads(threads)
    a = np.random.rand(2048, 2048).astype('float32')
    np.matmul(a, a)
    best = min(_timed(lambda: np.matmul(a, a)) for _ in range(5))
    return 2.0 * 2048 ** 3 / best / 1e9, 0.0


def _timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


WORKERS = {'minikeras': worker_minikeras, 'torch': worker_torch, 'tfkeras': worker_tfkeras, 'jax': worker_jax,
           'numpy': worker_numpy, 'gemm': worker_gemm}
FLOOR_WORKLOADS = ('mlp128', 'mlp16')  # the workloads numpy_floor.py implements


def run_one(python, framework, workload, threads, timeout, script=None):
    """One measurement in a fresh process pinned to the first `threads` cores:
    `script` (default: this file, of this checkout) run as `--worker`; returns
    its {'train', 'infer'} samples/s, or None when it failed or timed out."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads), MINIKERAS_NUM_THREADS=str(threads))
    env.pop('OPENBLAS_CORETYPE', None)  # an old-CPU workaround that slows a current numpy (see env notes)
    env.pop('OPENBLAS_L2_SIZE', None)
    cpus = ','.join(str(c) for c in sorted(os.sched_getaffinity(0))[:threads])
    cmd = ['taskset', '-c', cpus, python, script or os.path.abspath(__file__), '--worker', framework, workload,
           str(threads)]
    try:
        out = subprocess.run(cmd, env=env, timeout=timeout, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True)
    except subprocess.TimeoutExpired:
        return None
    lines = [line for line in out.stdout.splitlines() if line.startswith('{')]
    if out.returncode != 0 or not lines:
        sys.stderr.write('%s %s failed:\n%s\n' % (framework, workload, out.stderr[-2000:]))
        return None
    return json.loads(lines[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--workloads', nargs='+', default=list(WORKLOADS), choices=WORKLOADS)
    parser.add_argument('--torch', help='python of a venv with PyTorch')
    parser.add_argument('--tfkeras', help='python of a venv with tf-keras')
    parser.add_argument('--jax', help='python of a venv with Keras 3 and JAX')
    parser.add_argument('--no-floor', action='store_true', help='skip the hand-written numpy MLP (numpy_floor.py)')
    parser.add_argument('--timeout', type=float, default=600)
    parser.add_argument('--json', help='write every measurement here')
    parser.add_argument('--worker', nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        framework, workload, threads = args.worker
        train, infer = WORKERS[framework](workload, int(threads))
        print(json.dumps({'train': train, 'infer': infer}))
        return
    import numpy as np
    pythons = {'minikeras': sys.executable}
    pythons.update({name: path for name, path in (('torch', args.torch), ('tfkeras', args.tfkeras),
                                                  ('jax', args.jax)) if path})
    if not args.no_floor:
        pythons['numpy'] = sys.executable
    results = {}
    for _ in range(args.repeats):
        for threads in args.threads:
            run = run_one(sys.executable, 'gemm', 'gemm', threads, args.timeout)
            if run:
                results.setdefault(('gemm', 'gemm', threads), []).append(run)
            for workload in args.workloads:
                for framework, python in pythons.items():
                    if framework == 'numpy' and workload not in FLOOR_WORKLOADS:
                        continue
                    run = run_one(python, framework, workload, threads, args.timeout)
                    if run:
                        results.setdefault((framework, workload, threads), []).append(run)
    medians = {key: {k: float(np.median([r[k] for r in runs])) for k in ('train', 'infer')}
               for key, runs in results.items()}
    peers = [p for p in pythons if p not in ('minikeras', 'numpy')]
    columns = peers + [p for p in pythons if p == 'numpy']
    for threads in args.threads:
        gemm = medians.get(('gemm', 'gemm', threads), {}).get('train')
        print('\n%d thread(s); numpy float32 GEMM %s GFLOP/s' % (threads, '%.0f' % gemm if gemm else '?'))
        print('%-8s %-6s %11s %s %14s %9s' % ('workload', 'phase', 'minikeras', ' '.join('%11s' % p for p in columns),
                                              'vs best peer', 'of numpy'))
        for workload in args.workloads:
            for phase in ('train', 'infer'):
                mine = medians.get(('minikeras', workload, threads), {}).get(phase)
                theirs = [medians.get((p, workload, threads), {}).get(phase) for p in columns]
                known = [(v, p) for v, p in zip(theirs, columns) if v and p != 'numpy']
                best = max(known) if known else None
                floor = medians.get(('numpy', workload, threads), {}).get(phase)
                ratio = '%.2fx (%s)' % (mine / best[0], best[1]) if mine and best else ''
                print('%-8s %-6s %11s %s %14s %9s' % (workload, phase, '%.0f' % mine if mine else '-',
                                                      ' '.join('%11s' % ('%.0f' % v if v else '-') for v in theirs),
                                                      ratio, '%.2fx' % (mine / floor) if mine and floor else ''))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump([{'framework': k[0], 'workload': k[1], 'threads': k[2], 'runs': v}
                       for k, v in results.items()], f, indent=1)


if __name__ == '__main__':
    main()
