"""Fixtures shared by the test modules."""

import pytest

from pushforward import taylor_scalar


@pytest.fixture(params=["numbers", "series"])
def taylor_path(request, monkeypatch):
    """Taylor mode writes coefficient code for numbers where it can (pushforward.taylor_scalar);
    "series" makes every function run on series objects instead, as arrays and containers do."""
    if request.param == "series":
        def unsupported(*args):
            raise taylor_scalar.Unsupported("series objects, for the test")

        monkeypatch.setattr(taylor_scalar, "generate", unsupported)
    return request.param
