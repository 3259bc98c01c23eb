"""`python -m minikeras`: inspect, run and convert Keras 2 `.h5` files without TensorFlow.

Subcommands:

- `summary FILE`: the file's format versions, the model summary, the
  training configuration (optimizer, loss, metrics) and per-weight
  statistics. Works on full model files and on weights-only files; when the
  architecture cannot be built (a custom layer, an unsafe `Lambda`), the
  layers are listed from the stored config instead.
- `predict FILE INPUT OUTPUT`: runs the model on the arrays of INPUT (`.npy`
  for one input, `.npz` with one array per input, by input name or in
  order) and writes OUTPUT (`.npy`, or `.npz` keyed by output name).
- `convert FILE OUT`: rewrites `CuDNNLSTM`/`CuDNNGRU` layers as the plain
  `LSTM`/`GRU` that compute the same function (their weights converted on
  load) and, with `--strip-optimizer`, drops the training configuration and
  optimizer state.

Progress goes to stderr (loading a large file, the steps of `convert`, the
bar of `predict` on a terminal), so stdout holds only the output.

Exit codes: 0 success; 1 the model file is missing, not HDF5, corrupted or
not a Keras file; 2 bad command line; 3 bad input data; 4 the output cannot
be written. Errors are one line on stderr: `minikeras: error: ...`.
"""
from __future__ import print_function

import argparse
import contextlib
import json
import os
import sys

import numpy as np

EXIT_OK, EXIT_MODEL, EXIT_USAGE, EXIT_INPUT, EXIT_OUTPUT = 0, 1, 2, 3, 4


class CommandError(Exception):
    """An error to report on one line with its exit code."""

    def __init__(self, message, code):
        super(CommandError, self).__init__(message)
        self.code = code


# -- reading the file ----------------------------------------------------------------------------------------

def _read_file(path):
    """Everything `summary` shows that can be read without building the model.

    Returns:
        dict with 'attrs' (format versions), 'model_config' and
        'training_config' (parsed JSON or None), 'weights' (a list of
        `(layer_name, weight_name, array)`), 'optimizer_weights' (the count).

    Raises:
        CommandError: the file cannot be read as a Keras HDF5 file (exit 1).
    """
    from .engine.saving import _open_for_reading
    from .utils.io_utils import H5Dict
    try:
        with _open_for_reading(path) as f:
            root = H5Dict(f)
            info = {'attrs': {}, 'weights': []}
            for key in ('keras_version', 'backend', 'minikeras_version'):
                info['attrs'][key] = root.get_text(key, None)
            for key in ('model_config', 'training_config'):
                text = root.get_text(key, None)
                info[key] = json.loads(text) if text is not None else None
            weights_root = root.subgroup('model_weights') if 'model_weights' in root else root
            if not weights_root.has_attr('layer_names'):
                raise CommandError('%s is an HDF5 file but not a Keras model or weights file (no model_config '
                                   'and no layer_names)' % path, EXIT_MODEL)
            if info['attrs']['keras_version'] is None:
                for key in ('keras_version', 'backend'):
                    info['attrs'][key] = weights_root.get_text(key, None)
            for layer_name in weights_root.get_names('layer_names'):
                group = weights_root.subgroup(layer_name)
                for weight_name in group.get_names('weight_names'):
                    info['weights'].append((layer_name, weight_name, group.get_array(weight_name)))
            optimizer = root.subgroup('optimizer_weights') if 'optimizer_weights' in root else None
            info['optimizer_weights'] = len(optimizer.get_names('weight_names')) \
                if optimizer is not None and optimizer.has_attr('weight_names') else 0
            return info
    except (IOError, OSError, KeyError, ValueError) as e:
        if isinstance(e, CommandError):
            raise
        raise CommandError('cannot read %s: %s' % (path, e), EXIT_MODEL)


_LARGE_FILE = 50 * 2 ** 20


def _status(message):
    """A progress line on stderr (stdout keeps only the command's output)."""
    sys.stderr.write(message + '\n')
    sys.stderr.flush()


def _load_model(path, compile=False):
    from .engine.saving import load_model
    if os.path.isfile(path) and os.path.getsize(path) > _LARGE_FILE:
        _status('loading %s (%.0f MB): building the layers and reading the weights...'
                % (path, os.path.getsize(path) / 2.0 ** 20))
    try:
        return load_model(path, compile=compile)
    except (IOError, OSError, KeyError, ValueError, TypeError) as e:
        raise CommandError('cannot load the model in %s: %s' % (path, e), EXIT_MODEL)


# -- summary -------------------------------------------------------------------------------------------------

def _format_config(config):
    def value(v):
        return '%.6g' % v if isinstance(v, float) else repr(v) if isinstance(v, str) else str(v)
    return ', '.join('%s=%s' % (k, value(v)) for k, v in sorted(config.items()))


