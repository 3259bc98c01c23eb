"""Data-parallel training over MPI, with a Horovod-style API.

`import minikeras.distribute as hvd` reads like Horovod-Keras::

    import minikeras.distribute as hvd
    hvd.init()
    x_part, y_part = hvd.shard([x, y], batch_size=64)
    model.compile(hvd.DistributedOptimizer(SGD(lr=0.01 * hvd.size())), 'categorical_crossentropy')
    model.fit(x_part, y_part, batch_size=64, shuffle=False,
              callbacks=[hvd.BroadcastGlobalVariablesCallback(0), hvd.MetricAverageCallback()])

launched with `mpirun -np 4 python train.py` (`pip install 'minikeras[mpi]'`
brings mpi4py and an MPI library). Without `mpirun` the same script runs as
one process. See docs/distribute.md.
"""
from .callbacks import (BroadcastGlobalVariablesCallback, LearningRateWarmupCallback,  # noqa: F401
                        MetricAverageCallback, broadcast_variables, broadcast_weights)
from .data import ShardedSequence, shard, shard_generator, shard_indices  # noqa: F401
from .optimizer import DistributedOptimizer, load_model  # noqa: F401
from .runtime import (allgather, allreduce, barrier, broadcast, init, is_chief, is_initialized,  # noqa: F401
                      local_rank, local_size, rank, size)
