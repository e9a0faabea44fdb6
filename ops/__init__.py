"""Operations tooling outside the product: the cluster mode on loopback and the load client.

Nothing in `bot/` imports from here; these modules start, stop and measure the bot.
"""