def _print_training_config(training_config, n_optimizer_weights):
    print('Training configuration:')
    if training_config is None:
        print('  none (the model was saved without compile() or with include_optimizer=False)')
        return
    optimizer = training_config.get('optimizer_config') or {}
    print('  optimizer: %s(%s)' % (optimizer.get('class_name'), _format_config(optimizer.get('config', {}))))
    for key in ('loss', 'metrics', 'weighted_metrics', 'loss_weights', 'sample_weight_mode'):
        if training_config.get(key) is not None:
            print('  %s: %s' % (key, json.dumps(training_config[key])))
    print('  optimizer state: %d arrays' % n_optimizer_weights)


def _print_weight_statistics(weights):
    print('Weights: %d arrays, %d values' % (len(weights), sum(int(np.size(w)) for _, _, w in weights)))
    if not weights:
        return
    rows = [('weight', 'shape', 'dtype', 'min', 'max', 'mean', 'std')]
    for layer_name, weight_name, value in weights:
        value = np.asarray(value)
        numeric = value.size and np.issubdtype(value.dtype, np.number)
        stats = [('%.4g' % f(value.astype('float64'))) if numeric else '-' for f in (np.min, np.max, np.mean,
                                                                                     np.std)]
        name = weight_name if weight_name.startswith(layer_name + '/') else '%s/%s' % (layer_name, weight_name)
        rows.append((name, str(value.shape), str(value.dtype)) + tuple(stats))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print('  ' + '  '.join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def _print_config_layers(model_config):
    config = model_config.get('config', {})
    layers = config.get('layers', config) if isinstance(config, dict) else config
    name = config.get('name') if isinstance(config, dict) else None
    print('Layers (from the stored config): %s %r' % (model_config.get('class_name'), name))
    for layer in layers if isinstance(layers, list) else []:
        print('  %s (%s)' % (layer.get('config', {}).get('name'), layer.get('class_name')))


def cmd_summary(args):
    info = _read_file(args.file)
    attrs = info['attrs']
    print('File: %s (%d bytes)' % (args.file, os.path.getsize(args.file)))
    writer = ', written by minikeras %s' % attrs['minikeras_version'] if attrs['minikeras_version'] else ''
    print('Keras version: %s, backend: %s%s' % (attrs['keras_version'], attrs['backend'], writer))
    if info['model_config'] is None:
        print('Weights-only file (written by save_weights): no architecture and no training configuration.')
    else:
        try:
            model = _load_model(args.file)
        except CommandError as e:
            print('The model cannot be built here (%s); its stored description follows.' % e)
            _print_config_layers(info['model_config'])
        else:
            model.summary(line_length=args.line_length)
        _print_training_config(info['training_config'], info['optimizer_weights'])
    _print_weight_statistics(info['weights'])
    return EXIT_OK


# -- predict -------------------------------------------------------------------------------------------------

def _load_inputs(path, model):
    try:
        data = np.load(path, allow_pickle=False)
    except (IOError, OSError, ValueError) as e:
        raise CommandError('cannot read the input arrays in %s: %s' % (path, e), EXIT_INPUT)
    if isinstance(data, np.ndarray):
        return data
    with data:
        names = list(data.keys())
        if set(model.input_names) <= set(names):
            return [data[name] for name in model.input_names]
        if len(names) == len(model.inputs):
            return [data[name] for name in names]
        raise CommandError('%s has arrays %s; the model has inputs %s (name the arrays after them, or give one '
                           'array per input)' % (path, names, model.input_names), EXIT_INPUT)


def cmd_predict(args):
    if not (args.output.endswith('.npy') or args.output.endswith('.npz')):
        raise CommandError('OUTPUT must end with .npy or .npz, got %s' % args.output, EXIT_USAGE)
    model = _load_model(args.model)
    several = len(model.outputs) > 1
    if several and not args.output.endswith('.npz'):
        raise CommandError('the model has %d outputs %s: give an OUTPUT ending with .npz'
                           % (len(model.outputs), model.output_names), EXIT_USAGE)
    x = _load_inputs(args.input, model)
    verbose = 1 if args.progress or (args.progress is None and sys.stderr.isatty()) else 0
    try:
        with contextlib.redirect_stdout(sys.stderr):  # the progress bar is a status line too
            y = model.predict(x, batch_size=args.batch_size, verbose=verbose)
    except (ValueError, TypeError) as e:
        raise CommandError('the input arrays do not fit the model: %s' % e, EXIT_INPUT)
    try:
        if args.output.endswith('.npz'):
            y = y if several else [y]
            np.savez(args.output, **dict(zip(model.output_names, y)))
        else:
            np.save(args.output, y)
    except (IOError, OSError) as e:
        raise CommandError('cannot write %s: %s' % (args.output, e), EXIT_OUTPUT)
    shapes = ', '.join(str(np.shape(a)) for a in (y if several else [y]))
    print('wrote %s: %s' % (args.output, shapes))
    return EXIT_OK


# -- convert -------------------------------------------------------------------------------------------------

_PLAIN = {'CuDNNLSTM': ('LSTM', {}), 'CuDNNGRU': ('GRU', {'reset_after': True})}


def plain_rnn_config(config):
    """A copy of a model/layer config with `CuDNNLSTM`/`CuDNNGRU` replaced by plain layers.

    The replacements compute the same function: `LSTM`/`GRU` with tanh
    activation, sigmoid gates (cuDNN's) and, for GRU, `reset_after=True`;
    the weights convert on load (`engine.saving.preprocess_weights_for_loading`).
    Nested models, `Bidirectional` and `TimeDistributed` are visited.

    Returns:
        `(new_config, number_of_layers_rewritten)`.
    """
    count = [0]

    def visit(obj):
        if isinstance(obj, list):
            return [visit(item) for item in obj]
        if not isinstance(obj, dict):
            return obj
        result = {key: visit(value) for key, value in obj.items()}
        if result.get('class_name') in _PLAIN and isinstance(result.get('config'), dict):
            name, extra = _PLAIN[result['class_name']]
            layer_config = dict(result['config'])
            layer_config.update(activation='tanh', recurrent_activation='sigmoid', use_bias=True, **extra)
            result['class_name'] = name
            result['config'] = layer_config
            count[0] += 1
        return result

    return visit(config), count[0]


def cmd_convert(args):
    from .engine.saving import _compile_from_training_config, check_config_is_safe, preprocess_model_config
    from .engine.saving import save_model
    from .models import model_from_config
    if os.path.exists(args.output) and not args.force:
        raise CommandError('%s exists (pass --force to overwrite it)' % args.output, EXIT_OUTPUT)
    if os.path.abspath(args.output) == os.path.abspath(args.model):
        raise CommandError('OUT must differ from FILE', EXIT_USAGE)
    info = _read_file(args.model)
    if info['model_config'] is None:
        raise CommandError('%s is a weights-only file: there is no architecture to convert' % args.model,
                           EXIT_MODEL)
    config, rewritten = plain_rnn_config(info['model_config'])
    keep_training = not args.strip_optimizer and info['training_config'] is not None
    _status('loading %s' % args.model)
    if rewritten:
        try:
            config = preprocess_model_config(config)
            check_config_is_safe(config)
            model = model_from_config(config)
            model.load_weights(args.model)
            if keep_training:
                _compile_from_training_config(model, info['training_config'], None, args.model)
        except (IOError, OSError, KeyError, ValueError, TypeError) as e:
            raise CommandError('cannot convert the model in %s: %s' % (args.model, e), EXIT_MODEL)
        _status('rewrote %d CuDNN layer(s) as LSTM/GRU%s' % (
            rewritten, '; the optimizer starts fresh (its state does not fit the new weights)'
            if keep_training else ''))
    else:
        model = _load_model(args.model, compile=keep_training)
    _status('writing %s%s' % (args.output, ' without optimizer' if not keep_training else ''))
    try:
        save_model(model, args.output, include_optimizer=keep_training)
    except (IOError, OSError) as e:
        raise CommandError('cannot write %s: %s' % (args.output, e), EXIT_OUTPUT)
    return EXIT_OK


# -- entry point ---------------------------------------------------------------------------------------------

def build_parser():
    parser = argparse.ArgumentParser(
        prog='python -m minikeras', description='Inspect, run and convert Keras 2 .h5 model files.',
        epilog='exit codes: 0 success, 1 unreadable/invalid model file, 2 bad command line, 3 bad input data, '
               '4 output cannot be written', formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest='command', metavar='COMMAND')
    commands.required = True
    summary = commands.add_parser('summary', help='model summary, versions, training config, weight statistics')
    summary.add_argument('file', metavar='FILE', help='a Keras 2 .h5 model or weights file')
    summary.add_argument('--line-length', type=int, default=None, help='width of the layer table')
    summary.set_defaults(run=cmd_summary)
    predict = commands.add_parser('predict', help='run the model on arrays from a .npy/.npz file')
    predict.add_argument('model', metavar='FILE', help='a Keras 2 .h5 model file')
    predict.add_argument('input', metavar='INPUT', help='.npy (one input) or .npz (one array per input)')
    predict.add_argument('output', metavar='OUTPUT', help='.npy (one output) or .npz (keyed by output name)')
    predict.add_argument('--batch-size', type=int, default=32)
    progress = predict.add_mutually_exclusive_group()
    progress.add_argument('--progress', dest='progress', action='store_true', default=None,
                          help='show a progress bar on stderr (default: when stderr is a terminal)')
    progress.add_argument('--no-progress', dest='progress', action='store_false')
    predict.set_defaults(run=cmd_predict)
    convert = commands.add_parser('convert', help='rewrite CuDNN layers as plain ones, optionally strip the '
                                                  'optimizer')
    convert.add_argument('model', metavar='FILE', help='a Keras 2 .h5 model file')
    convert.add_argument('output', metavar='OUT', help='the .h5 file to write')
    convert.add_argument('--strip-optimizer', action='store_true',
                         help='drop the training configuration and optimizer state')
    convert.add_argument('--force', action='store_true', help='overwrite OUT if it exists')
    convert.set_defaults(run=cmd_convert)
    return parser


def main(argv=None):
    """Runs the command line `argv` (default `sys.argv[1:]`); returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return e.code
    try:
        return args.run(args)
    except CommandError as e:
        sys.stdout.flush()
        print('minikeras: error: %s' % e, file=sys.stderr)
        return e.code
