"""botbuilder's own storage suite needs botbuilder-testing, -dialogs and -azure, whose pins
(pytest 8.3, old Azure SDKs) stay out of the app's lock: it runs in its own environment
(`make conformance`, part of `make test`) and is left out of a run without them."""

import importlib.util

if importlib.util.find_spec("botbuilder.testing") is None:
    collect_ignore_glob = ["test_*.py"]
