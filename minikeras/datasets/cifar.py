"""The CIFAR batch format shared by `cifar10` and `cifar100`.

A batch file is a pickled dict (written by Python 2) with `data`, a uint8
array `(n, 3072)` of channel-first 32x32 RGB images, and the labels under
`labels` (CIFAR-10) or `fine_labels` / `coarse_labels` (CIFAR-100). It is read
with the array-only unpickler of `files`, so a tampered file cannot run code.
"""
import numpy as np

from .. import backend as K
from .files import load_pickle


def load_batch(fpath, label_key='labels'):
    """Reads one CIFAR batch file.

    Args:
        fpath: the batch file.
        label_key: the key of the labels in the pickled dict.

    Returns:
        `(data, labels)`: uint8 images `(n, 3, 32, 32)` and the labels as a list.

    Raises:
        ValueError: the file lacks `data` or `label_key`, or their sizes disagree.
    """
    batch = load_pickle(fpath)
    if not isinstance(batch, dict):
        raise ValueError('%s is not a CIFAR batch (a pickled dict); found %s' % (fpath, type(batch).__name__))
    batch = {k.decode('utf8') if isinstance(k, bytes) else k: v for k, v in batch.items()}
    for key in ('data', label_key):
        if key not in batch:
            raise ValueError('%s has no %r entry (it has %s)' % (fpath, key, ', '.join(sorted(batch))))
    data = np.asarray(batch['data'])
    labels = list(batch[label_key])
    if data.ndim != 2 or data.shape[1] != 3 * 32 * 32 or len(labels) != data.shape[0]:
        raise ValueError('%s: expected data (n, 3072) and n labels; found data %s and %d labels'
                         % (fpath, data.shape, len(labels)))
    return data.reshape(data.shape[0], 3, 32, 32), labels


def to_data_format(x):
    """Channel-first CIFAR images in the order of `K.image_data_format()`."""
    return x.transpose(0, 2, 3, 1) if K.image_data_format() == 'channels_last' else x
