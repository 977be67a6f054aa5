"""Steering analyses of one scenario graph, and the comparison of two (DESIGN section 5).

Every analysis is a pure function of a :class:`networkx.MultiDiGraph` made by
:func:`graph.network.to_networkx` and returns plain Python values (None where undefined).
"""

from graph.analysis.compare import compare
from graph.analysis.layers import chain_to, steering_chains, steering_layers
from graph.analysis.report import analyze

__all__ = ["analyze", "compare", "chain_to", "steering_chains", "steering_layers"]
