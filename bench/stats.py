"""Order statistics for noisy timings: medians and quartiles, never means,
because one stalled run on a loaded machine must not move the answer."""
import math


def quantile(xs, q):
    """The q-quantile (0..1) of xs by linear interpolation between order
    statistics; None for no data."""
    if not xs:
        return None
    s = sorted(xs)
    pos = (len(s) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def summary(xs):
    """median, p25, p75, min, max and n of xs (all None when xs is empty)."""
    return {
        "n": len(xs),
        "median": quantile(xs, 0.5),
        "p25": quantile(xs, 0.25),
        "p75": quantile(xs, 0.75),
        "min": min(xs) if xs else None,
        "max": max(xs) if xs else None,
    }


def ratio(a, b):
    """a / b, or None when either is missing or b is zero."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def paired_ratio(xs, ys):
    """Median of xs[i] / ys[i] over interleaved pairs: machine noise that hit
    both runs of a pair cancels out."""
    return quantile([x / y for x, y in zip(xs, ys) if y], 0.5)
