"""How a network counts the losses of its layers (Keras 2.2): shared layers, nested models, numbers."""
import numpy as np

from minikeras import backend as K
from minikeras import regularizers
from minikeras.layers import Average, Dense, Input
from minikeras.models import Model


def _two_input_model(layer1, layer2):
    a, b = Input((5,)), Input((5,))
    out2 = layer2(b)
    model = Model([a, b], Average()([layer1(a), out2]))
    model.add_loss(K.mean(out2))
    model.add_loss(1)
    model.add_loss(1)
    return model


def _regularized_dense():
    return Dense(2, kernel_regularizer=regularizers.l1(), activity_regularizer=regularizers.l1())


def test_shared_layer_counts_one_weight_loss_and_an_activity_loss_per_call():
    dense = _regularized_dense()
    model = _two_input_model(dense, dense)
    # kernel l1 once, activity l1 twice, the mean, and both numbers
    assert len(model.losses) == 6
    assert sum(1 for x in model.losses if not K.is_tensor(x)) == 2


def test_nested_model_keeps_its_weight_losses():
    dense = _regularized_dense()
    x = Input((5,))
    inner = Model(x, dense(x))
    model = _two_input_model(inner, inner)
    assert len(model.losses) == 6
    # The kernel regularizer of the nested model's layer is among them.
    assert any(loss is dense.get_losses_for(None)[0] for loss in model.losses)
    model.compile('sgd', 'mse')
    data = [np.ones((2, 5)), np.ones((2, 5))]
    assert np.isfinite(model.train_on_batch(data, np.zeros((2, 2))))


def test_shared_layer_in_two_nested_models():
    shared = _regularized_dense()
    models = []
    for _ in range(2):
        x = Input((5,))
        models.append(Model(x, Dense(2, kernel_regularizer=regularizers.l1())(shared(x))))
    model = _two_input_model(*models)
    # shared kernel, two unshared kernels, two activity losses, the mean, two numbers
    assert len(model.losses) == 8
