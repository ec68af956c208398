"""The understanding engine: text normalisation, models, gazetteer; training and evaluation."""
