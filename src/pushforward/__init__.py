"""pushforward: forward-mode automatic differentiation for Python by source transformation.

``@forward_diff`` reads a function's source and writes a new Python function that computes each
primal statement followed by its tangent. See ``forward_diff``, ``jvp``, ``jacobian`` and
``source``; ``derivative``, ``hessian``, ``hvp`` and ``taylor`` for higher derivatives.
"""

from .api import derivative, forward_diff, jacobian, jvp, source
from .errors import PushforwardError
from .higher import hessian, hvp
from .taylor_mode import taylor
from .register import defjvp, nondifferentiable

__all__ = ["forward_diff", "jvp", "jacobian", "derivative", "hessian", "hvp", "taylor", "source", "defjvp", "nondifferentiable",
           "PushforwardError"]
__version__ = "0.1.0"
