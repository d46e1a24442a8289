"""`fastapi-fusion`: writes a renamed, verified copy of the FastAPI Fusion Core app and harness."""

# The kit's and the CLI's version (pyproject.toml, cli/pyproject.toml): a unit test keeps
# all three equal.
__version__ = "0.2.0"
