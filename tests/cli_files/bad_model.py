"""A model with problems, for the CLI tests."""

import math
import zlib


def fine(x):
    return math.sin(x)


def broken(x):
    y = zlib.crc32(x)
    return y + x
