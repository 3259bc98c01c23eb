"""Writing TensorBoard event files without TensorFlow: scalar and histogram summaries.

An event file is a sequence of records, each `length (uint64 LE)`,
`masked CRC-32C of the length`, the data, `masked CRC-32C of the data`; the
data of each record is an `Event` protocol buffer. Only the few protobuf
fields TensorBoard reads for scalars and histograms are encoded here, by hand:

    Event:          1 wall_time (double), 2 step (int64), 3 file_version (string), 5 summary
    Summary:        1 value (repeated)
    Summary.Value:  1 tag (string), 2 simple_value (float), 5 histo
    HistogramProto: 1 min, 2 max, 3 num, 4 sum, 5 sum_squares (doubles),
                    6 bucket_limit, 7 bucket (packed doubles)
"""
import os
import socket
import struct
import time

import numpy as np


def _crc32c_table():
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data):
    """The CRC-32C (Castagnoli) checksum of `data`."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """The record checksum of TFRecord files: the CRC-32C rotated right by 15 bits plus a constant."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(value):
    out = bytearray()
    value &= (1 << 64) - 1
    while True:
        bits = value & 0x7F
        value >>= 7
        if value:
            out.append(bits | 0x80)
        else:
            out.append(bits)
            return bytes(out)


def _field(number, wire_type):
    return _varint((number << 3) | wire_type)


def _bytes_field(number, payload):
    return _field(number, 2) + _varint(len(payload)) + payload


def _double_field(number, value):
    return _field(number, 1) + struct.pack('<d', float(value))


def _histogram(values, bins=30):
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        values = np.zeros(1)
    counts, edges = np.histogram(values, bins=bins)
    packed_limits = b''.join(struct.pack('<d', e) for e in edges[1:])
    packed_counts = b''.join(struct.pack('<d', c) for c in counts)
    return (_double_field(1, values.min()) + _double_field(2, values.max()) + _double_field(3, values.size)
            + _double_field(4, values.sum()) + _double_field(5, np.square(values).sum())
            + _bytes_field(6, packed_limits) + _bytes_field(7, packed_counts))


def scalar_value(tag, value):
    """An encoded `Summary.Value` holding a scalar."""
    return _bytes_field(1, tag.encode('utf8')) + _field(2, 5) + struct.pack('<f', float(value))


def histogram_value(tag, values):
    """An encoded `Summary.Value` holding a histogram of `values` (non-finite values are left out)."""
    return _bytes_field(1, tag.encode('utf8')) + _bytes_field(5, _histogram(values))


class EventFileWriter(object):
    """Appends events to a new `events.out.tfevents.<time>.<host>` file in `log_dir`.

    Args:
        log_dir: the folder (created if missing).

    Example::

        writer = EventFileWriter('logs')
        writer.add_values(step=1, values=[scalar_value('loss', 0.5)])
        writer.close()
    """

    def __init__(self, log_dir):
        os.makedirs(log_dir, exist_ok=True)
        name = 'events.out.tfevents.%010d.%s' % (int(time.time()), socket.gethostname())
        self.path = os.path.join(log_dir, name)
        self._file = open(self.path, 'ab')
        self._write_event(_bytes_field(3, b'brain.Event:2'), step=0)

    def _write_event(self, payload, step):
        event = _double_field(1, time.time()) + _field(2, 0) + _varint(int(step)) + payload
        header = struct.pack('<Q', len(event))
        self._file.write(header + struct.pack('<I', masked_crc32c(header)) + event
                         + struct.pack('<I', masked_crc32c(event)))

    def add_values(self, step, values):
        """Writes one event with a summary of the encoded `values` at `step`."""
        summary = b''.join(_bytes_field(1, v) for v in values)
        self._write_event(_bytes_field(5, summary), step)

    def flush(self):
        self._file.flush()

    def close(self):
        if not self._file.closed:
            self._file.close()
