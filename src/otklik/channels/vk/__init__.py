"""The VK channel: Callback API and polling in, wall comments and private messages out."""
