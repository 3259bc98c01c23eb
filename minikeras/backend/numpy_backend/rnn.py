"""K surface, part 8: `rnn`, the symbolic scan over time."""

__all__ = []
