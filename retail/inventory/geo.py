"""Great-circle distance between coordinates, vectorised."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Haversine distance in km; arguments in degrees, broadcast against each other."""
    return Sites(lat2, lon2).km_from(lat1, lon1)


class Sites:
    """Fixed places (stores, warehouses) whose distance to many points is asked for: their
    trigonometry is computed once."""

    def __init__(self, lat, lon) -> None:
        self.lat = np.radians(lat)
        self.lon = np.radians(np.asarray(lon, float))
        self.cos_lat = np.cos(self.lat)

    def km_from(self, lat, lon) -> np.ndarray:
        """Haversine distance in km from (lat, lon) in degrees, broadcast against the sites."""
        p = np.radians(lat)
        dp, dl = self.lat - p, self.lon - np.radians(lon)
        across = np.cos(p) * self.cos_lat  # a plain float times an array when p is one point
        h = np.square(np.sin(dp / 2)) + across * np.square(np.sin(dl / 2))
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
