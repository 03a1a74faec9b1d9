"""Fixtures for notifications: Celery runs eagerly so e-mails enqueued on commit land in
``mailoutbox``; a creator (with a profile) and the personas of tests/conftest.py."""

from collections.abc import Iterator

import pytest

from config.celery import app as celery_app
from creators.models import CreatorProfile
from tests.factories.creators import CreatorProfileFactory


@pytest.fixture(autouse=True)
def eager_celery() -> Iterator[None]:
    old = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old


@pytest.fixture
def creator(db: None) -> CreatorProfile:
    return CreatorProfileFactory(display_name="Maya Lopez")
