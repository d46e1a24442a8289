"""The base of the models read from MongoDB documents."""

from typing import Any, Self

from pydantic import BaseModel, model_validator


class StoredDocument(BaseModel):
    """A model of a stored document: the document's `_id` is the model's `id`, as text."""

    id: str

    @model_validator(mode="before")
    @classmethod
    def _id_as_text(cls, data: Any) -> Any:
        # Documents carry their key as `_id` (an ObjectId); the model and clients see text.
        if isinstance(data, dict) and "_id" in data:
            return {**data, "id": str(data["_id"])}
        return data

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Self:
        """The model for a stored document."""
        return cls.model_validate(document)
