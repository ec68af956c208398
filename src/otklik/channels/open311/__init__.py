"""Open311 GeoReport v2 server with the mySociety updates extension: apps and FixMyStreet-like sites."""
