"""Training-set variants aligned to the same problems: ST, ST-HC, ST-HC-W, ST-NT, SBS."""
