"""Keeps freed array memory in the process heap for reuse.

A training step allocates and frees the same large arrays (activations,
gradients, optimizer temporaries) thousands of times. glibc's malloc serves
large blocks with fresh `mmap` pages and returns them on free, so every step
pays page faults on every large array: several times the cost of the
arithmetic for an optimizer update. Raising the mmap and trim thresholds makes
freed blocks stay in the heap and be reused, which is what the caching
allocators of other frameworks do. Only glibc is touched; elsewhere, or with
MINIKERAS_KEEP_MALLOC=1 in the environment, nothing changes.
"""
import ctypes
import ctypes.util
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 * 1024 * 1024     # glibc's maximum on 64-bit systems
_TRIM_THRESHOLD = 512 * 1024 * 1024


def keep_freed_memory():
    """Configures glibc malloc once; returns True when the settings were applied."""
    if os.environ.get('MINIKERAS_KEEP_MALLOC') == '1' or not sys.platform.startswith('linux'):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6')
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
