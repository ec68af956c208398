"""A realistic demo stream of citizens' messages across the region, for `otklik serve --demo`."""
