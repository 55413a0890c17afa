"""Thin adapters between the pure device models (`hardware_models`) and the SimPy world:
timings become delays, faults become events, repairs take staff off the floor."""
