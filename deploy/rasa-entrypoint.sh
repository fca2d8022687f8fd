#!/bin/sh
# Entry point of the Rasa image: `rasa` (as `python -m assistant`, which applies
# assistant/runtime.py first) with the container's arguments, except that the HTTP API
# never starts without a token. With --enable-api and no --auth-token among the arguments, the
# token is RASA_AUTH_TOKEN, and an empty or unset RASA_AUTH_TOKEN stops the container with a
# message. (Rasa 3.6 takes the token only on its command line; an exec-form CMD cannot read the
# environment, hence this script.)
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
  set -- "$@" --auth-token "$RASA_AUTH_TOKEN"
fi

exec python -m assistant "$@"
