"""The layer config keys tf.keras 2.x and tf-keras write, and what minikeras does with each.

`load_model` passes the model config of a file written by tf.keras (its
`keras_version` is `2.x.y-tf` or at least 2.4) through `adapt_model_config`.
Every key tf.keras 2.0-2.21 writes is either understood or ignored for a
reason (`TF_KERAS_LAYER_KEYS` lists them); one that changes the computation
and has no minikeras equivalent raises a ValueError naming the layer and
the argument when the layer is built.

Understood, with the same meaning as in tf.keras:

* `seed` of `GaussianNoise`, `GaussianDropout`, `Dropout`, `AlphaDropout`
  and of initializers (used for reproducibility; the random sequence is
  numpy's, not TensorFlow's);
* `groups` of convolutions (1 only; other values raise);
* `batch_shape` (Keras 3 spelling of `batch_input_shape`);
* dtype policies (`{"class_name": "Policy", ...}`): the variable dtype, see
  `engine.saving.preprocess_model_config`;
* `BatchNormalization`: `fused` decides the moving-variance correction as in
  tf.keras (this module adds `fused: null` to the layers of tf.keras files,
  which never write it); `renorm`, `virtual_batch_size`, `adjustment` and
  `synchronized` raise when set.

Ignored, because they do not change the computation of a model loaded here:

* `time_major: false` of recurrent layers (`true` raises), `implementation`
  of `LocallyConnected` layers (its three modes compute the same values),
  `noise_shape` of `SpatialDropout*` (which compute their own), the unused
  `kernel_*` keys of separable convolutions, `keepdims: false` of global
  pooling (`true` is honoured);

* `InputLayer`: `sparse: false`, `ragged: false` (`true` raises: minikeras
  tensors are dense) and `optional` (Keras 3); the `trainable`/`dtype` of
  layers without weights;
* `module` / `registered_name` / `build_config` / `compile_config` around any
  serialized object (registration metadata);
* `jit_compile`-style keys of optimizers (see `optimizers.tf_keras_formats`).
"""

__all__ = ['TF_KERAS_LAYER_KEYS', 'adapt_model_config', 'is_tf_keras_file']

#: Keys tf.keras 2.x writes that Keras 2.2.4 does not, with what minikeras does with each.
TF_KERAS_LAYER_KEYS = {
    'seed': 'used (noise and dropout layers, initializers)',
    'groups': 'used (convolutions; only 1 is supported, other values raise)',
    'batch_shape': 'renamed to batch_input_shape',
    'fused': 'used (BatchNormalization moving-variance correction)',
    'renorm': 'raises when true', 'virtual_batch_size': 'raises when set', 'adjustment': 'raises when set',
    'synchronized': 'raises when true', 'renorm_clipping': 'raises when set', 'renorm_momentum': 'ignored',
    'sparse': 'ignored when false, raises when true (InputLayer)',
    'ragged': 'ignored when false, raises when true (InputLayer)',
    'optional': 'ignored (InputLayer)',
    'time_major': 'ignored when false, raises when true (recurrent layers take (batch, time, ...) inputs)',
    'implementation': 'checked (LocallyConnected: 1, 2 or 3 compute the same result)',
    'module': 'dropped (registration metadata)', 'registered_name': 'dropped (registration metadata)',
    'build_config': 'dropped (shapes are inferred)', 'compile_config': 'dropped (training_config is read)',
}


def is_tf_keras_file(keras_version):
    """True for the `keras_version` attribute tf.keras / tf-keras write ('2.2.4-tf', '2.4.0' ... '2.21.0')."""
    from ..optimizers.tf_keras_formats import _is_tf_keras_version
    return _is_tf_keras_version(keras_version)


def _layers(config):
    """The layer entries of a (possibly nested) model config."""
    inner = config.get('config')
    if isinstance(inner, dict) and isinstance(inner.get('layers'), list):
        for layer in inner['layers']:
            yield layer
            if isinstance(layer, dict):
                for nested in _layers(layer):
                    yield nested
    if isinstance(inner, dict) and isinstance(inner.get('layer'), dict):  # wrappers
        yield inner['layer']
        for nested in _layers(inner['layer']):
            yield nested


def adapt_model_config(config, keras_version):
    """Adapts a (preprocessed) model config read from a file to the tf.keras semantics of its writer.

    Args:
        config: the model config (modified in place and returned).
        keras_version: the file's `keras_version` attribute.

    Returns:
        `config`.
    """
    if not is_tf_keras_file(keras_version):
        return config
    for layer in _layers(config):
        if isinstance(layer, dict) and layer.get('class_name') == 'BatchNormalization':
            layer.setdefault('config', {}).setdefault('fused', None)
    return config
