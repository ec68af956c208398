"""The citizens' portal API: accounts with 152-ФЗ consent, submissions with photos, own appeals, rating, reopen."""
