/// How far each point lies above the least-squares line through all the other points.
///
/// Attribution uses it to compare one candidate with the pattern the others set, without
/// letting that candidate pull the line towards itself. When the other points' x values are all
/// equal the line is undefined; the slope is then taken as 1, so that the residual is (y − x)
/// minus the others' mean of (y − x).
public enum LeaveOneOutLine {
    /// `y[i]` minus the fit at `x[i]` of the line through every point but i. Needs at least 3
    /// points, so that at least 2 remain for each line.
    public static func residuals(x: [Double], y: [Double]) -> [Double] {
        precondition(x.count == y.count && x.count >= 3, "a leave-one-out line needs at least 3 points")
        return x.indices.map { i in
            let (others, mx, cxx) = spread(x, without: i)
            let my = others.reduce(0) { $0 + y[$1] } / Double(others.count)
            let cxy = others.reduce(0) { $0 + (x[$1] - mx) * (y[$1] - my) }
            let slope = cxx > 0 ? cxy / cxx : 1
            return y[i] - (my + slope * (x[i] - mx))
        }
    }

    /// Each point's leverage on the line through the other points, 1/m + (x − x̄)²/Sxx over
    /// those m points: the variance of that line's fit at x[i], in units of the scatter around
    /// it. Above 1, the fit there is less certain than any one point, so a residual at x[i] is
    /// an extrapolation. Infinite when the others' x values are all equal and x[i] differs.
    public static func leverages(x: [Double]) -> [Double] {
        precondition(x.count >= 3, "a leave-one-out line needs at least 3 points")
        return x.indices.map { i in
            let (others, mx, cxx) = spread(x, without: i)
            let distance = (x[i] - mx) * (x[i] - mx)
            return 1 / Double(others.count) + (distance == 0 ? 0 : cxx > 0 ? distance / cxx : .infinity)
        }
    }

    /// The indices other than i, their mean x and their sum of squared deviations in x.
    private static func spread(_ x: [Double], without i: Int) -> (others: [Int], mean: Double, squares: Double) {
        let others = x.indices.filter { $0 != i }
        let mean = others.reduce(0) { $0 + x[$1] } / Double(others.count)
        return (others, mean, others.reduce(0) { $0 + (x[$1] - mean) * (x[$1] - mean) })
    }
}
