"""Teacher traces: a teacher answers the seed problems n times each, in shards that a merge joins."""
