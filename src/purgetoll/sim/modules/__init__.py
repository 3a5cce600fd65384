"""Simulation modules, one mechanism a file: ``demography`` (births, deaths, ageing) and
``territory`` (annexations). Terror, gulag, famine and war modules plug in the same way
(see :mod:`purgetoll.sim.modules.base`)."""

from purgetoll.sim.modules.base import Module
from purgetoll.sim.modules.demography import Demography
from purgetoll.sim.modules.territory import Territory

__all__ = ["Demography", "Module", "Territory"]
