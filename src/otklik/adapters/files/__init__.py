"""Uploaded files kept on disk: the citizen's photos and the attachments of final answers."""
