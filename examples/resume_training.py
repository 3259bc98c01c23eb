"""Save, kill, load, continue: resuming from a checkpoint gives identical results.

Trains a digits MLP for 2 epochs in one go (reference). Then a child process
trains the same model for 1 epoch, saves a checkpoint (weights, optimizer
state, training configuration) and is killed; this process loads the
checkpoint with `load_model` and trains 1 more epoch. With `shuffle=False` the
final weights equal the reference ones to float32 round-off.

Usage:
    python examples/resume_training.py          # full run
    python examples/resume_training.py --quick  # smaller run (used by CI)
"""
from __future__ import print_function

import argparse
import os
import signal
import subprocess
import sys
import tempfile

import numpy as np

from minikeras.datasets import digits
from minikeras.layers import Dense
from minikeras.models import Sequential, load_model
from minikeras.utils import to_categorical


def data(limit):
    (x_train, y_train), _ = digits.load_data()
    x = x_train.reshape(-1, 64).astype('float32')[:limit] / 16.0
    return x, to_categorical(y_train, 10)[:limit]


def build():
    np.random.seed(42)  # identical initial weights in both processes
    model = Sequential([Dense(32, activation='relu', input_shape=(64,)), Dense(10, activation='softmax')])
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    return model


def child(path, limit):
    """Trains one epoch, saves, then kills itself before doing anything else."""
    x, y = data(limit)
    model = build()
    model.fit(x, y, epochs=1, batch_size=32, shuffle=False, verbose=0)
    model.save(path)
    os.kill(os.getpid(), signal.SIGKILL)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='train on 256 images instead of all')
    parser.add_argument('--child', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    limit = 256 if args.quick else 100000
    if args.child:
        child(args.child, limit)
        return
    x, y = data(limit)
    reference = build()
    reference.fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0)

    path = os.path.join(tempfile.mkdtemp(), 'checkpoint.h5')
    command = [sys.executable, os.path.abspath(__file__), '--child', path] + (['--quick'] if args.quick else [])
    result = subprocess.run(command)
    print('child process trained 1 epoch, saved %s and was killed (exit status %d)' % (path, result.returncode))
    resumed = load_model(path)
    resumed.fit(x, y, epochs=1, batch_size=32, shuffle=False, verbose=0)

    diffs = [float(np.max(np.abs(a - b))) for a, b in zip(reference.get_weights(), resumed.get_weights())]
    print('largest weight difference, 2 epochs vs 1 + save/kill/load + 1: %.3g' % max(diffs))
    if max(diffs) > 1e-5:
        raise SystemExit('resumed training differs from uninterrupted training')
    print('identical results')


if __name__ == '__main__':
    main()
