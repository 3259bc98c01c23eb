"""What `Model.compile` builds: one record per output, the total loss and the metrics.

`compile` used to keep parallel per-output lists (loss functions, targets,
sample weights, modes, masks, loss weights); here each output gets one
`OutputRecord` holding all of them, built once from the user's single / list /
dict specifications, and the metric tensors are collected from the records
(plus the metrics that layers add with `Layer.add_metric`).
"""
import warnings

from .. import backend as K
from .. import losses as losses_module
from .. import metrics as metrics_module
from ..utils.generic_utils import to_list
from .base_layer import Layer, _collect_previous_mask
from .training_utils import collect_metrics, per_output, weighted_masked_objective


class OutputRecord(object):
    """Everything `compile` knows about one model output.

    Attributes:
        name: the output layer's name (the prefix of its metric names).
        output: the output tensor.
        loss_fn: the resolved loss (function or `Loss` instance), or None when
            the output is not trained against a target.
        loss_weight: scalar weight of the output's loss in the total loss.
        target: the target tensor (a placeholder, or a `target_tensors` entry),
            None without a loss.
        fed: whether `target` and `sample_weight` are placeholders fed from
            data (False for a non-placeholder `target_tensors` entry).
        sample_weight: the sample-weight placeholder (None when not fed).
        sample_weight_mode: None or 'temporal'.
        mask: the output's mask tensor, or None.
        loss: the weighted, masked mean loss tensor of the output, or None.
        metrics: the `metrics_names` entries of this output's metrics (filled
            by `CompiledMetrics`).
    """

    def __init__(self, name, output, loss_fn, loss_weight, target, fed, sample_weight, sample_weight_mode, mask):
        self.name = name
        self.output = output
        self.loss_fn = loss_fn
        self.loss_weight = loss_weight
        self.target = target
        self.fed = fed
        self.sample_weight = sample_weight
        self.sample_weight_mode = sample_weight_mode
        self.mask = mask
        self.loss = None
        self.metrics = []
        if loss_fn is not None:
            objective = weighted_masked_objective(losses_module.per_sample(loss_fn))
            self.loss = objective(target, output, sample_weight, mask)

    @property
    def shape(self):
        return K.int_shape(self.output)

    @property
    def target_shape(self):
        """The shape targets are checked against: None for user-defined losses (no assumption)."""
        fn = self.loss_fn
        if fn is losses_module.sparse_categorical_crossentropy:
            return self.shape[:-1] + (1,)
        if not hasattr(fn, '__name__') or getattr(losses_module, fn.__name__, None) is not fn:
            return None
        return self.shape


def _loss_weights(loss_weights, output_names):
    if loss_weights is None:
        return [1.] * len(output_names)
    if not isinstance(loss_weights, (list, dict)):
        raise TypeError('Could not interpret loss_weights argument: %r - expected a list of floats or a dict '
                        'keyed by output name.' % (loss_weights,))
    return [1. if w is None else w for w in per_output(loss_weights, output_names, 'loss_weights', default=1.)]


def _sample_weight_modes(modes, output_names):
    if isinstance(modes, dict):
        missing = [name for name in output_names if name not in modes]
        if missing:
            raise ValueError('Output "%s" missing from sample_weight_modes dictionary (outputs: %s)'
                             % (missing[0], output_names))
    return per_output(modes, output_names, 'sample_weight_mode')


def _target_tensors(target_tensors, output_names):
    if target_tensors is None:
        return [None] * len(output_names)
    if isinstance(target_tensors, list):
        if len(target_tensors) != len(output_names):
            raise ValueError('When passing a list as `target_tensors`, it should have one entry per model output. '
                             'The model has %d outputs, but you passed target_tensors=%s'
                             % (len(output_names), target_tensors))
        return list(target_tensors)
    if isinstance(target_tensors, dict):
        return per_output(target_tensors, output_names, 'target_tensors')
    if K.is_tensor(target_tensors):
        if len(output_names) != 1:
            raise ValueError('The model has %d outputs, but you passed a single tensor as `target_tensors`. '
                             'Expected a list or a dict of tensors.' % len(output_names))
        return [target_tensors]
    raise TypeError('Expected `target_tensors` to be a tensor, a list of tensors or a dict of tensors, got %r'
                    % (target_tensors,))


def _losses(loss, output_names, model_name):
    if isinstance(loss, dict):
        for name in output_names:
            if name not in loss:
                warnings.warn('Output "%s" missing from loss dictionary. We assume this was done on purpose. The '
                              'fit and evaluate APIs will not be expecting any data to be passed to "%s".'
                              % (name, name))
    specs = per_output(loss, output_names, 'loss')
    result = []
    for name, spec in zip(output_names, specs):
        try:
            result.append(losses_module.get(spec))
        except ValueError as e:
            raise ValueError('compile(loss=...) for output "%s" of model %s: %s' % (name, model_name, e))
    return result


