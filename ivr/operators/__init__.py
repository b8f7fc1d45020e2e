"""The operators' tools: the `ivr` command, the terminal phone, check, tree, preview, diff,
Twilio set-up and the production server."""
