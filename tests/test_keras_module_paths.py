"""Keras 2.2.4's public module paths and names, reachable as attributes after `import minikeras`."""
import importlib

import pytest

import minikeras

# (dotted path under the package, names Keras 2.2.4 code imports from it)
PATHS = [
    ('engine.topology', ['Layer', 'InputSpec', 'Node', 'Input', 'InputLayer', 'Network', 'get_source_inputs']),
    ('objectives', ['mean_squared_error', 'categorical_crossentropy', 'binary_crossentropy', 'get']),
    ('layers.convolutional', ['Conv2D', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D',
                              'AveragePooling2D', 'AveragePooling3D', 'ZeroPadding2D', 'Cropping2D',
                              'UpSampling2D', 'AtrousConvolution1D', 'AtrousConvolution2D', 'AtrousConv2D']),
    ('layers.recurrent', ['Recurrent']),
    ('layers.convolutional_recurrent', ['ConvRecurrent2D', 'Recurrent']),
    ('layers', ['Highway', 'MaxoutDense', 'AtrousConvolution1D', 'AtrousConvolution2D', 'Recurrent',
                'ConvRecurrent2D']),
    ('legacy.layers', ['Highway', 'MaxoutDense', 'AtrousConvolution1D', 'AtrousConvolution2D', 'Recurrent',
                       'ConvRecurrent2D']),
    ('legacy.interfaces', ['legacy_get_updates_support', 'legacy_dense_support', 'legacy_conv2d_support',
                           'legacy_recurrent_support', 'legacy_generator_methods_support',
                           'legacy_add_weight_support', 'generate_legacy_interface',
                           'generate_legacy_method_interface', 'raise_duplicate_arg_error']),
    ('utils', ['get_file', 'HDF5Matrix', 'h5dict', 'multi_gpu_model', 'convert_all_kernels_in_model',
               'get_source_inputs', 'Sequence', 'to_categorical', 'plot_model', 'Progbar']),
    ('utils.data_utils', ['get_file', 'validate_file', '_hash_file', '_extract_archive', 'Sequence']),
    ('utils.io_utils', ['HDF5Matrix', 'h5dict', 'ask_to_proceed_with_overwrite']),
    ('utils.conv_utils', ['convert_kernel']),
    ('utils.layer_utils', ['convert_all_kernels_in_model', 'convert_dense_weights_data_format', 'convert_kernel',
                           'get_source_inputs', 'print_summary', 'count_params']),
    ('utils.multi_gpu_utils', ['multi_gpu_model']),
    ('utils.test_utils', ['get_test_data', 'keras_test', 'layer_test']),
    ('backend', ['get_session', 'set_session', 'py_all', 'py_any', 'py_sum', 'py_slice']),
    ('datasets', ['mnist', 'fashion_mnist', 'cifar10', 'cifar100', 'imdb', 'reuters', 'boston_housing',
                  'digits']),
]


@pytest.mark.parametrize('path,names', PATHS, ids=[p for p, _ in PATHS])
def test_module_path_is_bound_and_has_the_names(path, names):
    module = minikeras
    for part in path.split('.'):
        module = getattr(module, part)  # bound as an attribute, no import needed
    assert module is importlib.import_module('minikeras.' + path)
    missing = [n for n in names if not hasattr(module, n)]
    assert not missing


def test_keras_2_top_level_modules_are_bound():
    for name in ['utils', 'activations', 'backend', 'datasets', 'engine', 'layers', 'preprocessing', 'callbacks',
                 'constraints', 'initializers', 'metrics', 'models', 'losses', 'optimizers', 'regularizers']:
        assert hasattr(minikeras, name), name
    for name in ['np_utils', 'generic_utils', 'data_utils', 'io_utils', 'conv_utils']:
        assert hasattr(minikeras.utils, name), name


def test_reexports_are_the_same_objects():
    assert minikeras.engine.topology.Layer is minikeras.layers.Layer
    assert minikeras.layers.convolutional.MaxPooling2D is minikeras.layers.pooling.MaxPooling2D
    assert minikeras.objectives.mean_squared_error is minikeras.losses.mean_squared_error
    assert minikeras.utils.io_utils.HDF5Matrix is minikeras.utils.HDF5Matrix
