"""The run archive: every followed run recorded, read back, replayed, exported, imported."""
