print("subtext")
