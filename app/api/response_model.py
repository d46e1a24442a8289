"""The base of the response models read off stored rows and documents."""

from pydantic import BaseModel, ConfigDict


class ResponseModel(BaseModel):
    """Output built by `model_validate` from a stored object, read attribute by attribute."""

    # A field the model does not declare (a password hash, a soft-delete flag) never leaves.
    model_config = ConfigDict(from_attributes=True)
