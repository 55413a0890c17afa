"""Great-circle distance between coordinates, vectorised."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

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
        self._tree: cKDTree | None = None

    def km_from(self, lat, lon) -> np.ndarray:
        """Haversine distance in km from (lat, lon) in degrees, broadcast against the sites."""
        return _haversine_km(np.radians(lat), np.radians(lon), self.lat, self.lon, self.cos_lat)

    def km_to(self, lat, lon, sites: np.ndarray) -> np.ndarray:
        """`km_from` to the sites of index `sites` only (points x k, for points of shape
        (points, 1)): the same arithmetic, element by element."""
        return _haversine_km(np.radians(lat), np.radians(lon), self.lat[sites], self.lon[sites],
                             self.cos_lat[sites])  # fmt: skip

    def nearest(self, lat: np.ndarray, lon: np.ndarray, k: int) -> np.ndarray:
        """Per point (degrees), the indices of the `k` sites nearest to it (points x k, in
        index order), from a k-d tree on unit vectors: their straight-line distance orders
        sites as the great circle does."""
        if self._tree is None:
            self._tree = cKDTree(_unit_vectors(self.lat, self.lon))
        points = _unit_vectors(np.radians(lat), np.radians(lon))
        _, found = self._tree.query(points, k=list(range(1, k + 1)))
        return np.sort(found, axis=1)


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    cos_lat = np.cos(lat)
    return np.column_stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)])


def _haversine_km(p, lam, lat, lon, cos_lat) -> np.ndarray:
    dp, dl = lat - p, lon - lam
    across = np.cos(p) * cos_lat  # a plain float times an array when p is one point
    h = np.square(np.sin(dp / 2)) + across * np.square(np.sin(dl / 2))
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
