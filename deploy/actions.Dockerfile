# The action server of the MLOps assistant: the official rasa-sdk image at the version
# requirements.lock pins, our actions and the knowledge base they answer from.
#   docker build -f deploy/actions.Dockerfile -t mlops-assistant/actions .   (from the repository root)
FROM rasa/rasa-sdk:3.6.2

# As root (uid 0): rasa-sdk 3.6.2 depends on none of these; our actions and core/ need them, at the
# versions requirements.lock pins.
USER 0
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir --constraint /tmp/requirements.lock \
      RapidFuzz==3.14.5 \
      jellyfish==1.2.1 \
      symspellpy==6.10.1 \
      pydantic==1.10.9 \
      PyYAML==6.0.4 \
 && rm /tmp/requirements.lock

WORKDIR /app
COPY actions/ actions/
COPY core/ core/
COPY knowledge_base/ knowledge_base/

# The image's own user (uid 1001, group root), as in the base image.
USER 1001
EXPOSE 5055

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=4).status == 200 else 1)"]

# Our entry point, not rasa-sdk's: it checks the knowledge base first and refuses to start on an
# invalid one (exit status 2, with the file, entry and reason), then serves actions.actions.
ENTRYPOINT ["python", "-m", "actions"]
CMD ["--port", "5055"]
