"""Sensors report measured values; the simulator keeps the truth beside them."""

from hardware_models.sensors.beacon import BeaconConfig, BeaconReader
from hardware_models.sensors.camera import CameraCounter, CameraCounterConfig
from hardware_models.sensors.door import DoorCounter, DoorCounterConfig
from hardware_models.sensors.quarantine import Quarantine, Reason
from hardware_models.sensors.rfid import RfidConfig, RfidReader
from hardware_models.sensors.shelf import ShelfSensor, ShelfSensorConfig

__all__ = [
    "BeaconConfig",
    "BeaconReader",
    "CameraCounter",
    "CameraCounterConfig",
    "DoorCounter",
    "DoorCounterConfig",
    "Quarantine",
    "Reason",
    "RfidConfig",
    "RfidReader",
    "ShelfSensor",
    "ShelfSensorConfig",
]
