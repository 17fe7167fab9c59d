"""One deterministic, collision-free name allocator per generated function.

The tangent of ``x`` is ``dx``; when the user's code already uses ``dx`` the tangent moves to
``d_x``, then ``dx_1``, ``dx_2``... Temporaries are ``t1``, ``t2``... Names come from counters
only, so the same input always gives the same output.
"""

from __future__ import annotations

class Namer:
    def __init__(self, used=()):
        self.used = set(used)
        self.tangents = {}
        self.counters = {}

    def _take(self, candidates, base):
        for name in candidates:
            if name not in self.used:
                self.used.add(name)
                return name
        return self._numbered(base, "%s_%d")

    def _numbered(self, base, pattern):
        i = self.counters.get(base, 0)
        while True:
            i += 1
            name = pattern % (base, i)
            if name not in self.used:
                self.counters[base] = i
                self.used.add(name)
                return name

    def tangent(self, name: str) -> str:
        """The tangent name of a primal name, the same every time it is asked for."""
        if name not in self.tangents:
            self.tangents[name] = self._take(["d" + name, "d_" + name], "d" + name)
        return self.tangents[name]

    def temp(self, base: str = "t") -> str:
        """A fresh temporary: t1, t2, ... (or base1, base2...)."""
        return self._numbered(base, "%s%d")

    def fresh(self, preferred: str) -> str:
        """``preferred`` itself if free, else a numbered variant."""
        return self._take([preferred], preferred)

    def fresh_function(self, preferred: str, module_globals) -> str:
        """A name for a generated function: also free among the user's module globals, which a
        dumped module defines beside it."""
        name = self.fresh(preferred)
        while name in module_globals:
            name = self.fresh(preferred)
        return name
