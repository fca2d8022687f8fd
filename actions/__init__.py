"""The action server package: thin Rasa actions over the pure core in `core`."""
