"""The API backend (litellm): settings, rate and budget limits, retry rules, secret scrubbing, the backend."""
