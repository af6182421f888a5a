"""The Assign FastTrack Architect process as plain Python: no I/O, no clock, no frameworks."""
