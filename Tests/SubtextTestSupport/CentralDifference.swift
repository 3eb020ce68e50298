/// One gradient entry estimated by central differences of a Float loss, (L(θ + h) − L(θ − h)) / 2h,
/// to check an analytic gradient against.
///
/// A Float loss resolves the difference only to a few units in its last place, so the estimate
/// carries rounding of about that over 2h: near a zero gradient, rounding alone can look like a
/// large relative error. The comparison counts only what lies beyond that resolution.
public struct CentralDifference {
    public let numeric: Double
    /// The rounding the estimate can carry: four units in the last place of the loss, over 2h.
    public let resolution: Double

    public init(up: Float, down: Float, h: Float) {
        numeric = (Double(up) - Double(down)) / Double(2 * h)
        resolution = 4 * Double(max(up.ulp, down.ulp)) / Double(2 * h)
    }

    /// The analytic gradient's difference from the estimate beyond the resolution, relative to
    /// their size (at least 1e-3, so that two tiny values are not compared to each other alone).
    public func relativeError(_ analytic: Float) -> Double {
        let beyond = max(abs(numeric - Double(analytic)) - resolution, 0)
        return beyond / max(abs(numeric) + abs(Double(analytic)), 1e-3)
    }

    /// Whether the gradient stands well clear of rounding, so that comparing it tests something.
    public var isResolved: Bool { abs(numeric) > 10 * resolution }
}
