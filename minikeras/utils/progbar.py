"""The Keras 2 progress bar.

On a terminal, verbose=1 redraws one line in place (with '\\r') showing the
bar, the ETA and running averages; in a Jupyter kernel too, with '\\r' alone
(notebooks show backspaces literally). When stdout is neither (a pipe, a log
file) nothing is printed until the target is reached, so logs get one final
line per bar instead of a flood of carriage-return frames. verbose=2 prints
one summary line at the end.

A `header` (`fit` passes 'Epoch 3/10') is printed on its own line above the bar
on a terminal or in a notebook, as Keras does, and at the start of the final
line in a log, so that a log gets exactly one line per epoch.
"""
import sys
import time

import numpy as np


class Progbar(object):
    """Displays a progress bar.

    Args:
        target: total number of steps expected, None if unknown.
        width: progress bar width on screen.
        verbose: 0 (silent), 1 (bar) or 2 (one line at the end).
        interval: minimum seconds between two redraws.
        stateful_metrics: names of metrics shown as-is instead of averaged.
        header: text shown before the bar (see the module docstring), or None.

    Example::

        bar = Progbar(100)
        for i in range(10):
            bar.update((i + 1) * 10, values=[('loss', 0.5)])
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None, header=None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.stateful_metrics = set(stateful_metrics or [])
        stream = sys.stdout
        self._notebook = 'ipykernel' in sys.modules
        self._dynamic_display = (hasattr(stream, 'isatty') and stream.isatty()) or self._notebook
        self._prefix = ''
        if header is not None and verbose:
            if self._dynamic_display:
                sys.stdout.write(header + '\n')
            else:
                self._prefix = header + (' - ' if verbose == 1 else '')
        self._total_width = 0
        self._seen_so_far = 0
        self._values = {}
        self._values_order = []
        self._start = time.time()
        self._last_update = 0

    def update(self, current, values=None, force=False):
        """Updates the bar to step `current` with `(name, value)` pairs.

        Values not in `stateful_metrics` are averaged weighted by the steps
        since the last update (so a per-batch loss becomes a running mean).
        `force=True` (Keras 2.1's argument) redraws a terminal bar even within
        `interval` seconds of the last redraw.
        """
        values = values or []
        for k, v in values:
            if k not in self._values_order:
                self._values_order.append(k)
            if k not in self.stateful_metrics:
                weight = current - self._seen_so_far
                if k not in self._values:
                    self._values[k] = [v * weight, weight]
                else:
                    self._values[k][0] += v * weight
                    self._values[k][1] += weight
            else:
                self._values[k] = [v, 1]
        self._seen_so_far = current
        now = time.time()
        finished = self.target is not None and current >= self.target
        if self.verbose == 1:
            if not finished and ((now - self._last_update < self.interval and not force) or not self._dynamic_display):
                return
            self._draw(current, now, finished)
        elif self.verbose == 2 and finished:
            info = ' - %.0fs' % (now - self._start) + self._values_text() + '\n'
            sys.stdout.write(self._prefix + info)
            sys.stdout.flush()
        self._last_update = now

    def _values_text(self):
        info = ''
        for k in self._values_order:
            info += ' - %s:' % k
            total, count = self._values[k]
            avg = np.mean(total / max(1, count)) if isinstance(total, (list, np.ndarray)) else total / max(1, count)
            info += (' %.4f' % avg) if abs(avg) > 1e-3 else (' %.4e' % avg)
        return info

    def _draw(self, current, now, finished):
        prev_total_width = self._total_width
        if self._notebook:
            line = '\r'
        elif self._dynamic_display:
            line = '\b' * prev_total_width + '\r'
        else:
            line = self._prefix
        if self.target is not None:
            numdigits = int(np.floor(np.log10(self.target))) + 1 if self.target > 0 else 1
            bar = ('%' + str(numdigits) + 'd/%d [') % (current, self.target)
            prog = float(current) / self.target if self.target else 1.0
            prog_width = int(self.width * prog)
            if prog_width > 0:
                bar += '=' * (prog_width - 1)
                bar += '>' if current < self.target else '='
            bar += '.' * (self.width - prog_width)
            bar += ']'
        else:
            bar = '%7d/Unknown' % current
        self._total_width = len(bar)
        per_unit = (now - self._start) / current if current else 0
        if self.target is not None and current < self.target:
            eta = per_unit * (self.target - current)
            if eta > 3600:
                eta_format = '%d:%02d:%02d' % (eta // 3600, (eta % 3600) // 60, eta % 60)
            elif eta > 60:
                eta_format = '%d:%02d' % (eta // 60, eta % 60)
            else:
                eta_format = '%ds' % eta
            info = ' - ETA: %s' % eta_format
        else:
            if per_unit >= 1:
                info = ' %.0fs/step' % per_unit
            elif per_unit >= 1e-3:
                info = ' %.0fms/step' % (per_unit * 1e3)
            else:
                info = ' %.0fus/step' % (per_unit * 1e6)
            info = (' - %.0fs' % (now - self._start)) + info
        info += self._values_text()
        self._total_width += len(info)
        if prev_total_width > self._total_width and self._dynamic_display:
            info += ' ' * (prev_total_width - self._total_width)
        if finished:
            info += '\n'
        sys.stdout.write(line + bar + info)
        sys.stdout.flush()

    def add(self, n, values=None):
        self.update(self._seen_so_far + n, values)
