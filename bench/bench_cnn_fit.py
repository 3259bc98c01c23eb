"""Trains the issue-7 CNN through `Sequential.fit` and reports samples/s, the
fraction of the GEMM ceiling and the peak RSS.

Network (channels_last, float32, batch 128, random data)::

    28x28x1 -> Conv2D(32, 3x3, relu) -> Conv2D(64, 3x3, relu) -> MaxPooling2D(2)
            -> Flatten -> Dense(128, relu) -> Dense(10, softmax)

One training step costs ~72 MFLOP per sample (3x the forward multiply-adds:
forward, gradient w.r.t. the inputs and w.r.t. the weights). The script
measures numpy's float32 GEMM rate (2048^3) in the same process and reports
the training rate as a fraction of the GEMM-bound ceiling `GEMM rate / 72 MFLOP`.
Step times come from a callback (`on_batch_begin`/`on_batch_end`); the first
epoch is a warm-up and the median step of the later epochs is reported.

The same script builds the same network with any Keras-2-API module, so it
can time a reference framework installed in a scratch environment (never a
dependency of minikeras), e.g. tf_keras::

    python bench/bench_cnn_fit.py                               # one minikeras run
    python bench/bench_cnn_fit.py --repeats 3                   # medians over 3 fresh processes
    python bench/bench_cnn_fit.py --repeats 3 --reference-python /tmp/tfk/bin/python
    python bench/bench_cnn_fit.py --framework tf_keras          # run under the scratch python

Output lines starting with `RESULT` are machine-readable JSON.
"""
from __future__ import print_function

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

from bench_common import cnn_forward_flops_per_sample, gemm_gflops


def import_framework(name):
    """(models module, layers module, callbacks module, optimizers module) of a Keras-2-API framework."""
    if name == 'minikeras':
        from minikeras import callbacks, layers, models, optimizers
        return models, layers, callbacks, optimizers
    if name == 'tf_keras':
        os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(2)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        from tf_keras import callbacks, layers, models, optimizers
        return models, layers, callbacks, optimizers
    raise ValueError('unknown --framework %r (minikeras or tf_keras)' % name)


def build(models, layers, optimizers, optimizer):
    model = models.Sequential()
    model.add(layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))
    model.add(layers.Conv2D(64, (3, 3), activation='relu'))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Flatten())
    model.add(layers.Dense(128, activation='relu'))
    model.add(layers.Dense(10, activation='softmax'))
    opt = optimizers.SGD(0.01) if optimizer == 'sgd' else optimizer
    model.compile(optimizer=opt, loss='categorical_crossentropy')
    return model


def run_once(args):
    """Runs the benchmark in this process; returns a dict of results."""
    models, layers, callbacks, optimizers = import_framework(args.framework)
    rate = gemm_gflops()
    rng = np.random.RandomState(0)
    n = args.batch * args.batches
    x = rng.rand(n, 28, 28, 1).astype('float32')
    y = np.eye(10, dtype='float32')[rng.randint(0, 10, n)]
    model = build(models, layers, optimizers, args.optimizer)

    times = []

    class StepTimer(callbacks.Callback):
        def on_batch_begin(self, batch, logs=None):
            self._start = time.perf_counter()

        def on_batch_end(self, batch, logs=None):
            times.append(time.perf_counter() - self._start)

    start = time.perf_counter()
    history = model.fit(x, y, batch_size=args.batch, epochs=args.epochs, shuffle=False, verbose=0,
                        callbacks=[StepTimer()])
    wall = time.perf_counter() - start
    steady = times[args.batches:] or times  # the first epoch is the warm-up
    step = float(np.median(steady))
    samples_per_s = args.batch / step
    ceiling = rate * 1e9 / (3 * cnn_forward_flops_per_sample())
    losses = history.history['loss']
    return {
        'framework': args.framework,
        'gemm_gflops': rate,
        'ceiling_samples_per_s': ceiling,
        'median_step_ms': step * 1e3,
        'samples_per_s': samples_per_s,
        'fraction_of_ceiling': samples_per_s / ceiling,
        'fit_samples_per_s': n * args.epochs / wall,
        'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        'loss_first_epoch': float(losses[0]),
        'loss_last_epoch': float(losses[-1]),
    }


def describe(r):
    return ('%-9s %6.0f samples/s (median step %.1f ms) = %4.1f%% of the GEMM ceiling (%.0f GFLOP/s -> %.0f '
            'samples/s); whole fit %.0f samples/s; peak RSS %.0f MB; loss %.3f -> %.3f'
            % (r['framework'], r['samples_per_s'], r['median_step_ms'], 100 * r['fraction_of_ceiling'],
               r['gemm_gflops'], r['ceiling_samples_per_s'], r['fit_samples_per_s'], r['peak_rss_mb'],
               r['loss_first_epoch'], r['loss_last_epoch']))


def run_processes(python, framework, args):
    """Runs `args.repeats` fresh processes of this script; returns their results."""
    results = []
    for _ in range(args.repeats):
        cmd = [python, os.path.abspath(__file__), '--framework', framework, '--batch', str(args.batch),
               '--batches', str(args.batches), '--epochs', str(args.epochs), '--optimizer', args.optimizer]
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        lines = [line for line in out.stdout.splitlines() if line.startswith('RESULT ')]
        if out.returncode != 0 or not lines:
            raise RuntimeError('%s failed (exit %d):\n%s' % (' '.join(cmd), out.returncode, out.stderr[-3000:]))
        result = json.loads(lines[-1][len('RESULT '):])
        print('  run: ' + describe(result))
        sys.stdout.flush()
        results.append(result)
    return results


def median_result(results):
    keys = [k for k in results[0] if isinstance(results[0][k], float)]
    merged = {k: float(np.median([r[k] for r in results])) for k in keys}
    merged['framework'] = results[0]['framework']
    return merged


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--framework', default='minikeras', help='minikeras (default) or tf_keras')
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--batches', type=int, default=8, help='batches per epoch')
    parser.add_argument('--epochs', type=int, default=3, help='epochs (the first one is the warm-up)')
    parser.add_argument('--optimizer', default='sgd', help="'sgd' (SGD lr 0.01) or an optimizer name")
    parser.add_argument('--repeats', type=int, default=0,
                        help='run this many fresh processes and report medians (0: one run in this process)')
    parser.add_argument('--reference-python', default=None,
                        help='python of a scratch environment with tf_keras: also time the same network there')
    args = parser.parse_args()

    if args.repeats <= 0 and args.reference_python is None:
        result = run_once(args)
        print(describe(result))
        print('RESULT ' + json.dumps(result))
        return
    args.repeats = max(args.repeats, 1)
    print('minikeras, %d fresh process(es):' % args.repeats)
    ours = median_result(run_processes(sys.executable, args.framework, args))
    print('median:  ' + describe(ours))
    if args.reference_python:
        print('reference (tf_keras in %s), %d fresh process(es):' % (args.reference_python, args.repeats))
        ref = median_result(run_processes(args.reference_python, 'tf_keras', args))
        print('median:  ' + describe(ref))
        print('minikeras / tf_keras samples/s: %.2f' % (ours['samples_per_s'] / ref['samples_per_s']))


if __name__ == '__main__':
    main()
