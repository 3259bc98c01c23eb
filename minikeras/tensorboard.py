"""The `TensorBoard` callback: training logs for the TensorBoard viewer.

Event files are written with tensorboardX, an optional extra
(`pip install 'minikeras[tensorboard]'`), in TensorBoard's usual run layout:

- `log_dir/train`: `epoch_<metric>` scalars per epoch, `batch_<metric>`
  scalars every `update_freq` batches, weight histograms (`dense_1/kernel_0`,
  Keras 2.2.4's tags), gradient histograms (`dense_1/kernel_0_grad`), layer
  output histograms (`dense_1_out`), weight images (`dense_1/kernel_0/image`)
  and the model graph;
- `log_dir/validation`: the `val_` metrics as `epoch_<metric>` scalars, so
  TensorBoard draws the training and validation curves of a metric together.

`tensorboard --logdir log_dir` shows them.
"""
import json
import os

import numpy as np

from . import backend as K
from .callbacks import Callback, _is_chief_process
from .utils.optional import import_extra


def _tensorboardx():
    return import_extra('tensorboardX', 'tensorboard', 'callbacks.TensorBoard')


def _tag(weight):
    """Keras 2.2.4's tag of a weight: its TensorFlow name with ':' replaced, e.g. 'dense_1/kernel_0'."""
    name = weight.name
    return name.replace(':', '_') if ':' in name else name + '_0'


def weight_image(value):
    """A weight array laid out as one grayscale image of shape (height, width, 1) in [0, 1].

    A vector becomes one row, a matrix is shown as is (transposed when taller
    than wide), a convolution kernel `(*spatial, in, out)` becomes a mosaic
    with one tile of the spatial dimensions per (input, output) channel pair:
    `in` rows of tiles by `out` columns (1-D kernels give tiles one pixel wide).
    """
    value = np.asarray(value, dtype='float64')
    if value.ndim == 0:
        value = value.reshape(1, 1)
    elif value.ndim == 1:
        value = value.reshape(1, -1)
    elif value.ndim == 2:
        if value.shape[0] > value.shape[1]:
            value = value.T
    else:
        spatial = value.shape[:-2]
        kh = spatial[0]
        kw = int(np.prod(spatial[1:])) if len(spatial) > 1 else 1
        cin, cout = value.shape[-2:]
        tiles = value.reshape(kh, kw, cin, cout).transpose(2, 0, 3, 1)  # (in, kh, out, kw)
        value = tiles.reshape(cin * kh, cout * kw)
    low, high = value.min(), value.max()
    scaled = (value - low) / (high - low) if high > low else np.zeros_like(value)
    return scaled[:, :, None]


def _read_metadata(path):
    """Rows (and the header, for a multi-column file) of an embedding metadata TSV file."""
    with open(path) as f:
        lines = [line.rstrip('\n') for line in f if line.strip()]
    if lines and '\t' in lines[0]:
        return [row.split('\t') for row in lines[1:]], lines[0].split('\t')
    return lines, None


