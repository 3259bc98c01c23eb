"""TensorBoard event files written without TensorFlow: record framing, CRC-32C and the encoded summaries."""
import glob
import os
import struct

import numpy as np
import pytest

from minikeras import callbacks
from minikeras.layers import Dense
from minikeras.models import Sequential
from minikeras.utils.event_files import EventFileWriter, crc32c, histogram_value, masked_crc32c, scalar_value


def _varint(data, pos):
    shift = value = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _fields(data):
    """Decodes one protobuf message into {field number: [values]} (bytes for length-delimited fields)."""
    out, pos = {}, 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = struct.unpack('<d', data[pos:pos + 8])[0], pos + 8
        elif wire == 5:
            value, pos = struct.unpack('<f', data[pos:pos + 4])[0], pos + 4
        else:
            length, pos = _varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        out.setdefault(number, []).append(value)
    return out


def read_events(path):
    """The decoded events of a file, checking every record's two checksums."""
    events = []
    with open(path, 'rb') as f:
        data = f.read()
    pos = 0
    while pos < len(data):
        header = data[pos:pos + 8]
        assert struct.unpack('<I', data[pos + 8:pos + 12])[0] == masked_crc32c(header)
        length = struct.unpack('<Q', header)[0]
        body = data[pos + 12:pos + 12 + length]
        assert struct.unpack('<I', data[pos + 12 + length:pos + 16 + length])[0] == masked_crc32c(body)
        events.append(_fields(body))
        pos += 16 + length
    return events


def _scalars(events):
    out = {}
    for event in events:
        for summary in event.get(5, []):
            for value in _fields(summary).get(1, []):
                fields = _fields(value)
                if 2 in fields:
                    out.setdefault(fields[1][0].decode(), []).append((event[2][0], fields[2][0]))
    return out


def test_crc32c_known_values():
    assert crc32c(b'') == 0
    assert crc32c(b'123456789') == 0xE3069283  # the standard CRC-32C check value


def test_writer_round_trip(tmp_path):
    writer = EventFileWriter(str(tmp_path))
    writer.add_values(3, [scalar_value('loss', 0.25), histogram_value('w', np.arange(10.))])
    writer.close()
    events = read_events(writer.path)
    assert events[0][3] == [b'brain.Event:2']
    assert _scalars(events) == {'loss': [(3, 0.25)]}
    histo = [_fields(v) for v in _fields(events[1][5][0])[1] if 5 in _fields(v)][0]
    fields = _fields(histo[5][0])
    assert fields[1] == [0.0] and fields[2] == [9.0] and fields[3] == [10.0] and fields[4] == [45.0]


@pytest.mark.parametrize('update_freq', ['epoch', 'batch', 8])
def test_tensorboard_callback_writes_the_logs(tmp_path, update_freq):
    x, y = np.random.rand(16, 3), np.random.rand(16, 1)
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile('sgd', 'mse', metrics=['mae'])
    board = callbacks.TensorBoard(log_dir=str(tmp_path / 'logs'), histogram_freq=1, update_freq=update_freq)
    model.fit(x, y, batch_size=4, epochs=2, validation_data=(x, y), callbacks=[board], verbose=0)
    files = glob.glob(os.path.join(str(tmp_path / 'logs'), 'events.out.tfevents.*'))
    assert len(files) == 1
    events = read_events(files[0])
    scalars = _scalars(events)
    assert {'loss', 'mean_absolute_error', 'val_loss', 'val_mean_absolute_error'} <= set(scalars) or \
        {'loss', 'mae', 'val_loss', 'val_mae'} <= set(scalars)
    if update_freq == 'epoch':
        assert [step for step, _ in scalars['val_loss']] == [0, 1]
    else:
        assert [step for step, _ in scalars['loss']][:2] == ([4, 8] if update_freq == 'batch' else [8, 16])
    histograms = [event for event in events if 5 in event and any(
        5 in _fields(v) for v in _fields(event[5][0]).get(1, []))]
    assert len(histograms) == 2  # one per epoch


def test_tensorboard_rejects_bad_arguments_and_warns_for_tensorflow_only_summaries():
    with pytest.raises(ValueError, match='update_freq'):
        callbacks.TensorBoard(update_freq='hourly')
    with pytest.warns(UserWarning, match='write_images'):
        callbacks.TensorBoard(write_images=True)
