"""K surface, part 7: convolution, pooling and locally-connected ops."""

__all__ = []