def build_output_records(model, loss, loss_weights, sample_weight_mode, target_tensors):
    """One `OutputRecord` per output of `model` (inputs and outputs already set).

    Raises:
        ValueError / TypeError: a list or dict specification that does not match
            the outputs (the message names the argument and the output names).
    """
    names = model.output_names
    records = []
    specs = zip(names, model.outputs, _losses(loss, names, model.name), _loss_weights(loss_weights, names),
                _sample_weight_modes(sample_weight_mode, names), _target_tensors(target_tensors, names))
    for name, output, loss_fn, weight, mode, target in specs:
        if mode not in (None, 'temporal'):
            raise ValueError('"sample_weight_mode" should be None or "temporal". Found: %r' % (mode,))
        fed = loss_fn is not None and (target is None or K.is_placeholder(target))
        if loss_fn is not None and target is None:
            target = K.placeholder(ndim=len(K.int_shape(output)), name=name + '_target', dtype=K.dtype(output))
        weights = K.placeholder(ndim=2 if mode == 'temporal' else 1, name=name + '_sample_weights') if fed else None
        mask = to_list(_collect_previous_mask(output))[0]
        records.append(OutputRecord(name, output, loss_fn, weight, target if loss_fn is not None else None, fed,
                                    weights, mode, mask))
    return records


def total_loss(records, extra_losses, model_name):
    """Sum of the weighted output losses and the model's own losses (`model.losses`).

    Raises:
        ValueError: nothing to optimise (no output loss and no added loss).
    """
    total = None
    for record in records:
        if record.loss is not None:
            term = record.loss * record.loss_weight if record.loss_weight != 1. else record.loss
            total = term if total is None else total + term
    if total is None and not extra_losses:
        raise ValueError('The model %s cannot be compiled because it has no loss to optimize: give `loss` for at '
                         'least one output, or add a loss with `model.add_loss`.' % model_name)
    for loss_tensor in extra_losses:
        total = loss_tensor if total is None else total + loss_tensor
    return total if K.is_tensor(total) else K.constant(total)  # plain-number losses only


def is_stateful_metric(metric):
    return hasattr(metric, 'update_state') and hasattr(metric, 'result') and hasattr(metric, 'reset_states')


class CompiledMetrics(object):
    """The values a compiled model reports, in `metrics_names` order.

    Attributes:
        names: `metrics_names` ('loss', the per-output losses when there are
            several outputs, then each output's metrics, then layer metrics).
        tensors: graph tensors for every name but 'loss' and host metrics.
        updates: update ops of stateful metrics computed in the graph.
        stateful_names, stateful_functions: metrics reported as their last
            value (reset at the start of each epoch / evaluation).
        host: `(position, metric, fed_output_index, weighted)` for stateful
            metrics updated outside the graph from the predictions.
    """

    def __init__(self, records, metrics, weighted_metrics, layer_metrics=()):
        self.names = ['loss']
        self.tensors, self.updates = [], []
        self.stateful_names, self.stateful_functions, self.host = [], [], []
        output_names = [r.name for r in records]
        self.multi = len(records) > 1
        trained = [r for r in records if r.loss is not None]
        if self.multi:
            for record in trained:
                self.tensors.append(record.loss)
                self.names.append(record.name + '_loss')
        plain, weighted = collect_metrics(metrics, output_names), collect_metrics(weighted_metrics, output_names)
        fed = [r for r in records if r.fed]
        for i, record in enumerate(records):
            if record.loss is None:
                continue
            fed_index = fed.index(record) if record.fed else None
            self._add(record, plain[i], None, fed_index)
            self._add(record, weighted[i], record.sample_weight, fed_index)
        for name, tensor in layer_metrics:
            self.names.append(self._unique(name))
            self.tensors.append(tensor)

    def _unique(self, name):
        base, j = name, 1
        while name in self.names:
            name = '%s_%d' % (base, j)
            j += 1
        return name

    def _add(self, record, metrics, weights, fed_index):
        prefix = 'weighted_' if weights is not None else ''
        for metric in metrics:
            if metric in ('accuracy', 'acc', 'crossentropy', 'ce'):
                fn = metrics_module.resolve_accuracy(metric, record.loss_fn, record.shape)
                name = prefix + ('acc' if metric in ('accuracy', 'acc') else 'ce')
            else:
                try:
                    fn = metrics_module.get(metric)
                except ValueError as e:
                    raise ValueError('compile(metrics=...) for output "%s": %s' % (record.name, e))
                if isinstance(fn, type):
                    fn = fn()
                name = prefix + (getattr(fn, 'name', None) or getattr(fn, '__name__', type(fn).__name__))
            name = self._unique(record.name + '_' + name if self.multi else name)
            position = len(self.names)
            self.names.append(name)
            record.metrics.append(name)
            if not is_stateful_metric(fn):
                self.tensors.append(weighted_masked_objective(fn)(record.target, record.output, weights, record.mask))
                if isinstance(fn, Layer) and fn.stateful:  # a Keras 2.2 metric layer: updates its own variables
                    self.stateful_names.append(name)
                    self.stateful_functions.append(fn)
                    self.updates += fn.updates
                continue
            self.stateful_names.append(name)
            self.stateful_functions.append(fn)
            if getattr(fn, 'has_symbolic_update', False):
                value, updates = fn.symbolic_call(record.target, record.output, sample_weight=weights)
                self.tensors.append(value)
                self.updates += list(updates)
            elif fed_index is None:
                raise ValueError('compile(metrics=...) for output "%s": the stateful metric %s is computed outside '
                                 'the graph and needs targets fed from data, but this output\'s target is a '
                                 '`target_tensors` entry.' % (record.name, name))
            else:
                self.host.append((position, fn, fed_index, weights is not None))
