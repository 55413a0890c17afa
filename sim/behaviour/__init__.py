"""How simulated people respond: to a guide's ask at the till, to a push on their phone.

The business modules record what people do; these models decide what they do. They are
pure functions of a person's columns and the situation, vectorised over arrays, with their
coefficients in config so that a chain can calibrate them to its own history.
"""
