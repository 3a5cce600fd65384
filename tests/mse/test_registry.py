"""The method registry that the CLI and other modules build on."""

from __future__ import annotations

import pytest

from purgetoll.mse import InvalidParameterError, LogLinear, make_estimator, methods, register
from purgetoll.mse._registry import _REGISTRY


def test_make_estimator_parses_spec():
    est = make_estimator("loglinear:Mt+1:2")
    assert isinstance(est, LogLinear) and est.model == "Mt+1:2"
    assert make_estimator("loglinear").model == "Mt"
    assert make_estimator("stepwise", seed=9).seed == 9


def test_register_rejects_bad_names_and_a_second_owner():
    with pytest.raises(InvalidParameterError) as err:
        register("Log:Linear", lambda spec, seed: LogLinear(), description="x")
    assert str(err.value) == "method name must be lower case without ':'; got 'Log:Linear'"
    owner = methods()["loglinear"].module
    with pytest.raises(InvalidParameterError) as err:
        register("loglinear", lambda spec, seed: LogLinear(), description="x")
    assert str(err.value) == (
        f"method 'loglinear' is already registered by {owner}; cannot register it again "
        f"from {__name__}"
    )
    assert _REGISTRY["loglinear"].module == owner
