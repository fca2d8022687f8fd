"""Extensions the Rasa server loads by module path (endpoints.yml, credentials.yml)."""
