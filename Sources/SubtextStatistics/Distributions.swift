import Foundation

/// The distribution functions the tests need, in double precision.
public enum Distributions {
    /// P(Z > z) for a standard normal Z, accurate in the far tail.
    public static func normalSurvival(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

    public static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// The standard normal quantile: Acklam's rational approximation, polished by one
    /// Halley step against `erfc`, which brings it to full double precision.
    public static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "normalQuantile needs 0 < p < 1")
        let a = [
            -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
        ]
        let b = [
            -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01
        ]
        let c = [
            -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
        ]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x =
                (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x =
                (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x =
                -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let error = normalCDF(x) - p
        let u = error * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        return x - u / (1 + x * u / 2)
    }

    /// P(X > x) for X chi-square with `degreesOfFreedom`.
    public static func chiSquareSurvival(_ x: Double, degreesOfFreedom: Double) -> Double {
        guard x > 0 else { return 1 }
        return regularizedGammaQ(degreesOfFreedom / 2, x / 2)
    }

    /// Q(a, x) = Γ(a, x) / Γ(a): a series below a + 1, Lentz's continued fraction above.
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        if x < a + 1 { return 1 - gammaSeries(a, x) }
        return gammaContinuedFraction(a, x)
    }

    private static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a
        var sum = term
        var n = a
        for _ in 0..<10_000 {
            n += 1
            term *= x / n
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return sum * exp(-x + a * log(x) - lgamma(a))
    }

    private static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - lgamma(a)) * h
    }

    /// P(T > t) for T Student-t with `degreesOfFreedom` (infinite: the normal), from the
    /// regularized incomplete beta function: P(|T| > |t|) = I_{ν/(ν+t²)}(ν/2, 1/2).
    public static func studentTSurvival(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard nu.isFinite else { return normalSurvival(t) }
        let tail = 0.5 * regularizedBeta(nu / (nu + t * t), nu / 2, 0.5)
        return t >= 0 ? tail : 1 - tail
    }

    /// The t with P(T ≤ t) = p, by bisection on `studentTSurvival`: no closed form exists for
    /// fractional degrees of freedom (the moderated tests have them), and the tails need no more
    /// than a hundred halvings to reach double precision.
    public static func studentTQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1, "studentTQuantile needs 0 < p < 1")
        guard nu.isFinite else { return normalQuantile(p) }
        if p < 0.5 { return -studentTQuantile(1 - p, degreesOfFreedom: nu) }
        var low = 0.0
        var high = 1.0
        while studentTSurvival(high, degreesOfFreedom: nu) > 1 - p { (low, high) = (high, high * 2) }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle == low || middle == high { break }
            if studentTSurvival(middle, degreesOfFreedom: nu) > 1 - p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// I_x(a, b), the regularized incomplete beta function: Lentz's continued fraction, on the
    /// side of the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where it converges fast.
    public static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x))
        if x < (a + 1) / (a + b + 2) { return front * betaContinuedFraction(x, a, b) / a }
        return 1 - front * betaContinuedFraction(1 - x, b, a) / b
    }

    private static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1..<10_000 {
            let m = Double(m)
            let m2 = 2 * m
            for numerator in [
                m * (b - m) * x / ((a + m2 - 1) * (a + m2)), -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            ] {
                d = 1 + numerator * d
                if abs(d) < tiny { d = tiny }
                c = 1 + numerator / c
                if abs(c) < tiny { c = tiny }
                d = 1 / d
                h *= d * c
            }
            if abs(d * c - 1) < 1e-16 { break }
        }
        return h
    }

    /// ψ(x), the digamma function, for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to 10,
    /// then the asymptotic series.
    public static func digamma(_ x: Double) -> Double {
        precondition(x > 0, "digamma needs x > 0")
        var x = x
        var shift = 0.0
        while x < 10 {
            shift -= 1 / x
            x += 1
        }
        let r = 1 / (x * x)
        return shift + log(x) - 0.5 / x
            - r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132)))))
    }

    /// ψ′(x), the trigamma function, for x > 0, the same way.
    public static func trigamma(_ x: Double) -> Double {
        precondition(x > 0, "trigamma needs x > 0")
        var x = x
        var shift = 0.0
        while x < 10 {
            shift += 1 / (x * x)
            x += 1
        }
        let r = 1 / (x * x)
        return shift + 1 / x + r / 2
            + r / x * (1.0 / 6 - r * (1.0 / 30 - r * (1.0 / 42 - r * (1.0 / 30 - r * (5.0 / 66)))))
    }

    /// The x > 0 with ψ′(x) = y, by bisection on log x: ψ′ falls from ∞ to 0.
    public static func inverseTrigamma(_ y: Double) -> Double {
        precondition(y > 0, "inverseTrigamma needs y > 0")
        var low = log(1e-8)
        var high = log(1e12)
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if trigamma(exp(middle)) > y { low = middle } else { high = middle }
        }
        return exp((low + high) / 2)
    }

    /// log(n choose k).
    public static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }

    static func logSumExp(_ values: [Double]) -> Double {
        guard let top = values.max(), top > -.infinity else { return -.infinity }
        return top + log(values.reduce(0) { $0 + exp($1 - top) })
    }
}
