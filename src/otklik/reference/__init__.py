"""Reference data of the region: loading the shipped files and the production calendar."""
