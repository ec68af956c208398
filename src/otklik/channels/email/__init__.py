"""E-mail: an IMAP mailbox polled into messages, answers sent over SMTP in the citizen's thread."""
