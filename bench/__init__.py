"""``make bench``: the speed targets of the issues, measured against baselines of the same run."""
