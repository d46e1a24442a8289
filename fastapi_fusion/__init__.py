"""`fastapi-fusion`: writes a renamed, verified copy of the FastAPI Fusion Core app and harness."""
