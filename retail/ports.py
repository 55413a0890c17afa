"""The public interfaces of the business modules, as typing Protocols.

The testbed drives whatever object satisfies these protocols: the implementations in this
package by default, or an engineer's own (selected in config with a Hydra `_target_`).
Each module owns one section below; data types used in the signatures live in the module's
own `types`/`model` file, imported here.
"""

from __future__ import annotations

# --- membership (issue 3) ---

# --- inventory and orders (issue 4) ---

# --- marketing and store tiering (issue 5) ---
