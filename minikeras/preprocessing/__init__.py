"""Data preprocessing (`keras.preprocessing`): sequences, text and images.

Submodules, with Keras 2.2 (keras-preprocessing 1.0.x) semantics:

- `minikeras.preprocessing.sequence`: `pad_sequences`, `TimeseriesGenerator`,
  `make_sampling_table`, `skipgrams`;
- `minikeras.preprocessing.text`: `Tokenizer`, `tokenizer_from_json`,
  `text_to_word_sequence`, `one_hot`, `hashing_trick`;
- `minikeras.preprocessing.image`: `ImageDataGenerator` and its iterators,
  the affine transform helpers, `load_img`, `img_to_array`, `array_to_img`,
  `save_img` (the file functions need Pillow: `pip install 'minikeras[image]'`);
  its numpy transforms live in `minikeras.preprocessing.affine_transformations`.

`timeseries_dataset_from_array` (from tf.keras) is exported here and returns
an iterable `Sequence` of numpy `(x, y)` batches. Not provided:
`image_dataset_from_directory`, `text_dataset_from_directory` and
`ImageDataGenerator.flow_from_dataframe` (it needs pandas).
"""
from . import image, sequence, text  # noqa: F401
from .sequence import timeseries_dataset_from_array  # noqa: F401
