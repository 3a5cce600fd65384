"""The censuses' verdict on the scenarios: simulated 1939 census and cohort survival against the real ones."""
