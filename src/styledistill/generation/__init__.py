"""One generation interface: requests with content keys, a crash-safe store, and backends."""
