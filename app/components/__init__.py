"""The page's panels, one file each."""
