"""End-to-end conversations written blind to the training data, run over REST and signed SMS."""
