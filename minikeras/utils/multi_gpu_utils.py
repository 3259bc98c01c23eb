"""`multi_gpu_model`: Keras 2's data-parallel replication, which needs GPUs this backend does not have."""


def multi_gpu_model(model, gpus=None, cpu_merge=True, cpu_relocation=False):
    """Always raises: minikeras computes with numpy on the CPU, so there are no GPUs to replicate onto.

    Keras 2 code that wraps a model for several GPUs can use the model itself
    instead: it trains and predicts the same, on the CPU.

    Raises:
        ValueError: always, naming `gpus`.
    """
    raise ValueError('multi_gpu_model(gpus=%r): minikeras runs on numpy on the CPU and has no GPU devices to '
                     'replicate the model onto; use the model directly (it trains and predicts the same).'
                     % (gpus,))
