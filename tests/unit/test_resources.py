"""The app's typed resources: built by the lifespan, frozen, and reached through one accessor."""

from dataclasses import FrozenInstanceError

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from starlette.applications import Starlette

from app.resources import LifespanNotRunError, Resources, resources_of, settings_of
from app.settings import Settings


def test_resources_fail_clearly_before_the_lifespan(app: FastAPI) -> None:
    with pytest.raises(LifespanNotRunError, match="lifespan, which has not run"):
        resources_of(app)


def test_settings_are_there_before_the_lifespan(app: FastAPI, settings: Settings) -> None:
    assert settings_of(app) == settings


def test_an_app_not_built_by_create_app_has_no_settings() -> None:
    with pytest.raises(TypeError, match=r"not built by app\.main\.create_app"):
        settings_of(Starlette())


async def test_the_lifespan_attaches_one_frozen_resources_object(app: FastAPI) -> None:
    async with LifespanManager(app):
        resources = resources_of(app)
        assert isinstance(resources, Resources)
        assert resources_of(app) is resources
        assert resources.probes.keys() == resources.backends.probes().keys()
        assert set(resources.sql_engines) == {
            resources.backends.postgres.name,
            resources.backends.admins.name,
        }
        with pytest.raises(FrozenInstanceError):
            resources.probes = {}  # type: ignore[misc]
        with pytest.raises(FrozenInstanceError):
            resources.auth.password_hasher = resources.auth.password_hasher  # type: ignore[misc]
