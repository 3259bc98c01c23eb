"""Compatibility with older Keras APIs (`minikeras.legacy`).

`interfaces` holds, in one table, the Keras 1 argument spellings that layer
constructors accept, and `interfaces.install_legacy_support` applies it to
the layer classes once, when `minikeras.layers` is imported.
"""
