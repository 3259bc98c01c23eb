"""The example hooks of tests/compat/keras_alias.py: the numpy alias shim and the training cap.

Each check runs in a fresh interpreter: the hook patches `numpy` and `Model.fit` process-wide.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

_COUNT_BATCHES = '''
import numpy as np
import keras_alias
keras_alias.prepare_example(cap_steps=%d)
from keras.models import Sequential
from keras.layers import Dense
from keras.callbacks import Callback

class Count(Callback):
    def on_train_begin(self, logs=None):
        self.batches, self.epochs, self.sizes = 0, 0, []
    def on_batch_end(self, batch, logs=None):
        self.batches += 1
        self.sizes.append(logs['size'])
    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1
        self.val_loss = logs.get('val_loss')

model = Sequential([Dense(1, input_shape=(3,))])
model.compile('sgd', 'mse')
x, y = np.ones((100, 3), np.float), np.zeros((100, 1), np.float)
count = Count()
%s
print(count.epochs, count.batches, sum(count.sizes), count.val_loss is not None)
'''


def _run(cap, fit_line):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([HERE, REPO]))
    out = subprocess.run([sys.executable, '-c', _COUNT_BATCHES % (cap, fit_line)], env=env, check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    return out.split()


def test_cap_limits_array_fit_and_keeps_the_validation_split():
    # 90 training samples would be 9 batches of 10 over 5 epochs; capped: 1 epoch of 3 batches.
    assert _run(3, 'model.fit(x, y, batch_size=10, epochs=5, validation_split=0.1, callbacks=[count], verbose=0)') \
        == ['1', '3', '30', 'True']


def test_cap_limits_fit_generator_steps():
    line = ('def gen():\n    while True:\n        yield x[:4], y[:4]\n'
            'model.fit_generator(gen(), steps_per_epoch=50, epochs=3, validation_data=gen(), '
            'validation_steps=40, callbacks=[count], verbose=0)')
    assert _run(2, line) == ['1', '2', '8', 'True']


def test_uncapped_fit_runs_as_written():
    assert _run(0, 'model.fit(x, y, batch_size=10, epochs=2, callbacks=[count], verbose=0)') == ['2', '20', '200',
                                                                                                 'False']
