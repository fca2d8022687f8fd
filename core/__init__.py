"""The pure core: the MLOps tool knowledge base and the resolver. Imports nothing from Rasa."""
