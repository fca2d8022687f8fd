#!/bin/sh
# Entry point of the Rasa image: `rasa` (as `python -m assistant`, which applies
# assistant/runtime.py first) with the container's arguments, except that the HTTP API
# never starts without a token. With --enable-api and no --auth-token among the arguments, an
# empty or unset RASA_AUTH_TOKEN stops the container with a message; when it is set,
# `python -m assistant` hands it to Rasa inside its own process, so the token is on no command
# line. (The same module refuses the REST channel on a public interface without REST_TOKEN.)
set -eu

api=false
token_given=false
for arg in "$@"; do
  case "$arg" in
    --enable-api) api=true ;;
    --auth-token | --auth-token=*) token_given=true ;;
  esac
done

if [ "$api" = true ] && [ "$token_given" = false ]; then
  if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
    echo "rasa not started: the HTTP API is enabled (--enable-api), so RASA_AUTH_TOKEN must be set" >&2
    exit 2
  fi
fi

exec python -m assistant "$@"
