"""`make report`: what people ask and where the assistant fails, read from the tracker store.

`python -m evaluation.report --help`. Reads the events of the store `endpoints.yml` configures (no
server needed), writes results/report.html (self-contained), results/report.json (every figure),
results/inbox.yml (messages to label, as Rasa NLU data) and results/kb-candidates.tsv (unknown tools).
"""
