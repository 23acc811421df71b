// The channel-webhook executable; filled in by the channel-webhook stage.
print("channel-webhook: not built yet")
