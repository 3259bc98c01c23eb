"""Data-parallel training over MPI: the digits MLP on N processes.

Each process trains on its own slice of every global batch; the
`DistributedOptimizer` averages the gradients with one allreduce per step, so
every process applies the same update, and only rank 0 prints and writes the
checkpoint. Without `mpirun` the script runs as one process.

Usage (needs `pip install 'minikeras[mpi]'`):
    mpirun -np 2 python examples/distributed_mlp.py          # 2 processes on this host
    mpirun -np 4 --hostfile hosts python examples/distributed_mlp.py
    python examples/distributed_mlp.py --quick               # 1 process, 1 epoch (used by CI)

Exits with status 1 when a full run ends below 95% test accuracy, or when the
processes do not hold identical weights at the end.
"""
from __future__ import print_function

import argparse
import sys

import numpy as np

from minikeras.callbacks import ModelCheckpoint
from minikeras.datasets import digits
from minikeras.layers import Dense
from minikeras.models import Sequential
from minikeras.optimizers import Adam
from minikeras.utils import to_categorical

BATCH_PER_PROCESS = 16
EPOCHS = 30


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='1-epoch smoke run (no accuracy target)')
    parser.add_argument('--output', default='distributed_mlp.h5', help='checkpoint written by rank 0')
    args = parser.parse_args(argv)
    try:
        import minikeras.distribute as hvd
        hvd.init()
    except ImportError as e:
        if args.quick:
            print('skipping the distributed example: %s' % e)
            return 0
        raise

    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x_train = x_train.reshape(-1, 64).astype('float32') / 16.0
    x_test = x_test.reshape(-1, 64).astype('float32') / 16.0
    y_train, y_test = to_categorical(y_train, 10), to_categorical(y_test, 10)

    model = Sequential([Dense(64, activation='relu', input_shape=(64,)), Dense(64, activation='relu'),
                        Dense(10, activation='softmax')])
    # The global batch grows with the process count: scale the learning rate with it.
    model.compile(hvd.DistributedOptimizer(Adam(lr=0.001 * hvd.size())), 'categorical_crossentropy',
                  metrics=['accuracy'])
    epochs = 1 if args.quick else EPOCHS
    callbacks = [hvd.BroadcastGlobalVariablesCallback(0), hvd.MetricAverageCallback(),
                 ModelCheckpoint(args.output)]
    if hvd.size() > 1:
        callbacks.insert(2, hvd.LearningRateWarmupCallback(warmup_epochs=min(3, epochs)))
    for epoch in range(epochs):  # a new shared shuffle every epoch
        x_part, y_part = hvd.shard([x_train, y_train], batch_size=BATCH_PER_PROCESS, seed=0, epoch=epoch)
        model.fit(x_part, y_part, batch_size=BATCH_PER_PROCESS, initial_epoch=epoch, epochs=epoch + 1,
                  shuffle=False, verbose=2, callbacks=callbacks)

    accuracy = model.evaluate(x_test, y_test, verbose=0)[1]
    checksum = np.array([sum(float(np.sum(w)) for w in model.get_weights())])
    same_everywhere = np.allclose(hvd.allgather(checksum), checksum[0])
    if hvd.is_chief():
        print('processes: %d  test accuracy: %.4f  identical weights on every process: %s'
              % (hvd.size(), accuracy, same_everywhere))
    if not same_everywhere or (not args.quick and accuracy < 0.95):
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