class TensorBoard(Callback):
    """Writes TensorBoard logs: scalars, histograms, weight images, embeddings and the model graph.

    Accepts the arguments of Keras 2.2.4 and the tf.keras 2 spellings.

    Args:
        log_dir: directory of the run; `train/` and `validation/` are created below it.
        histogram_freq: every how many epochs to write weight histograms
            (0: never). Gradient and layer-output histograms are computed on
            the validation data, when `fit` has some.
        batch_size: batch size for the validation passes of the histograms.
        write_graph: write the model graph (layers, connections, shapes).
        write_grads: also write histograms of the gradients of the loss on
            the validation data (with `histogram_freq > 0`, when it has no
            effect; then `fit` needs validation data).
        write_images: also write each weight as an image (see `weight_image`).
        embeddings_freq: every how many epochs to write embeddings for the
            TensorBoard projector (0: never).
        embeddings_layer_names: layers to embed; default: every `Embedding` layer.
        embeddings_metadata: a TSV file of labels, or a dict layer name -> file.
        embeddings_data: inputs whose layer outputs are embedded (Keras 2.2.4);
            without it the `Embedding` layers' weight matrices are embedded (tf.keras).
        update_freq: 'epoch' (scalars per epoch), 'batch' (also every batch)
            or an integer N (also every N batches; `batch_<metric>` tags, the
            step counting batches since the callback was created).
        profile_batch: tf.keras' profiler batch; there is no profiler in the
            numpy engine, so it is accepted and has no effect.

    Raises:
        ImportError: tensorboardX is not installed.
        ValueError: an invalid `update_freq` or a negative frequency; at the
            start of training, `write_grads` with histograms but without
            validation data.
    """

    def __init__(self, log_dir='./logs', histogram_freq=0, batch_size=32, write_graph=True, write_grads=False,
                 write_images=False, embeddings_freq=0, embeddings_layer_names=None, embeddings_metadata=None,
                 embeddings_data=None, update_freq='epoch', profile_batch=2):
        super(TensorBoard, self).__init__()
        _tensorboardx()  # fail here, not in the middle of training, when the extra is missing
        for name, value in (('histogram_freq', histogram_freq), ('embeddings_freq', embeddings_freq)):
            if not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError('TensorBoard: %s must be a non-negative integer, got %r' % (name, value))
        positive_int = isinstance(update_freq, (int, np.integer)) and update_freq > 0
        if update_freq not in ('epoch', 'batch') and not positive_int:
            raise ValueError("TensorBoard: update_freq must be 'epoch', 'batch' or a positive integer, got %r"
                             % (update_freq,))
        self.log_dir = str(log_dir)
        self.histogram_freq = int(histogram_freq)
        self.batch_size = batch_size
        self.write_graph = write_graph
        self.write_grads = write_grads
        self.write_images = write_images
        self.embeddings_freq = int(embeddings_freq)
        self.embeddings_layer_names = embeddings_layer_names
        self.embeddings_metadata = embeddings_metadata
        self.embeddings_data = embeddings_data
        self.update_freq = 1 if update_freq == 'batch' else update_freq
        self.profile_batch = profile_batch
        self._writers = {}
        self._total_batches = 0
        self._diagnostics = None
        self._active = True

    # Writers -----------------------------------------------------------------------
    def _writer(self, run):
        if run not in self._writers:
            self._writers[run] = _tensorboardx().SummaryWriter(logdir=os.path.join(self.log_dir, run))
        return self._writers[run]

    def _close(self):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # Hooks -------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._diagnostics = None
        # the worker processes of a data-parallel run write nothing (see minikeras.distribute.init)
        self._active = _is_chief_process()
        if not self._active:
            return
        if self.write_grads and self.histogram_freq and not self._validation_arrays():
            raise ValueError('TensorBoard: gradient histograms (write_grads=True, histogram_freq > 0) are '
                             'computed on the validation data: validation_data must be provided to fit '
                             '(validation_data= or validation_split=), and cannot be a generator')
        if self.write_graph:
            # tensorboardX's public add_graph traces PyTorch modules; its file writer writes a ready GraphDef.
            self._writer('train')._get_file_writer().add_onnx_graph(model_graph(self.model))

    def on_batch_end(self, batch, logs=None):
        if not self._active:
            return
        self._total_batches += 1
        if self.update_freq == 'epoch' or self._total_batches % self.update_freq:
            return
        writer = self._writer('train')
        for name, value in (logs or {}).items():
            if name not in ('batch', 'size') and np.ndim(value) == 0:
                writer.add_scalar('batch_' + name, float(value), self._total_batches)

    def on_epoch_end(self, epoch, logs=None):
        if not self._active:
            return
        for name, value in (logs or {}).items():
            if name in ('batch', 'size') or np.ndim(value) != 0:
                continue
            run, metric = ('validation', name[4:]) if name.startswith('val_') else ('train', name)
            self._writer(run).add_scalar('epoch_' + metric, float(value), epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_histograms(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._write_embeddings(epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_train_end(self, logs=None):
        self._close()
        self._diagnostics = None  # the compiled diagnostics function is rebuilt for the next fit

    # Histograms and images ---------------------------------------------------------
    def _validation_arrays(self):
        data = self.validation_data
        if not data:
            return None
        model = self.model
        n = len(model._feed_inputs) + len(model._feed_targets) + len(model._feed_sample_weights)
        return [np.asarray(a) for a in list(data)[:n]]

    def _write_histograms(self, epoch):
        writer = self._writer('train')
        for layer in self.model.layers:
            for weight in layer.weights:
                value = K.get_value(weight)
                writer.add_histogram(_tag(weight), value, epoch)
                if self.write_images:
                    # a tag names one time series of one kind: the image gets its own, as TensorFlow names it
                    writer.add_image(_tag(weight) + '/image', weight_image(value), epoch, dataformats='HWC')
        arrays = self._validation_arrays()
        if arrays is None:
            return
        names, values = self._run_diagnostics(arrays)
        for name, value in zip(names, values):
            writer.add_histogram(name, value, epoch)

    def _diagnostic_function(self):
        """(tags, number of layer outputs, K.function, extra inputs) for the layer outputs
        (`<layer>_out`, or `<layer>_out_<i>` for a layer with several) and, with
        write_grads, the loss gradients."""
        if self._diagnostics is None:
            model = self.model
            tags, outputs = [], []
            for layer in model.layers:
                if type(layer).__name__ == 'InputLayer':
                    continue
                try:
                    output = layer.output
                except AttributeError:  # a layer shared between several nodes has no single output
                    continue
                if isinstance(output, (list, tuple)):
                    tags += ['%s_out_%d' % (layer.name, i) for i in range(len(output))]
                    outputs += list(output)
                else:
                    tags.append('%s_out' % layer.name)
                    outputs.append(output)
            n_outputs = len(outputs)
            weights = []
            if self.write_grads:
                weights = [w for w in model.trainable_weights]
                tags += ['%s_grad' % _tag(w) for w in weights]
                outputs += K.gradients(model.total_loss, weights)
            inputs = model._feed_inputs + model._feed_targets + model._feed_sample_weights
            extra = []
            if model._uses_dynamic_learning_phase():
                inputs = inputs + [K.learning_phase()]
                extra = [np.uint8(0)]
            self._diagnostics = (tags, n_outputs, K.function(inputs, outputs), extra)
        return self._diagnostics

    def _run_diagnostics(self, arrays):
        """Layer outputs over all validation samples; gradients averaged over the batches by size."""
        tags, n_outputs, function, extra = self._diagnostic_function()
        size = len(arrays[0])
        batch = self.batch_size or size
        collected = [[] for _ in tags]
        for start in range(0, size, batch):
            values = function([a[start:start + batch] for a in arrays] + extra)
            count = min(batch, size - start)
            for i, value in enumerate(values):
                collected[i].append(value if i < n_outputs else np.asarray(value) * count)
        results = [np.concatenate(c) if i < n_outputs else np.sum(c, axis=0) / size
                   for i, c in enumerate(collected)]
        return tags, results

    # Embeddings --------------------------------------------------------------------
    def _embedding_layers(self):
        if self.embeddings_layer_names:
            return [self.model.get_layer(name) for name in self.embeddings_layer_names]
        return [layer for layer in self.model.layers if type(layer).__name__ == 'Embedding']

    def _metadata_for(self, layer_name):
        meta = self.embeddings_metadata
        if isinstance(meta, dict):
            meta = meta.get(layer_name)
        return _read_metadata(meta) if meta else (None, None)

    def _write_embeddings(self, epoch):
        writer = self._writer('train')
        layers = self._embedding_layers()
        if self.embeddings_data is not None:
            data = self.embeddings_data
            inputs = data if isinstance(data, list) else [data]
            function = K.function(list(self.model.inputs), [layer.output for layer in layers])
            matrices = function([np.asarray(a) for a in inputs])
        else:
            matrices = [K.get_value(layer.embeddings) for layer in layers]
        for layer, matrix in zip(layers, matrices):
            matrix = np.asarray(matrix).reshape(len(matrix), -1)
            metadata, header = self._metadata_for(layer.name)
            writer.add_embedding(matrix, metadata=metadata, metadata_header=header, tag=layer.name,
                                 global_step=epoch)


def model_graph(model):
    """The model's layer graph as a TensorBoard `GraphDef` (from tensorboardX's protobufs).

    One node per layer, named after the layer, with its class as the op,
    its inbound layers as inputs, its output shapes (`_output_shapes`, shown
    on the edges) and its JSON config as attributes.
    """
    _tensorboardx()
    from tensorboardX.proto import attr_value_pb2, graph_pb2, node_def_pb2, tensor_shape_pb2
    nodes = []
    for layer in getattr(model, '_layers', model.layers):  # `_layers` includes a Sequential's InputLayer
        inbound = []
        for node in model._nodes_in_network(layer):
            inbound.extend(source.name for source in node.inbound_layers if source.name not in inbound)
        try:
            shapes = layer.output_shape
        except (AttributeError, ValueError, RuntimeError):
            shapes = []
        shapes = shapes if isinstance(shapes, list) else [shapes]
        shape_protos = [tensor_shape_pb2.TensorShapeProto(dim=[
            tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else int(d)) for d in shape])
            for shape in shapes if shape is not None]
        try:
            config = json.dumps(layer.get_config(), default=str)
        except (NotImplementedError, TypeError):
            config = '{}'
        attrs = {
            '_output_shapes': attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(shape=shape_protos)),
            'config': attr_value_pb2.AttrValue(s=config.encode('utf-8')),
        }
        nodes.append(node_def_pb2.NodeDef(name=layer.name, op=type(layer).__name__, input=inbound, attr=attrs))
    return graph_pb2.GraphDef(node=nodes)
