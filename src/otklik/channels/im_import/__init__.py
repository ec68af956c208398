"""Import of «Инцидент Менеджмент» exports (xlsx): social-media incidents of the past as messages."""
