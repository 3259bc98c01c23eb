"""One rank of the data-parallel tests (launched by test_distribute.py with mpirun).

Usage: python mpi_worker.py CONFIG.json
The JSON config names the mode ('train', 'resume' or 'fail'), the model kind, the
optimizer, the step count and the output folder; each rank writes
`rank<R>.npz` (final weights and history) there.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import minikeras.distribute as hvd  # noqa: E402
from minikeras.callbacks import ModelCheckpoint  # noqa: E402
from parallel_case import build_model, make_data, make_optimizer, initial_weights  # noqa: E402


def main(config_path):
    with open(config_path) as f:
        config = json.load(f)
    hvd.init()
    rank, size = hvd.rank(), hvd.size()
    out = config['out']
    if config['mode'] == 'fail':
        if rank == 1:
            raise RuntimeError('deliberate failure on rank 1')
        hvd.allreduce(np.ones(3))  # would wait forever for rank 1 without the abort
        return
    if config['mode'] == 'resume':
        model = hvd.load_model(config['checkpoint'])
    else:
        model = build_model(config['model'])
        # Each rank starts from different weights; the broadcast callback makes rank 0's win.
        model.set_weights(initial_weights(model, seed=rank))
        model.compile(hvd.DistributedOptimizer(make_optimizer(config['optimizer'])), 'categorical_crossentropy',
                      metrics=['accuracy'])
    x, y = make_data(config['model'], config['steps'] * config['batch_size'] * size)
    x_part, y_part = hvd.shard([x, y], batch_size=config['batch_size'])
    history = model.fit(x_part, y_part, batch_size=config['batch_size'], epochs=config.get('epochs', 1),
                        shuffle=False, verbose=1,
                        callbacks=[hvd.BroadcastGlobalVariablesCallback(0), hvd.MetricAverageCallback(),
                                   ModelCheckpoint(os.path.join(out, 'checkpoint-rank%d.h5' % rank))])
    arrays = {'w%d' % i: w for i, w in enumerate(model.get_weights())}
    arrays.update({'history_' + k: np.array(v) for k, v in history.history.items()})
    np.savez(os.path.join(out, 'rank%d.npz' % rank), **arrays)


if __name__ == '__main__':
    main(sys.argv[1])
