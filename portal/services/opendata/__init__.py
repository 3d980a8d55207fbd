"""What leaves the portal as data: 360Giving, CSV exports, the equity view and reference data."""
