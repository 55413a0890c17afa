"""Order center: orders of every type through one state machine, idempotent submission,
returns and refunds bounded per line, on-time fulfilment, and the revenue-sharing ledger.
Imports nothing of the simulator; time is an argument."""
