"""Text helpers of the engine: cleaning, tokens and lemmas."""
