"""Store devices as small, pure state machines: no clock, no simulator, no global randomness.

Times and durations are in seconds, paper in millimetres, money in integer cents. Each
device takes the current time as an argument and returns what happened; randomness comes
from a `numpy.random.Generator` handed to its constructor.
"""
